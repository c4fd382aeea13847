import { storedKeys } from '../backend/backend';
import { makeImage } from '../helpers/images';
import { DELETE_IMAGE, startTestServer, updateImageWithFile, uploadImage, type TestServer } from '../helpers/server';

/**
 * Old URLs kept for a while (contract section 7): replacing an image's bytes
 * keeps the previous revision's URLs working for MEDIA_REVISION_GRACE_SECONDS,
 * then the sweep removes them; deleting the image removes every revision at once.
 */
async function urlsOf(t: TestServer, id: string): Promise<string[]> {
  const res = await t.gql(`query($id: ID!) { productImage(id: $id) { url variants { url } } }`, { id });
  const image = res.body.data.productImage as { url: string; variants: { url: string }[] };
  return [image.url, ...image.variants.map((v) => v.url)];
}

async function statuses(urls: string[]): Promise<number[]> {
  return Promise.all(
    urls.map(async (url) => {
      const res = await fetch(url);
      await res.arrayBuffer();
      return res.status;
    }),
  );
}

async function replace(t: TestServer, id: string, width: number): Promise<void> {
  const res = await updateImageWithFile(t, { id }, await makeImage(width, 30));
  expect(((await res.json()) as any).data.updateImage.userErrors).toEqual([]);
}

const localId = (id: string) => id.split('/').pop()!;

describe('with the default grace (a day)', () => {
  let t: TestServer;
  beforeAll(async () => (t = await startTestServer()));
  afterAll(() => t.stop());

  it('keeps serving the replaced revision beside the new one', async () => {
    const id = await uploadImage(t, 'grace-1', await makeImage(40, 30));
    const before = await urlsOf(t, id);
    await replace(t, id, 60);
    const after = await urlsOf(t, id);
    expect(after[0]).not.toBe(before[0]);
    expect(await statuses(before)).toEqual(before.map(() => 200));
    expect(await statuses(after)).toEqual(after.map(() => 200));
  });

  it('deleting the image removes every revision at once, the replaced ones too', async () => {
    const id = await uploadImage(t, 'grace-2', await makeImage(40, 30));
    const first = await urlsOf(t, id);
    await replace(t, id, 50);
    await replace(t, id, 70);
    const current = await urlsOf(t, id);
    expect((await t.gql(DELETE_IMAGE, { id })).body.data.deleteImage.userErrors).toEqual([]);
    expect(await statuses([...first, ...current])).toEqual([...first, ...current].map(() => 404));
    expect(await storedKeys(t.dataDir, `images/${localId(id)}`)).toEqual([]);
    expect(await storedKeys(t.dataDir, `sources/${localId(id)}`)).toEqual([]);
  });
});

describe('with a one-second grace', () => {
  let t: TestServer;
  beforeAll(
    async () => (t = await startTestServer({ MEDIA_REVISION_GRACE_SECONDS: '1', MEDIA_SWEEP_INTERVAL_SECONDS: '1' })),
  );
  afterAll(() => t.stop());

  it('removes the replaced revision once the grace has passed, and keeps the current one', async () => {
    const id = await uploadImage(t, 'grace-3', await makeImage(40, 30));
    const before = await urlsOf(t, id);
    await replace(t, id, 60);
    const after = await urlsOf(t, id);
    const revisionOf = (url: string) => new URL(url).pathname.split('/')[4];
    const deadline = Date.now() + 15_000;
    while ((await statuses(before)).some((status) => status !== 404) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(await statuses(before)).toEqual(before.map(() => 404));
    expect(await statuses(after)).toEqual(after.map(() => 200));
    const kept = new Set((await storedKeys(t.dataDir, `images/${localId(id)}`)).map((key) => key.split('/')[2]));
    expect([...kept]).toEqual([revisionOf(after[0]!)]);
    const sources = new Set((await storedKeys(t.dataDir, `sources/${localId(id)}`)).map((key) => key.split('/')[2]));
    expect([...sources]).toEqual([revisionOf(after[0]!)]);
  });
});

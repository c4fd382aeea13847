import { storedKeys, withStore } from '../backend/backend';
import { makeImage } from '../helpers/images';
import { putBytes, REQUEST_FILE_UPLOAD, startTestServer, uploadImage, type TestServer } from '../helpers/server';

/**
 * MEDIA_ASSET_BASE_URL (contract section 9): image URLs are handed out below a
 * CDN in front of the storage, which may expose everything under `images/`
 * and nothing else: the bytes as received and product files live elsewhere.
 */
const CDN = 'https://cdn.example.com/product-media';
let t: TestServer;
beforeAll(async () => (t = await startTestServer({ MEDIA_ASSET_BASE_URL: `${CDN}/` })));
afterAll(() => t.stop());

async function bytesOf(key: string): Promise<Buffer> {
  return withStore(t.dataDir, async ({ storage }) => {
    const chunks: Buffer[] = [];
    for await (const chunk of await storage.read(key)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  });
}

it('hands out image URLs below the asset base, naming objects that hold what /media serves', async () => {
  const id = await uploadImage(t, 'cdn-1', await makeImage(300, 200));
  const read = await t.gql(`query($id: ID!) { productImage(id: $id) { url variants { kind url } } }`, { id });
  const { url, variants } = read.body.data.productImage;
  const imageId = id.split('/').pop()!;
  expect(url).toMatch(new RegExp(`^${CDN}/images/${imageId}/[0-9a-f-]{36}/original\\.png$`));
  for (const variant of variants as { url: string }[]) {
    expect(variant.url.startsWith(`${CDN}/images/${imageId}/`)).toBe(true);
    const key = variant.url.slice(CDN.length + 1);
    const viaSubgraph = await fetch(`${t.url}/media/${key}`);
    expect(viaSubgraph.status).toBe(200);
    expect(await bytesOf(key)).toEqual(Buffer.from(await viaSubgraph.arrayBuffer()));
  }
});

it('keeps nothing but served renditions under images/: the bytes as received are under sources/', async () => {
  const id = await uploadImage(t, 'cdn-2', await makeImage(40, 40));
  const imageId = id.split('/').pop()!;
  const served = await storedKeys(t.dataDir, `images/${imageId}`);
  expect(served.length).toBeGreaterThan(0);
  for (const key of served) expect(key).toMatch(/\/(original|standard|low|thumbnail)\.[a-z]+$/);
  expect(await storedKeys(t.dataDir, `sources/${imageId}`)).toEqual([expect.stringMatching(/\/source\.png$/)]);
});

it('leaves product files on signed /media links of the subgraph', async () => {
  const res = await t.gql(REQUEST_FILE_UPLOAD, { input: { productId: 'cdn-3', fileName: 'manual.pdf' } });
  const { file, upload } = res.body.data.requestFileUpload;
  expect((await putBytes(upload, Buffer.from('%PDF-1.7\n%%EOF\n'))).status).toBe(200);
  const read = await t.gql(`query($id: ID!) { productFile(id: $id) { downloadUrl } }`, { id: file.id });
  expect(read.body.data.productFile.downloadUrl).toMatch(/^http:\/\/localhost:\d+\/media\/files\/.*signature=/);
});

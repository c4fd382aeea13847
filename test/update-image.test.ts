import {
  SET_THUMBNAIL,
  startTestServer,
  UPDATE_IMAGE,
  updateImageWithFile,
  uploadImage,
  type TestServer,
} from './helpers/server';
import { makeImage } from './helpers/images';
import { storedObjects } from './backend/backend';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.stop());

const multipartUpdate = (input: Record<string, unknown>, bytes: Uint8Array, headers: Record<string, string>) =>
  updateImageWithFile(t, input, bytes, headers);

describe('updateImage on LOCAL', () => {
  it('replaces the bytes from a multipart file and changes metadata in the same step', async () => {
    const id = await uploadImage(t, 'u-1', await makeImage(100, 100));
    const res = await multipartUpdate(
      { id, alt: 'new alt', name: 'front', ordering: 7 },
      await makeImage(640, 480, 'png'),
      {
        'apollo-require-preflight': 'true',
      },
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.data.updateImage.userErrors).toEqual([]);
    expect(body.data.updateImage.image).toMatchObject({
      id,
      status: 'READY',
      width: 640,
      height: 480,
      alt: 'new alt',
      name: 'front',
      ordering: 7,
    });
    expect((await fetch(body.data.updateImage.image.url)).status).toBe(200);
  });

  it('refuses a multipart request without Apollo-Require-Preflight with 400, changing nothing', async () => {
    const id = await uploadImage(t, 'u-csrf', await makeImage(100, 100));
    const blobsBefore = await storedObjects(t.dataDir);
    const res = await multipartUpdate({ id, alt: 'forged' }, await makeImage(300, 300), {});
    expect(res.status).toBe(400);
    const after = await t.gql(`query($id: ID!) { productImage(id: $id) { alt width } }`, { id });
    expect(after.body.data.productImage).toEqual({ alt: null, width: 100 });
    expect(await storedObjects(t.dataDir)).toEqual(blobsBefore);
  });

  it('refuses a simple (form) POST without a preflight header before any resolver runs', async () => {
    const id = await uploadImage(t, 'u-csrf-form', await makeImage(10, 10));
    const res = await fetch(
      `${t.url}/graphql?query=${encodeURIComponent(`mutation { setThumbnail(input: { imageId: "${id}" }) { image { id } } }`)}`,
      {
        method: 'GET',
      },
    );
    expect(res.status).toBe(400);
    const form = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: `mutation { setThumbnail(input: { imageId: "${id}" }) { image { id } } }` }),
    });
    expect(form.status).toBe(400);
    const after = await t.gql(`query($id: ID!) { productImage(id: $id) { isThumbnail } }`, { id });
    expect(after.body.data.productImage.isThumbnail).toBe(false);
  });

  it('changes name, alt, ordering, enabled and thumbnail; null clears name and alt', async () => {
    const id = await uploadImage(t, 'u-meta', await makeImage(10, 10));
    let res = await t.gql(UPDATE_IMAGE, {
      input: { id, name: 'n', alt: 'a', ordering: 3, enabled: false, thumbnail: true },
    });
    expect(res.body.data.updateImage.image).toMatchObject({
      name: 'n',
      alt: 'a',
      ordering: 3,
      enabled: false,
      isThumbnail: true,
    });
    res = await t.gql(UPDATE_IMAGE, { input: { id, name: null, alt: null, thumbnail: false } });
    expect(res.body.data.updateImage.image).toMatchObject({
      name: null,
      alt: null,
      ordering: 3,
      enabled: false,
      isThumbnail: false,
    });
  });

  it('leaves disabled images out of Product.images unless asked, ordered by ordering then creation', async () => {
    const a = await uploadImage(t, 'u-order', await makeImage(10, 10));
    const b = await uploadImage(t, 'u-order', await makeImage(10, 10));
    const c = await uploadImage(t, 'u-order', await makeImage(10, 10));
    await t.gql(UPDATE_IMAGE, { input: { id: a, ordering: 10 } });
    await t.gql(UPDATE_IMAGE, { input: { id: b, enabled: false } });
    const res = await t.gql(
      `{ productMedia(productId: "u-order") { shown: images { id } all: images(includeDisabled: true) { id } } }`,
    );
    expect(res.body.data.productMedia.shown.map((i: any) => i.id)).toEqual([c, a]);
    expect(res.body.data.productMedia.all.map((i: any) => i.id)).toEqual([b, c, a]);
  });

  it('answers bad input with typed userErrors and data present', async () => {
    const id = await uploadImage(t, 'u-bad', await makeImage(10, 10));
    const cases: [Record<string, unknown>, string, string[]][] = [
      [{ id: 'not-an-id' }, 'INVALID_ID', ['input', 'id']],
      [{ id: 'gid://product-media/ProductImage/local/p/%zz' }, 'INVALID_ID', ['input', 'id']],
      [{ id: 'gid://product-media/ProductFile/local/p/x' }, 'INVALID_ID', ['input', 'id']],
      [
        { id: 'gid://product-media/ProductImage/local/u-bad/00000000-0000-0000-0000-000000000000' },
        'NOT_FOUND',
        ['input', 'id'],
      ],
      [{ id, name: 'x'.repeat(256) }, 'INVALID_INPUT', ['input', 'name']],
      [{ id, ordering: null }, 'INVALID_INPUT', ['input', 'ordering']],
      [{ id, sourceUrl: 'http://127.0.0.1:1/x.png' }, 'INVALID_INPUT', ['input', 'sourceUrl']],
      [{ id, sourceUrl: 'file:///etc/passwd' }, 'INVALID_INPUT', ['input', 'sourceUrl']],
      [{ id: 'gid://product-media/ProductImage/kelviq/p/x', alt: 'x' }, 'PROVIDER_NOT_CONFIGURED', []],
    ];
    for (const [input, code, field] of cases) {
      const res = await t.gql(UPDATE_IMAGE, { input });
      expect(res.status).toBe(200);
      expect(res.body.data.updateImage.image).toBeNull();
      expect(res.body.data.updateImage.userErrors).toHaveLength(1);
      expect(res.body.data.updateImage.userErrors[0]).toMatchObject({ code, retryable: false });
      if (field.length) expect(res.body.data.updateImage.userErrors[0].field).toEqual(field);
    }
    const after = await t.gql(`query($id: ID!) { productImage(id: $id) { name ordering } }`, { id });
    expect(after.body.data.productImage).toEqual({ name: null, ordering: 0 });
  });

  it('keeps exactly one thumbnail under concurrent setThumbnail calls', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 8; i += 1) ids.push(await uploadImage(t, 'u-thumb', await makeImage(10, 10)));
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => t.gql(SET_THUMBNAIL, { imageId: ids[i % ids.length] })),
    );
    for (const r of results) expect(r.body.data.setThumbnail.userErrors).toEqual([]);
    const res = await t.gql(`{ productMedia(productId: "u-thumb") { thumbnail { id } images { id isThumbnail } } }`);
    const flagged = res.body.data.productMedia.images.filter((i: any) => i.isThumbnail);
    expect(flagged).toHaveLength(1);
    expect(res.body.data.productMedia.thumbnail.id).toBe(flagged[0].id);
  });
});

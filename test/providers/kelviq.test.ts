import { randomUUID } from 'node:crypto';
import { formatGlobalId } from '../../src/domain/ids';
import { providerEnv, startFakeKelviq, type FakeKelviq } from '../contract/fakes';
import { SET_THUMBNAIL, startTestServer, UPDATE_IMAGE, type TestServer } from '../helpers/server';

let kelviq: FakeKelviq;
let t: TestServer;
beforeAll(async () => {
  kelviq = await startFakeKelviq();
  t = await startTestServer(providerEnv({ kelviq }));
});
afterAll(async () => {
  await t.stop();
  await kelviq.close();
});
afterEach(() => expect(kelviq.violations).toEqual([]));

const kelviqImage = (productId: string, imageId: string) =>
  formatGlobalId({ kind: 'ProductImage', provider: 'KELVIQ', productId, localId: imageId });

describe('Kelviq', () => {
  it('updateImage PATCHes only the fields given and records Kelviq’s answer', async () => {
    const product = randomUUID();
    const stored = kelviq.addImage(product, { ordering: 3 });
    const id = kelviqImage(product, stored.id);
    const before = kelviq.requests.length;
    const res = await t.gql(UPDATE_IMAGE, { input: { id, name: 'front.png', enabled: false } });
    expect(res.body.data.updateImage.userErrors).toEqual([]);
    const sent = kelviq.requests.slice(before);
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      `PATCH /api/v1/catalog/products/${product}/image/${stored.id}/`,
    ]);
    expect(sent[0]!.body).toEqual({ name: 'front.png', enabled: false });
    expect(sent[0]!.headers.authorization).toBe('Bearer kelviq-test-key-c04d77');
    expect(res.body.data.updateImage.image).toMatchObject({
      id,
      provider: 'KELVIQ',
      name: 'front.png',
      enabled: false,
      ordering: 3,
      url: stored.image,
      status: 'READY',
    });

    const ordering = await t.gql(UPDATE_IMAGE, { input: { id, ordering: 9 } });
    expect(ordering.body.data.updateImage.image.ordering).toBe(9);
    expect(kelviq.requests.at(-1)!.body).toEqual({ ordering: 9 });

    // Disabled images are left out of Product.images unless asked for.
    const images = await t.gql(`{ productMedia(productId: "${product}") {
      shown: images { id } all: images(includeDisabled: true) { id } } }`);
    expect(images.body.data.productMedia).toEqual({ shown: [], all: [{ id }] });
  });

  it('setThumbnail sends thumbnail: true, and the index clears the flag on the product’s other images', async () => {
    const product = randomUUID();
    const a = kelviq.addImage(product, { ordering: 0 });
    const b = kelviq.addImage(product, { ordering: 1 });
    const first = await t.gql(UPDATE_IMAGE, { input: { id: kelviqImage(product, a.id), thumbnail: true } });
    expect(first.body.data.updateImage.image.isThumbnail).toBe(true);
    expect(kelviq.requests.at(-1)!.body).toEqual({ thumbnail: true });

    const res = await t.gql(SET_THUMBNAIL, { imageId: kelviqImage(product, b.id) });
    expect(res.body.data.setThumbnail).toMatchObject({
      userErrors: [],
      image: { isThumbnail: true },
      product: { thumbnail: { id: kelviqImage(product, b.id) } },
    });
    expect(kelviq.requests.at(-1)!.body).toEqual({ thumbnail: true });
    const images = await t.gql(`{ productMedia(productId: "${product}") { images { id isThumbnail } } }`);
    expect(images.body.data.productMedia.images).toEqual([
      { id: kelviqImage(product, a.id), isThumbnail: false },
      { id: kelviqImage(product, b.id), isThumbnail: true },
    ]);
  });

  it('refuses clearing the name, and ids that are not UUIDs, before any call', async () => {
    const product = randomUUID();
    const stored = kelviq.addImage(product);
    const before = kelviq.attempts;
    const cleared = await t.gql(UPDATE_IMAGE, { input: { id: kelviqImage(product, stored.id), name: null } });
    expect(cleared.body.data.updateImage.userErrors[0]).toMatchObject({
      code: 'INVALID_INPUT',
      field: ['input', 'name'],
    });
    const badId = await t.gql(UPDATE_IMAGE, { input: { id: kelviqImage('not-a-uuid', stored.id), ordering: 1 } });
    expect(badId.body.data.updateImage.userErrors[0]).toMatchObject({ code: 'INVALID_ID', field: ['input', 'id'] });
    expect(kelviq.attempts).toBe(before);
  });

  it('an image Kelviq does not have is NOT_FOUND, and the index records nothing', async () => {
    const product = randomUUID();
    const res = await t.gql(UPDATE_IMAGE, { input: { id: kelviqImage(product, randomUUID()), ordering: 1 } });
    expect(res.body.data.updateImage.userErrors[0]).toMatchObject({ code: 'NOT_FOUND', provider: 'KELVIQ' });
    const images = await t.gql(`{ productMedia(productId: "${product}") { images(includeDisabled: true) { id } } }`);
    expect(images.body.data.productMedia.images).toEqual([]);
  });
});

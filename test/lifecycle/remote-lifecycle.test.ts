import { randomUUID } from 'node:crypto';
import { formatGlobalId } from '../../src/domain/ids';
import {
  providerEnv,
  startFakeDodo,
  startFakeKelviq,
  startFakeSalla,
  type FakeDodo,
  type FakeKelviq,
  type FakeSalla,
} from '../contract/fakes';
import {
  DELETE_IMAGE,
  REORDER_IMAGES,
  REQUEST_IMAGE_UPLOAD,
  startTestServer,
  UPDATE_IMAGE,
  type TestServer,
} from '../helpers/server';

/**
 * Deletes and reorders at remote providers (contract section 7): the calls
 * each one's seed operations allow, checked by the contract fakes, and
 * refusals with no call where a provider has no such operation.
 */
let salla: FakeSalla;
let kelviq: FakeKelviq;
let dodo: FakeDodo;
let t: TestServer;
beforeAll(async () => {
  [salla, kelviq, dodo] = await Promise.all([startFakeSalla(), startFakeKelviq(), startFakeDodo()]);
  t = await startTestServer(providerEnv({ salla, kelviq, dodo }));
});
afterAll(async () => {
  await t.stop();
  await Promise.all([salla.close(), kelviq.close(), dodo.close()]);
});
afterEach(() => {
  for (const fake of [salla, kelviq, dodo]) expect(fake.violations).toEqual([]);
});

const sallaImage = (productId: string, imageId: string) =>
  formatGlobalId({ kind: 'ProductImage', provider: 'SALLA', productId, localId: imageId });
const kelviqImage = (productId: string, imageId: string) =>
  formatGlobalId({ kind: 'ProductImage', provider: 'KELVIQ', productId, localId: imageId });

/** Salla images the subgraph knows, at orderings 0, 1, 2, ... (Salla's `photo` given as a URL: no fetch). */
async function sallaGallery(productId: string, imageIds: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const [ordering, imageId] of imageIds.entries()) {
    const id = sallaImage(productId, imageId);
    const res = await t.gql(UPDATE_IMAGE, {
      input: { id, sourceUrl: `https://images.example.com/${imageId}.png`, ordering },
    });
    expect(res.body.data.updateImage.userErrors).toEqual([]);
    ids.push(id);
  }
  return ids;
}

describe('reorderImages', () => {
  it('Kelviq: one PATCH with `ordering` per image whose position changes, in list order', async () => {
    const product = randomUUID();
    const stored = [0, 1, 2, 3].map((ordering) => kelviq.addImage(product, { ordering }));
    const ids: string[] = [];
    for (const [ordering, image] of stored.entries()) {
      const id = kelviqImage(product, image.id);
      await t.gql(UPDATE_IMAGE, { input: { id, ordering } });
      ids.push(id);
    }
    const before = kelviq.requests.length;
    const res = await t.gql(REORDER_IMAGES, { input: { productId: product, imageIds: [ids[2], ids[0]] } });
    expect(res.body.data.reorderImages.userErrors).toEqual([]);
    const sent = kelviq.requests.slice(before);
    // New order 2, 0, 1, 3: image 3 keeps its position and gets no call.
    expect(sent.map((r) => [r.method, r.path, r.body])).toEqual([
      ['PATCH', `/api/v1/catalog/products/${product}/image/${stored[2]!.id}/`, { ordering: 0 }],
      ['PATCH', `/api/v1/catalog/products/${product}/image/${stored[0]!.id}/`, { ordering: 1 }],
      ['PATCH', `/api/v1/catalog/products/${product}/image/${stored[1]!.id}/`, { ordering: 2 }],
    ]);
    expect(res.body.data.reorderImages.product.images).toEqual([
      { id: ids[2], ordering: 0 },
      { id: ids[0], ordering: 1 },
      { id: ids[1], ordering: 2 },
      { id: ids[3], ordering: 3 },
    ]);
  });

  it('Salla: `sort` with the known photo, stopping at the first refusal, which names its place', async () => {
    const [a, b, c] = await sallaGallery('ro-s', ['71001', '71002', '71003']);
    const before = salla.requests.length;
    // The first call goes through, the second is refused; nothing is sent after it.
    salla.missing.add('71001');
    try {
      const res = await t.gql(REORDER_IMAGES, { input: { productId: 'ro-s', imageIds: [c, a, b] } });
      const payload = res.body.data.reorderImages;
      expect(payload.userErrors).toEqual([
        expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'imageIds', '1'], provider: 'SALLA' }),
      ]);
      const sent = salla.requests.slice(before);
      expect(sent.map((r) => r.path)).toEqual(['/admin/v2/products/images/71003', '/admin/v2/products/images/71001']);
      expect(sent[0]!.body).toMatchObject({ sort: 0, photo: 'https://images.example.com/71003.png' });
      // The product as it now is: the first move was made and recorded.
      expect(payload.product.images).toEqual([
        { id: a, ordering: 0 },
        { id: c, ordering: 0 },
        { id: b, ordering: 1 },
      ]);
    } finally {
      salla.missing.delete('71001');
    }
  });

  it('refuses ids of another provider with INVALID_INPUT and sends nothing', async () => {
    const [a] = await sallaGallery('ro-x', ['72001']);
    const product = randomUUID();
    const kelviqId = kelviqImage(product, kelviq.addImage(product, { ordering: 0 }).id);
    const attempts = salla.attempts + kelviq.attempts;
    const res = await t.gql(REORDER_IMAGES, {
      input: { productId: 'ro-x', provider: 'SALLA', imageIds: [a, kelviqId] },
    });
    expect(res.body.data.reorderImages.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'imageIds', '1'] }),
    ]);
    expect(salla.attempts + kelviq.attempts).toBe(attempts);
  });

  it('is UNSUPPORTED_BY_PROVIDER for single-image providers, with no call', async () => {
    const attempts = dodo.attempts;
    const res = await t.gql(REORDER_IMAGES, { input: { productId: 'pdt_1', provider: 'DODO_PAYMENTS', imageIds: [] } });
    expect(res.body.data.reorderImages.userErrors).toEqual([
      expect.objectContaining({ code: 'UNSUPPORTED_BY_PROVIDER', provider: 'DODO_PAYMENTS' }),
    ]);
    expect(dodo.attempts).toBe(attempts);
  });
});

describe('deleteImage at remote providers', () => {
  it('refuses an image with bytes with UNSUPPORTED_BY_PROVIDER, calls nothing, and keeps it', async () => {
    const [a] = await sallaGallery('del-s', ['73001']);
    const attempts = salla.attempts;
    const res = await t.gql(DELETE_IMAGE, { id: a });
    expect(res.body.data.deleteImage.userErrors).toEqual([
      expect.objectContaining({ code: 'UNSUPPORTED_BY_PROVIDER', provider: 'SALLA', field: ['input', 'id'] }),
    ]);
    expect(salla.attempts).toBe(attempts);
    const read = await t.gql(`query($id: ID!) { productImage(id: $id) { id } }`, { id: a });
    expect(read.body.data.productImage).toEqual({ id: a });
  });

  it('deletes a placeholder that never received bytes from the index, with no call (Dodo)', async () => {
    const requested = await t.gql(REQUEST_IMAGE_UPLOAD, { input: { productId: 'pdt_del', provider: 'DODO_PAYMENTS' } });
    const { image } = requested.body.data.requestImageUpload;
    const attempts = dodo.attempts;
    const res = await t.gql(DELETE_IMAGE, { id: image.id });
    expect(res.body.data.deleteImage).toMatchObject({ deletedImageId: image.id, userErrors: [] });
    expect(dodo.attempts).toBe(attempts);
    const read = await t.gql(`query($id: ID!) { productImage(id: $id) { id } }`, { id: image.id });
    expect(read.body.data.productImage).toBeNull();
  });
});

import { formatGlobalId } from '../../src/domain/ids';
import { providerEnv, startFakeDodo, type FakeDodo } from '../contract/fakes';
import { makeImage } from '../helpers/images';
import { serveBytes } from '../helpers/origin';
import {
  CONFIRM_FILE_UPLOAD,
  CONFIRM_IMAGE_UPLOAD,
  REQUEST_FILE_UPLOAD,
  REQUEST_IMAGE_UPLOAD,
  SET_THUMBNAIL,
  startTestServer,
  UPDATE_IMAGE,
  updateImageWithFile,
  type TestServer,
} from '../helpers/server';

let dodo: FakeDodo;
let t: TestServer;
beforeAll(async () => {
  dodo = await startFakeDodo();
  t = await startTestServer({ ...providerEnv({ dodo }), MEDIA_FETCH_ALLOW_PRIVATE: 'true' });
});
afterAll(async () => {
  await t.stop();
  await dodo.close();
});
afterEach(() => expect(dodo.violations).toEqual([]));

const primary = (productId: string) =>
  formatGlobalId({ kind: 'ProductImage', provider: 'DODO_PAYMENTS', productId, localId: 'primary' });

describe('Dodo Payments', () => {
  it('requestImageUpload hands Dodo’s presigned URL through, once, with force_update when asked', async () => {
    const before = dodo.requests.length;
    const started = Date.now();
    const res = await t.gql(REQUEST_IMAGE_UPLOAD, {
      input: { productId: 'pdt_1', provider: 'DODO_PAYMENTS', forceUpdate: true, contentType: 'image/png' },
    });
    const payload = res.body.data.requestImageUpload;
    expect(payload.userErrors).toEqual([]);
    const sent = dodo.requests.slice(before);
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(['PUT /products/pdt_1/images']);
    expect(sent[0]!.query).toEqual({ force_update: true });
    expect(sent[0]!.headers.authorization).toBe('Bearer dodo-test-key-5f2c9a');

    expect(payload.upload.url).toMatch(new RegExp(`^${dodo.origin}/s3/dodo-bucket/products/pdt_1/images/`));
    expect(payload.upload.method).toBe('PUT');
    expect(payload.upload.headers).toEqual([{ name: 'Content-Type', value: 'image/png' }]);
    const expiresIn = Date.parse(payload.upload.expiresAt) - started;
    expect(expiresIn).toBeGreaterThan(50_000);
    expect(expiresIn).toBeLessThanOrEqual(61_000);

    const imageId = payload.upload.url.split('/images/')[1].split('?')[0];
    expect(payload.image).toMatchObject({
      id: primary('pdt_1'),
      provider: 'DODO_PAYMENTS',
      status: 'AWAITING_UPLOAD',
      providerImageId: imageId,
      isThumbnail: true,
      url: null,
    });

    // The client's bytes go straight to Dodo's bucket.
    const png = await makeImage(32, 16);
    const put = await fetch(payload.upload.url, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: png });
    expect(put.status).toBe(200);
    expect(dodo.objects.get(`products/pdt_1/images/${imageId}`)?.bytes.equals(png)).toBe(true);

    // Dodo's bucket does not tell the subgraph that bytes arrived: the image stays a placeholder, listed on request only.
    const product = await t.gql(
      `{ productMedia(productId: "pdt_1") { images { id } pending: images(includePending: true) { id } thumbnail { id } } }`,
    );
    expect(product.body.data.productMedia).toEqual({
      images: [],
      pending: [{ id: primary('pdt_1') }],
      thumbnail: null,
    });
  });

  it('sends no force_update when it was not asked for', async () => {
    const before = dodo.requests.length;
    await t.gql(REQUEST_IMAGE_UPLOAD, { input: { productId: 'pdt_2', provider: 'DODO_PAYMENTS' } });
    expect(dodo.requests.slice(before).map((r) => r.query)).toEqual([{}]);
  });

  it('requestFileUpload sends { file_name } and names the file by Dodo’s file_id', async () => {
    const before = dodo.requests.length;
    const res = await t.gql(REQUEST_FILE_UPLOAD, {
      input: { productId: 'pdt_1', provider: 'DODO_PAYMENTS', fileName: 'manual.pdf' },
    });
    const payload = res.body.data.requestFileUpload;
    expect(payload.userErrors).toEqual([]);
    const sent = dodo.requests.slice(before);
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(['PUT /products/pdt_1/files']);
    expect(sent[0]!.body).toEqual({ file_name: 'manual.pdf' });
    const fileId = payload.upload.url.split('/files/')[1].split('/')[0];
    expect(payload.file).toMatchObject({
      id: formatGlobalId({ kind: 'ProductFile', provider: 'DODO_PAYMENTS', productId: 'pdt_1', localId: fileId }),
      status: 'AWAITING_UPLOAD',
      fileName: 'manual.pdf',
      downloadUrl: null,
    });
    const files = await t.gql(
      `{ productMedia(productId: "pdt_1") { files { id } pending: files(includePending: true) { id fileName } } }`,
    );
    expect(files.body.data.productMedia).toEqual({
      files: [],
      pending: [{ id: payload.file.id, fileName: 'manual.pdf' }],
    });
  });

  it('updateImage with a file asks for a new URL (force_update) and PUTs the bytes there itself', async () => {
    const jpeg = await makeImage(300, 200, 'jpeg');
    const before = dodo.requests.length;
    const bucketBefore = dodo.bucketPuts;
    const res = await updateImageWithFile(t, { id: primary('pdt_3') }, jpeg);
    const body = (await res.json()) as any;
    expect(body.data.updateImage.userErrors).toEqual([]);
    const sent = dodo.requests.slice(before);
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual(['PUT /products/pdt_3/images']);
    expect(sent[0]!.query).toEqual({ force_update: true });
    expect(dodo.bucketPuts - bucketBefore).toBe(1);
    const image = body.data.updateImage.image;
    const stored = dodo.objects.get(`products/pdt_3/images/${image.providerImageId}`);
    expect(stored?.bytes.equals(jpeg)).toBe(true);
    expect(stored?.contentType).toBe('image/jpeg');
    expect(image).toMatchObject({
      status: 'READY',
      width: 300,
      height: 200,
      contentType: 'image/jpeg',
      isThumbnail: true,
    });
    expect(image.byteSize).toBe(jpeg.length);
  });

  it('updateImage with a sourceUrl fetches the bytes, then does the same', async () => {
    const png = await makeImage(64, 48);
    const origin = await serveBytes(png, 'image/png');
    try {
      const res = await t.gql(UPDATE_IMAGE, { input: { id: primary('pdt_4'), sourceUrl: `${origin.url}/a.png` } });
      expect(res.body.data.updateImage.userErrors).toEqual([]);
      expect(origin.hits).toBe(1);
      const image = res.body.data.updateImage.image;
      expect(dodo.objects.get(`products/pdt_4/images/${image.providerImageId}`)?.bytes.equals(png)).toBe(true);
      expect(image).toMatchObject({ width: 64, height: 48, status: 'READY' });
    } finally {
      await origin.close();
    }
  });

  it('setThumbnail succeeds without a provider call: the one image is the thumbnail', async () => {
    const before = dodo.attempts;
    const res = await t.gql(SET_THUMBNAIL, { imageId: primary('pdt_5') });
    expect(res.body.data.setThumbnail).toMatchObject({
      userErrors: [],
      image: { id: primary('pdt_5'), isThumbnail: true },
      product: { id: 'pdt_5', thumbnail: { id: primary('pdt_5') } },
    });
    expect(dodo.attempts).toBe(before);
  });

  it('refuses image ids other than "primary"', async () => {
    const res = await t.gql(UPDATE_IMAGE, {
      input: { id: 'gid://product-media/ProductImage/dodo-payments/pdt_1/abc', thumbnail: true },
    });
    expect(res.body.data.updateImage.userErrors[0]).toMatchObject({ code: 'INVALID_ID', field: ['input', 'id'] });
  });

  it('confirmImageUpload takes the client’s word with no call: READY, the thumbnail; again, the same', async () => {
    const requested = await t.gql(REQUEST_IMAGE_UPLOAD, {
      input: { productId: 'pdt_confirm', provider: 'DODO_PAYMENTS', contentType: 'image/png' },
    });
    const { image, upload } = requested.body.data.requestImageUpload;
    const put = await fetch(upload.url, {
      method: 'PUT',
      headers: { 'content-type': 'image/png' },
      body: await makeImage(8, 8),
    });
    expect(put.status).toBe(200);
    const before = dodo.requests.length;
    const confirmed = (await t.gql(CONFIRM_IMAGE_UPLOAD, { id: image.id })).body.data.confirmImageUpload;
    expect(confirmed.userErrors).toEqual([]);
    expect(confirmed.image).toMatchObject({ id: image.id, status: 'READY', isThumbnail: true, failureReason: null });
    const again = (await t.gql(CONFIRM_IMAGE_UPLOAD, { id: image.id })).body.data.confirmImageUpload;
    expect(again).toEqual(confirmed);
    // Only the client's PUT reached Dodo's bucket; the confirmations called nothing.
    expect(dodo.requests.slice(before)).toEqual([]);
    const listed = await t.gql(`{ productMedia(productId: "pdt_confirm") { images { id status } thumbnail { id } } }`);
    expect(listed.body.data.productMedia).toEqual({
      images: [{ id: image.id, status: 'READY' }],
      thumbnail: { id: image.id },
    });
  });

  it('confirmFileUpload records the file READY with no call, and lists it', async () => {
    const requested = await t.gql(REQUEST_FILE_UPLOAD, {
      input: { productId: 'pdt_confirm_file', provider: 'DODO_PAYMENTS', fileName: 'guide.pdf' },
    });
    const { file } = requested.body.data.requestFileUpload;
    const before = dodo.requests.length;
    const confirmed = (await t.gql(CONFIRM_FILE_UPLOAD, { id: file.id })).body.data.confirmFileUpload;
    expect(confirmed.userErrors).toEqual([]);
    expect(confirmed.file).toMatchObject({ id: file.id, status: 'READY', fileName: 'guide.pdf' });
    expect(dodo.requests.slice(before)).toEqual([]);
    const listed = await t.gql(`{ productMedia(productId: "pdt_confirm_file") { files { id status } } }`);
    expect(listed.body.data.productMedia.files).toEqual([{ id: file.id, status: 'READY' }]);
  });

  it('confirming an image the subgraph never recorded is NOT_FOUND', async () => {
    const confirmed = (await t.gql(CONFIRM_IMAGE_UPLOAD, { id: primary('pdt_never') })).body.data.confirmImageUpload;
    expect(confirmed).toEqual({
      image: null,
      userErrors: [expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'id'] })],
    });
  });
});

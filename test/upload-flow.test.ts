import { createHash } from 'node:crypto';
import {
  CONFIRM_FILE_UPLOAD,
  CONFIRM_IMAGE_UPLOAD,
  IMAGE_FIELDS,
  putBytes,
  requestImage,
  REQUEST_FILE_UPLOAD,
  startTestServer,
  type TestServer,
} from './helpers/server';
import { makeImage } from './helpers/images';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.stop());

describe('the upload-URL flow on LOCAL', () => {
  it('takes an image through request, PUT, READY with renditions, and serves each rendition', async () => {
    const bytes = await makeImage(2400, 1600, 'jpeg');
    const { image, upload } = await requestImage(t, {
      productId: 'prod-1',
      contentType: 'image/jpeg',
      byteSize: bytes.length,
      alt: 'A red square',
    });
    expect(image).toMatchObject({ status: 'AWAITING_UPLOAD', provider: 'LOCAL', alt: 'A red square', url: null });
    expect(image.id).toMatch(/^gid:\/\/product-media\/ProductImage\/local\/prod-1\/[0-9a-f-]{36}$/);
    expect(upload.headers).toEqual([{ name: 'Content-Type', value: 'image/jpeg' }]);
    expect(new Date(upload.expiresAt).getTime()).toBeGreaterThan(Date.now());

    const put = await putBytes(upload, bytes);
    expect(put).toEqual({ status: 200, body: { id: image.id, status: 'READY' } });

    const res = await t.gql(`query($id: ID!) { productImage(id: $id) { ${IMAGE_FIELDS} } }`, { id: image.id });
    const ready = res.body.data.productImage;
    expect(ready).toMatchObject({
      status: 'READY',
      width: 2400,
      height: 1600,
      contentType: 'image/jpeg',
      byteSize: bytes.length,
    });
    const sizes = Object.fromEntries(ready.variants.map((v: any) => [v.kind, [v.width, v.height]]));
    expect(sizes).toEqual({ ORIGINAL: [2400, 1600], STANDARD: [1000, 667], LOW: [500, 333], THUMBNAIL: [120, 80] });
    expect(ready.url).toBe(ready.variants.find((v: any) => v.kind === 'ORIGINAL').url);

    for (const variant of ready.variants) {
      const got = await fetch(variant.url);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('image/jpeg');
      expect(got.headers.get('x-content-type-options')).toBe('nosniff');
      expect(got.headers.get('cache-control')).toContain('immutable');
      const etag = got.headers.get('etag');
      expect(etag).toBeTruthy();
      const body = Buffer.from(await got.arrayBuffer());
      if (variant.kind === 'ORIGINAL') expect(body.equals(bytes)).toBe(true);
      // As a browser revalidates (fetch's own conditional requests add `no-cache`, which asks for a full answer).
      const again = await fetch(variant.url, { headers: { 'if-none-match': etag!, 'cache-control': 'max-age=0' } });
      expect(again.status).toBe(304);
    }
  });

  it('never enlarges a small image', async () => {
    const { image, upload } = await requestImage(t, { productId: 'prod-small' });
    expect((await putBytes(upload, await makeImage(300, 200, 'png'))).status).toBe(200);
    const res = await t.gql(`query($id: ID!) { productImage(id: $id) { variants { kind width height } } }`, {
      id: image.id,
    });
    const sizes = Object.fromEntries(
      res.body.data.productImage.variants.map((v: any) => [v.kind, [v.width, v.height]]),
    );
    expect(sizes).toEqual({ ORIGINAL: [300, 200], STANDARD: [300, 200], LOW: [300, 200], THUMBNAIL: [120, 80] });
  });

  it('replaces the bytes of an existing image through a new upload URL', async () => {
    const { image, upload } = await requestImage(t, { productId: 'prod-replace' });
    await putBytes(upload, await makeImage(400, 400, 'png'));
    const first = await t.gql(`query($id: ID!) { productImage(id: $id) { url } }`, { id: image.id });
    const again = await requestImage(t, { imageId: image.id, name: 'second' });
    expect(again.image).toMatchObject({ id: image.id, status: 'READY', name: 'second' });
    expect((await putBytes(again.upload, await makeImage(800, 600, 'webp'))).status).toBe(200);
    const res = await t.gql(`query($id: ID!) { productImage(id: $id) { url width height contentType } }`, {
      id: image.id,
    });
    expect(res.body.data.productImage).toMatchObject({ width: 800, height: 600, contentType: 'image/webp' });
    // The old revision's URL keeps working for MEDIA_REVISION_GRACE_SECONDS (test/lifecycle/revision-grace.test.ts).
    expect(res.body.data.productImage.url).not.toBe(first.body.data.productImage.url);
    expect((await fetch(first.body.data.productImage.url)).status).toBe(200);
  });

  it('confirm*Upload answers what the subgraph received itself, as it is, and changes nothing', async () => {
    const bytes = await makeImage(30, 20);
    const { image, upload } = await requestImage(t, { productId: 'prod-confirm' });
    const early = (await t.gql(CONFIRM_IMAGE_UPLOAD, { id: image.id })).body.data.confirmImageUpload;
    expect(early).toMatchObject({ image: { id: image.id, status: 'AWAITING_UPLOAD' }, userErrors: [] });
    expect((await putBytes(upload, bytes)).status).toBe(200);
    const late = (await t.gql(CONFIRM_IMAGE_UPLOAD, { id: image.id })).body.data.confirmImageUpload;
    expect(late).toMatchObject({ image: { status: 'READY', width: 30 }, userErrors: [] });
    const again = (await t.gql(CONFIRM_IMAGE_UPLOAD, { id: image.id })).body.data.confirmImageUpload;
    expect(again).toEqual(late);

    const res = await t.gql(REQUEST_FILE_UPLOAD, { input: { productId: 'prod-confirm', fileName: 'a.txt' } });
    const { file, upload: fileUpload } = res.body.data.requestFileUpload;
    expect((await putBytes(fileUpload, Buffer.from('hello'))).status).toBe(200);
    const confirmed = (await t.gql(CONFIRM_FILE_UPLOAD, { id: file.id })).body.data.confirmFileUpload;
    expect(confirmed).toMatchObject({ file: { status: 'READY', byteSize: 5, failureReason: null }, userErrors: [] });
    const unknown = (await t.gql(CONFIRM_FILE_UPLOAD, { id: file.id.replace(/[0-9a-f]{4}$/, '0000') })).body.data
      .confirmFileUpload;
    expect(unknown).toEqual({ file: null, userErrors: [expect.objectContaining({ code: 'NOT_FOUND' })] });
    const malformed = (await t.gql(CONFIRM_FILE_UPLOAD, { id: 'not-an-id' })).body.data.confirmFileUpload;
    expect(malformed.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_ID', field: ['input', 'id'] })]);
  });

  it('takes a product file through request, PUT and a signed download link', async () => {
    const bytes = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(5000, 7)]);
    const res = await t.gql(REQUEST_FILE_UPLOAD, {
      input: { productId: 'prod-1', fileName: 'Manual ü.pdf', contentType: 'application/pdf' },
    });
    const { file, upload } = res.body.data.requestFileUpload;
    expect(file).toMatchObject({ status: 'AWAITING_UPLOAD', fileName: 'Manual ü.pdf', downloadUrl: null });
    expect((await putBytes(upload, bytes)).body).toEqual({ id: file.id, status: 'READY' });

    const q = await t.gql(`query($id: ID!) { productFile(id: $id) { status byteSize contentType downloadUrl } }`, {
      id: file.id,
    });
    const ready = q.body.data.productFile;
    expect(ready).toMatchObject({ status: 'READY', byteSize: bytes.length, contentType: 'application/pdf' });
    const download = await fetch(ready.downloadUrl);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-disposition')).toContain("filename*=UTF-8''Manual%20%C3%BC.pdf");
    const body = Buffer.from(await download.arrayBuffer());
    expect(createHash('sha256').update(body).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));

    const url = new URL(ready.downloadUrl);
    const unsigned = `${url.origin}${url.pathname}`;
    expect((await fetch(unsigned)).status).toBe(403);
    url.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 60));
    expect((await fetch(url)).status).toBe(403);
  });
});

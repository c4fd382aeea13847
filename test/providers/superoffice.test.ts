import { formatGlobalId } from '../../src/domain/ids';
import { providerEnv, startFakeSuperOffice, type FakeSuperOffice } from '../contract/fakes';
import { makeImage } from '../helpers/images';
import { serveBytes } from '../helpers/origin';
import {
  CONFIRM_IMAGE_UPLOAD,
  putBytes,
  REQUEST_IMAGE_UPLOAD,
  requestImage,
  SET_THUMBNAIL,
  startTestServer,
  UPDATE_IMAGE,
  updateImageWithFile,
  type TestServer,
} from '../helpers/server';

let superOffice: FakeSuperOffice;
let t: TestServer;
beforeAll(async () => {
  superOffice = await startFakeSuperOffice();
  t = await startTestServer({ ...providerEnv({ superOffice }), MEDIA_FETCH_ALLOW_PRIVATE: 'true' });
});
afterAll(async () => {
  await t.stop();
  await superOffice.close();
});
afterEach(() => expect(superOffice.violations).toEqual([]));

const primary = (productId: string) =>
  formatGlobalId({ kind: 'ProductImage', provider: 'SUPEROFFICE', productId, localId: 'primary' });

describe('SuperOffice', () => {
  it('requestImageUpload hands out the subgraph’s URL; the bytes PUT there go to the raw-image PUT', async () => {
    const before = superOffice.attempts;
    const { image, upload } = await requestImage(t, { productId: '42', provider: 'SUPEROFFICE' });
    expect(superOffice.attempts).toBe(before);
    expect(upload.url.startsWith(`${t.server.publicUrl}/uploads/`)).toBe(true);
    expect(image).toMatchObject({ id: primary('42'), status: 'AWAITING_UPLOAD', isThumbnail: true });

    const gif = await makeImage(40, 30, 'gif');
    const put = await putBytes(upload, gif);
    expect(put).toEqual({ status: 200, body: { id: primary('42'), status: 'READY' } });
    const sent = superOffice.requests.slice(-1)[0]!;
    expect(`${sent.method} ${sent.path}`).toBe('PUT /Cust12345/api/v1/Product/42/Image');
    expect(sent.headers['content-type']).toBe('image/gif');
    expect(sent.headers.authorization).toBe('SoTicket 7T:c2VjcmV0LXRpY2tldA==');
    expect(sent.headers['so-apptoken']).toBe('so-app-token-19ac4e');
    expect(superOffice.images.get('42')?.bytes.equals(gif)).toBe(true);

    const res = await t.gql(
      `{ productImage(id: "${primary('42')}") { status providerImageId width height contentType } }`,
    );
    expect(res.body.data.productImage).toEqual({
      status: 'READY',
      providerImageId: String(superOffice.images.get('42')!.blobId),
      width: 40,
      height: 30,
      contentType: 'image/gif',
    });
  });

  it('confirmImageUpload answers the image as it is, before and after the PUT, with no call', async () => {
    const { image, upload } = await requestImage(t, { productId: '43', provider: 'SUPEROFFICE' });
    const before = superOffice.attempts;
    const early = (await t.gql(CONFIRM_IMAGE_UPLOAD, { id: image.id })).body.data.confirmImageUpload;
    expect(early).toMatchObject({ image: { status: 'AWAITING_UPLOAD' }, userErrors: [] });
    expect(superOffice.attempts).toBe(before);
    expect((await putBytes(upload, await makeImage(20, 20, 'png'))).status).toBe(200);
    const attempts = superOffice.attempts;
    const late = (await t.gql(CONFIRM_IMAGE_UPLOAD, { id: image.id })).body.data.confirmImageUpload;
    expect(late).toMatchObject({ image: { status: 'READY', width: 20 }, userErrors: [] });
    expect(superOffice.attempts).toBe(attempts);
  });

  it('decides the type from the bytes: a webp upload is 415 and nothing is sent', async () => {
    const { upload } = await requestImage(t, { productId: '43', provider: 'SUPEROFFICE' });
    const before = superOffice.attempts;
    const put = await putBytes(upload, await makeImage(20, 20, 'webp'), { 'content-type': 'image/png' });
    expect(put.status).toBe(415);
    expect(put.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(superOffice.attempts).toBe(before);
  });

  it('refuses a declared type it cannot store when the upload is requested', async () => {
    const res = await t.gql(REQUEST_IMAGE_UPLOAD, {
      input: { productId: '44', provider: 'SUPEROFFICE', contentType: 'image/webp' },
    });
    expect(res.body.data.requestImageUpload.userErrors[0]).toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      field: ['input', 'contentType'],
    });
  });

  it('updateImage with a file PUTs the raw bytes; a tiff keeps its type', async () => {
    const tiff = await makeImage(50, 10, 'tiff');
    const res = await updateImageWithFile(t, { id: primary('45') }, tiff);
    const body = (await res.json()) as any;
    expect(body.data.updateImage.userErrors).toEqual([]);
    expect(superOffice.images.get('45')?.contentType).toBe('image/tiff');
    expect(superOffice.images.get('45')?.bytes.equals(tiff)).toBe(true);
    expect(body.data.updateImage.image).toMatchObject({
      providerImageId: String(superOffice.images.get('45')!.blobId),
      status: 'READY',
      contentType: 'image/tiff',
    });
  });

  it('updateImage with a sourceUrl fetches, then PUTs; each write yields a new blob id', async () => {
    const jpeg = await makeImage(30, 30, 'jpeg');
    const origin = await serveBytes(jpeg, 'image/jpeg');
    try {
      const first = await t.gql(UPDATE_IMAGE, { input: { id: primary('46'), sourceUrl: `${origin.url}/a.jpg` } });
      const second = await t.gql(UPDATE_IMAGE, { input: { id: primary('46'), sourceUrl: `${origin.url}/a.jpg` } });
      const ids = [first, second].map((r) => r.body.data.updateImage.image.providerImageId as string);
      expect(Number(ids[1])).toBe(Number(ids[0]) + 1);
      expect(superOffice.images.get('46')?.contentType).toBe('image/jpeg');
    } finally {
      await origin.close();
    }
  });

  it('setThumbnail succeeds without a call; product ids that are not int32 are INVALID_ID before any call', async () => {
    const before = superOffice.attempts;
    const thumb = await t.gql(SET_THUMBNAIL, { imageId: primary('47') });
    expect(thumb.body.data.setThumbnail.userErrors).toEqual([]);
    for (const productId of ['abc', '0', '99999999999']) {
      const res = await t.gql(REQUEST_IMAGE_UPLOAD, { input: { productId, provider: 'SUPEROFFICE' } });
      expect(res.body.data.requestImageUpload.userErrors[0]).toMatchObject({
        code: 'INVALID_ID',
        field: ['input', 'productId'],
      });
    }
    expect(superOffice.attempts).toBe(before);
  });
});

import {
  putBytes,
  REQUEST_FILE_UPLOAD,
  requestImage,
  SET_THUMBNAIL,
  startTestServer,
  uploadImage,
} from './helpers/server';
import { makeImage } from './helpers/images';

describe('entity resolution is batched', () => {
  it('resolves 200 Product representations with one store query per kind', async () => {
    const t = await startTestServer();
    try {
      for (const product of ['e-1', 'e-50', 'e-199']) {
        const id = await uploadImage(t, product, await makeImage(10, 10));
        await t.gql(SET_THUMBNAIL, { imageId: id });
        const file = await t.gql(REQUEST_FILE_UPLOAD, { input: { productId: product, fileName: 'a.bin' } });
        expect(file.body.data.requestFileUpload.userErrors).toEqual([]);
      }
      const representations = Array.from({ length: 200 }, (_, i) => ({ __typename: 'Product', id: `e-${i}` }));
      const before = { ...t.server.index.reads };
      const res = await t.gql(
        `query($representations: [_Any!]!) { _entities(representations: $representations) {
          ... on Product { id images { id url } thumbnail { id } files(includePending: true) { id fileName } } } }`,
        { representations },
      );
      expect(res.body.errors).toBeUndefined();
      const entities = res.body.data._entities;
      expect(entities).toHaveLength(200);
      expect(entities[50].images).toHaveLength(1);
      expect(entities[50].thumbnail.id).toBe(entities[50].images[0].id);
      expect(entities[199].files).toHaveLength(1);
      expect(entities[2].images).toEqual([]);
      const after = t.server.index.reads;
      expect({
        imagesByProduct: after.imagesByProduct - before.imagesByProduct,
        filesByProduct: after.filesByProduct - before.filesByProduct,
        imagesById: after.imagesById - before.imagesById,
      }).toEqual({ imagesByProduct: 1, filesByProduct: 1, imagesById: 0 });

      const imageIds = entities.flatMap((e: any) =>
        e.images.map((i: any) => ({ __typename: 'ProductImage', id: i.id })),
      );
      const mid = { ...t.server.index.reads };
      const images = await t.gql(
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on ProductImage { id status } } }`,
        { r: [...imageIds, { __typename: 'ProductImage', id: 'garbage' }] },
      );
      expect(images.body.data._entities.slice(0, 3).map((i: any) => i.status)).toEqual(['READY', 'READY', 'READY']);
      expect(images.body.data._entities[3]).toBeNull();
      expect(t.server.index.reads.imagesById - mid.imagesById).toBe(1);
    } finally {
      await t.stop();
    }
  });
});

describe('a restart keeps everything', () => {
  it('keeps images, files and the signing key (an upload URL from before still works)', async () => {
    const first = await startTestServer();
    const dataDir = first.dataDir;
    const imageId = await uploadImage(first, 'r-1', await makeImage(30, 20));
    const pending = await requestImage(first, { productId: 'r-1' });
    const file = await first.gql(REQUEST_FILE_UPLOAD, { input: { productId: 'r-1', fileName: 'terms.txt' } });
    const fileUpload = file.body.data.requestFileUpload;
    expect((await putBytes(fileUpload.upload, Buffer.from('terms and conditions'))).status).toBe(200);
    await first.stop();

    const second = await startTestServer({}, dataDir);
    try {
      const res = await second.gql(
        `{ productMedia(productId: "r-1") { images(includePending: true) { id status width } files { id status byteSize downloadUrl } } }`,
      );
      const media = res.body.data.productMedia;
      expect(media.images).toEqual([
        { id: imageId, status: 'READY', width: 30 },
        { id: pending.image.id, status: 'AWAITING_UPLOAD', width: null },
      ]);
      expect(media.files[0]).toMatchObject({ id: fileUpload.file.id, status: 'READY', byteSize: 20 });
      // Only the original port differs; the signature made before the restart must still verify.
      const pendingUrl = new URL(pending.upload.url);
      pendingUrl.port = new URL(second.url).port;
      const put = await putBytes({ ...pending.upload, url: pendingUrl.toString() }, await makeImage(5, 5));
      expect(put.status).toBe(200);
      const download = await fetch(media.files[0].downloadUrl);
      expect(await download.text()).toBe('terms and conditions');
    } finally {
      await second.stop();
    }
  });
});

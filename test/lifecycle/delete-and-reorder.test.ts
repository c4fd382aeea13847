import { storedKeys } from '../backend/backend';
import { makeImage } from '../helpers/images';
import {
  DELETE_FILE,
  DELETE_IMAGE,
  putBytes,
  REORDER_IMAGES,
  REQUEST_FILE_UPLOAD,
  REQUEST_IMAGE_UPLOAD,
  UPDATE_IMAGE,
  requestImage,
  SET_THUMBNAIL,
  startTestServer,
  uploadImage,
  type TestServer,
} from '../helpers/server';

/** `deleteImage`, `deleteFile` and `reorderImages` on LOCAL (contract section 7), on the suite's backend. */
let t: TestServer;
beforeAll(async () => (t = await startTestServer()));
afterAll(() => t.stop());

const localId = (globalId: string) => globalId.split('/').pop()!;

async function imageUrls(id: string): Promise<string[]> {
  const res = await t.gql(`query($id: ID!) { productImage(id: $id) { url variants { url } } }`, { id });
  const image = res.body.data.productImage as { url: string; variants: { url: string }[] };
  return [image.url, ...image.variants.map((v) => v.url)];
}

async function orderOf(productId: string): Promise<string[]> {
  const res = await t.gql(`query($id: ID!) { productMedia(productId: $id) { images(includeDisabled: true) { id } } }`, {
    id: productId,
  });
  return (res.body.data.productMedia.images as { id: string }[]).map((image) => image.id);
}

/** `updateImage` as a multipart request whose file part stops after 50 bytes until `held` resolves. */
function slowMultipartUpdate(input: Record<string, unknown>, bytes: Buffer, held: Promise<void>) {
  const boundary = 'XBOUNDARYX';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n` +
      JSON.stringify({ query: UPDATE_IMAGE, variables: { input: { ...input, file: null } } }) +
      `\r\n--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n` +
      JSON.stringify({ 0: ['variables.input.file'] }) +
      `\r\n--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="photo.png"\r\nContent-Type: image/png\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(head);
      controller.enqueue(bytes.subarray(0, 50));
      await held;
      controller.enqueue(bytes.subarray(50));
      controller.enqueue(tail);
      controller.close();
    },
  });
  return fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'apollo-require-preflight': 'true' },
    body,
    duplex: 'half',
  });
}

/** Runs `other` on an image while it is deleted, `rounds` times; returns what came back from the dead. */
async function raceDelete(label: string, rounds: number, other: (id: string) => Promise<unknown>): Promise<string[]> {
  const back: string[] = [];
  for (let i = 0; i < rounds; i++) {
    const productId = `${label}-${i}`;
    const id = await uploadImage(t, productId, await makeImage(20, 20));
    await Promise.all([other(id), new Promise((r) => setTimeout(r, i % 6)).then(() => t.gql(DELETE_IMAGE, { id }))]);
    const read = await t.gql(
      `query($p: ID!) { productMedia(productId: $p) { thumbnail { id } images(includePending: true) { id } } }`,
      { p: productId },
    );
    const media = read.body.data.productMedia;
    back.push(...media.images.map((image: { id: string }) => image.id));
    if (media.thumbnail) back.push(`thumbnail ${media.thumbnail.id}`);
  }
  return back;
}

describe('deleteImage', () => {
  it('removes the row and then the bytes: every URL answers 404, the thumbnail is gone, a second delete is NOT_FOUND', async () => {
    const id = await uploadImage(t, 'del-1', await makeImage(300, 200));
    const other = await uploadImage(t, 'del-1', await makeImage(20, 20));
    expect((await t.gql(SET_THUMBNAIL, { imageId: id })).body.data.setThumbnail.userErrors).toEqual([]);
    const urls = await imageUrls(id);
    for (const url of urls) expect((await fetch(url)).status).toBe(200);

    const res = await t.gql(DELETE_IMAGE, { id });
    expect(res.body.data.deleteImage).toEqual({
      deletedImageId: id,
      product: { id: 'del-1', thumbnail: null, images: [{ id: other }] },
      userErrors: [],
    });
    for (const url of urls) expect((await fetch(url)).status).toBe(404);
    expect(await storedKeys(t.dataDir, `images/${localId(id)}`)).toEqual([]);
    expect(await storedKeys(t.dataDir, `sources/${localId(id)}`)).toEqual([]);
    const read = await t.gql(`query($id: ID!) { productImage(id: $id) { id } }`, { id });
    expect(read.body.data.productImage).toBeNull();

    const again = await t.gql(DELETE_IMAGE, { id });
    expect(again.body.data.deleteImage).toEqual({
      deletedImageId: null,
      product: null,
      userErrors: [expect.objectContaining({ code: 'NOT_FOUND', field: ['input', 'id'], retryable: false })],
    });
  });

  it('deletes a placeholder, whose upload URL then stores nothing', async () => {
    const { image, upload } = await requestImage(t, { productId: 'del-2' });
    expect((await t.gql(DELETE_IMAGE, { id: image.id })).body.data.deleteImage.userErrors).toEqual([]);
    const put = await putBytes(upload, await makeImage(10, 10));
    expect(put.status).toBe(403);
    expect(put.body.error.message).toBe('The image this upload URL was for has been deleted');
    expect(await orderOf('del-2')).toEqual([]);
    expect(await storedKeys(t.dataDir, `images/${localId(image.id)}`)).toEqual([]);
  });

  it('wins over bytes still arriving: the upload answers 404 and leaves nothing behind', async () => {
    const bytes = await makeImage(200, 200);
    const { image, upload } = await requestImage(t, { productId: 'del-3' });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(bytes.subarray(0, 100));
        await held;
        controller.enqueue(bytes.subarray(100));
        controller.close();
      },
    });
    const headers = Object.fromEntries(upload.headers.map((h) => [h.name, h.value]));
    const putting = fetch(upload.url, { method: 'PUT', headers, body, duplex: 'half' });
    // The claim is taken before the body is read; wait until the first bytes are being spooled.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await t.gql(DELETE_IMAGE, { id: image.id })).body.data.deleteImage.userErrors).toEqual([]);
    release();
    const answer = await putting;
    expect(answer.status).toBe(404);
    expect(await orderOf('del-3')).toEqual([]);
    expect(await storedKeys(t.dataDir, `images/${localId(image.id)}`)).toEqual([]);
    expect(await storedKeys(t.dataDir, `sources/${localId(image.id)}`)).toEqual([]);
  });

  it('is not undone by an updateImage whose file was still arriving: that answers NOT_FOUND and stores nothing', async () => {
    const id = await uploadImage(t, 'del-4', await makeImage(40, 30));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const updating = slowMultipartUpdate({ id, alt: 'new alt' }, await makeImage(80, 60), held);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await t.gql(DELETE_IMAGE, { id })).body.data.deleteImage.userErrors).toEqual([]);
    release();
    const answer = (await (await updating).json()) as any;
    expect(answer.data.updateImage.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
    const read = await t.gql(`query($id: ID!) { productImage(id: $id) { id } }`, { id });
    expect(read.body.data.productImage).toBeNull();
    expect(await storedKeys(t.dataDir, `images/${localId(id)}`)).toEqual([]);
    expect(await storedKeys(t.dataDir, `sources/${localId(id)}`)).toEqual([]);
  });

  it.each([
    ['updateImage', (id: string) => t.gql(UPDATE_IMAGE, { input: { id, alt: 'racing' } })],
    ['requestImageUpload', (id: string) => t.gql(REQUEST_IMAGE_UPLOAD, { input: { imageId: id } })],
    ['setThumbnail', (id: string) => t.gql(SET_THUMBNAIL, { imageId: id })],
  ])('is not undone by a racing %s', async (_name, other) => {
    expect(await raceDelete(`race-${_name}`, 12, other)).toEqual([]);
  });

  it('refuses an id that is not an image id', async () => {
    const res = await t.gql(DELETE_IMAGE, { id: 'gid://product-media/ProductFile/local/p/x' });
    expect(res.body.data.deleteImage.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_ID' })]);
  });
});

describe('deleteFile', () => {
  it('removes the file: its download link answers 404, a second delete is NOT_FOUND', async () => {
    const res = await t.gql(REQUEST_FILE_UPLOAD, { input: { productId: 'del-f', fileName: 'manual.pdf' } });
    const { file, upload } = res.body.data.requestFileUpload;
    expect((await putBytes(upload, Buffer.from('%PDF-1.7\n%%EOF\n'))).status).toBe(200);
    const read = await t.gql(`query($id: ID!) { productFile(id: $id) { downloadUrl } }`, { id: file.id });
    const link = read.body.data.productFile.downloadUrl as string;
    expect((await fetch(link)).status).toBe(200);

    const deleted = await t.gql(DELETE_FILE, { id: file.id });
    expect(deleted.body.data.deleteFile).toEqual({
      deletedFileId: file.id,
      product: { id: 'del-f', files: [] },
      userErrors: [],
    });
    expect((await fetch(link)).status).toBe(404);
    expect(await storedKeys(t.dataDir, `files/${localId(file.id)}`)).toEqual([]);
    const again = await t.gql(DELETE_FILE, { id: file.id });
    expect(again.body.data.deleteFile.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
  });

  it("refuses a PUT to a deleted file's upload URL, saying it was deleted, and stores nothing", async () => {
    const res = await t.gql(REQUEST_FILE_UPLOAD, { input: { productId: 'del-f2', fileName: 'guide.pdf' } });
    const { file, upload } = res.body.data.requestFileUpload;
    expect((await t.gql(DELETE_FILE, { id: file.id })).body.data.deleteFile.userErrors).toEqual([]);
    const put = await putBytes(upload, Buffer.from('%PDF-1.7\n%%EOF\n'));
    expect(put.status).toBe(403);
    expect(put.body.error.message).toBe('The file this upload URL was for has been deleted');
    expect(await storedKeys(t.dataDir, `files/${localId(file.id)}`)).toEqual([]);
  });
});

describe('reorderImages', () => {
  async function gallery(productId: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(await uploadImage(t, productId, await makeImage(10 + i, 10)));
    return ids;
  }

  it('puts the listed images first, the others after in their present order, with orderings 0, 1, 2, ...', async () => {
    const [a, b, c, d] = await gallery('ro-1', 4);
    const res = await t.gql(REORDER_IMAGES, { input: { productId: 'ro-1', imageIds: [c, a] } });
    expect(res.body.data.reorderImages).toEqual({
      product: {
        id: 'ro-1',
        images: [
          { id: c, ordering: 0 },
          { id: a, ordering: 1 },
          { id: b, ordering: 2 },
          { id: d, ordering: 3 },
        ],
      },
      userErrors: [],
    });
  });

  it.each([
    ['an image of another product', async () => [await uploadImage(t, 'ro-other', await makeImage(8, 8))]],
    [
      'an unknown image',
      () => Promise.resolve(['gid://product-media/ProductImage/local/ro-2/00000000-0000-4000-8000-000000000000']),
    ],
  ])('refuses %s with INVALID_INPUT naming its place, and changes nothing', async (_name, make) => {
    const before = await orderOf('ro-2').then(async (ids) => (ids.length ? ids : gallery('ro-2', 3)));
    const foreign = await make();
    const res = await t.gql(REORDER_IMAGES, {
      input: { productId: 'ro-2', imageIds: [before[2], ...foreign, before[0]] },
    });
    expect(res.body.data.reorderImages).toEqual({
      product: null,
      userErrors: [expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'imageIds', '1'] })],
    });
    expect(await orderOf('ro-2')).toEqual(before);
  });

  it('refuses an image listed twice, and a malformed id', async () => {
    const [a] = await gallery('ro-3', 2);
    const twice = await t.gql(REORDER_IMAGES, { input: { productId: 'ro-3', imageIds: [a, a] } });
    expect(twice.body.data.reorderImages.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_INPUT', field: ['input', 'imageIds', '1'] }),
    ]);
    const malformed = await t.gql(REORDER_IMAGES, { input: { productId: 'ro-3', imageIds: ['nope'] } });
    expect(malformed.body.data.reorderImages.userErrors).toEqual([
      expect.objectContaining({ code: 'INVALID_ID', field: ['input', 'imageIds', '0'] }),
    ]);
  });

  it('is atomic: concurrent reorders leave exactly one of the asked-for orders, never a mix', async () => {
    const ids = await gallery('ro-4', 5);
    const rotations = ids.map((_, shift) => [...ids.slice(shift), ...ids.slice(0, shift)]);
    const answers = await Promise.all(
      rotations.map((imageIds) => t.gql(REORDER_IMAGES, { input: { productId: 'ro-4', imageIds } })),
    );
    for (const answer of answers) expect(answer.body.data.reorderImages.userErrors).toEqual([]);
    const final = await orderOf('ro-4');
    expect(rotations).toContainEqual(final);
    const res = await t.gql(`{ productMedia(productId: "ro-4") { images { ordering } } }`);
    expect(res.body.data.productMedia.images.map((i: { ordering: number }) => i.ordering)).toEqual([0, 1, 2, 3, 4]);
  });
});

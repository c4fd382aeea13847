import { makeImage } from '../helpers/images';
import { REQUEST_FILE_UPLOAD, putBytes, startTestServer, uploadImage, type TestServer } from '../helpers/server';

let t: TestServer;
beforeAll(async () => (t = await startTestServer()));
afterAll(() => t.stop());

const ENTITIES = `query($representations: [_Any!]!) { _entities(representations: $representations) {
  ... on Product { id images { id } }
  ... on ProductImage { id width }
  ... on ProductFile { id fileName } } }`;

describe('one bad representation never sinks the others (issue 14, item 1)', () => {
  it.each<[string, unknown]>([
    ['a number', 1],
    ['an object', { nested: 'A' }],
    ['null', null],
    ['a boolean', true],
    ['a list', ['A']],
    ['an empty string', ''],
  ])('a Product whose id is %s resolves to null in its own slot; the others resolve', async (_, id) => {
    const imageId = await uploadImage(t, 'rep-A', await makeImage(12, 8));
    const file = await t.gql(REQUEST_FILE_UPLOAD, { input: { productId: 'rep-A', fileName: 'a.txt' } });
    const fileUpload = file.body.data.requestFileUpload;
    expect((await putBytes(fileUpload.upload, Buffer.from('hello'))).status).toBe(200);
    const res = await t.gql(ENTITIES, {
      representations: [
        { __typename: 'Product', id: 'rep-A' },
        { __typename: 'Product', id },
        { __typename: 'ProductImage', id: imageId },
        { __typename: 'ProductImage', id },
        { __typename: 'ProductFile', id: fileUpload.file.id },
        { __typename: 'ProductFile', id },
      ],
    });
    expect(res.status).toBe(200);
    const entities = res.body.data._entities;
    expect(entities[0]).toEqual({ id: 'rep-A', images: expect.arrayContaining([{ id: imageId }]) });
    expect(entities[1]).toBeNull();
    expect(entities[2]).toEqual({ id: imageId, width: 12 });
    expect(entities[3]).toBeNull();
    expect(entities[4]).toEqual({ id: fileUpload.file.id, fileName: 'a.txt' });
    expect(entities[5]).toBeNull();
    for (const error of res.body.errors ?? []) {
      expect(error.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
      expect([1, 3, 5]).toContain((error as { path?: unknown[] }).path?.[1]);
    }
  });

  it('representations missing their key field resolve to null in their own slots', async () => {
    const res = await t.gql(ENTITIES, {
      representations: [
        { __typename: 'Product' },
        { __typename: 'ProductImage' },
        { __typename: 'ProductFile', fileName: 'x' },
        { __typename: 'Product', id: 'rep-B' },
      ],
    });
    const entities = res.body.data._entities;
    expect(entities.slice(0, 3)).toEqual([null, null, null]);
    expect(entities[3]).toEqual({ id: 'rep-B', images: [] });
    for (const error of res.body.errors ?? []) expect(error.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
  });
});

describe('a write is visible to the rest of its own operation (issue 14, item 2)', () => {
  it('the second of two setThumbnail calls reports the new thumbnail', async () => {
    const a = await uploadImage(t, 'same-op', await makeImage(8, 8));
    const b = await uploadImage(t, 'same-op', await makeImage(9, 9));
    const res = await t.gql(
      `mutation($a: ID!, $b: ID!) {
        first: setThumbnail(input: { imageId: $a }) { product { thumbnail { id } } }
        second: setThumbnail(input: { imageId: $b }) {
          product { thumbnail { id } images { id isThumbnail } }
          userErrors { code }
        }
      }`,
      { a, b },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.first.product.thumbnail).toEqual({ id: a });
    expect(res.body.data.second.product.thumbnail).toEqual({ id: b });
    expect(res.body.data.second.product.images).toEqual([
      { id: a, isThumbnail: false },
      { id: b, isThumbnail: true },
    ]);
  });

  it('an updateImage after a read in the same operation shows its change in its payload and after', async () => {
    const a = await uploadImage(t, 'same-op-2', await makeImage(8, 8));
    const res = await t.gql(
      `mutation($a: ID!) {
        before: updateImage(input: { id: $a, alt: "one" }) { image { alt product { images { alt } } } }
        after: updateImage(input: { id: $a, alt: "two", ordering: 5 }) { image { alt ordering product { images { alt ordering } } } }
      }`,
      { a },
    );
    expect(res.body.data.before.image).toEqual({ alt: 'one', product: { images: [{ alt: 'one' }] } });
    expect(res.body.data.after.image).toEqual({
      alt: 'two',
      ordering: 5,
      product: { images: [{ alt: 'two', ordering: 5 }] },
    });
  });

  it('a requestImageUpload after a read lists the new placeholder on request', async () => {
    const res = await t.gql(`mutation {
      first: requestImageUpload(input: { productId: "same-op-3" }) { image { product { images(includePending: true) { id } } } }
      second: requestImageUpload(input: { productId: "same-op-3" }) { image { id product { images(includePending: true) { id } } } }
    }`);
    expect(res.body.data.first.image.product.images).toHaveLength(1);
    expect(res.body.data.second.image.product.images).toHaveLength(2);
  });
});

import { promises as fs } from 'node:fs';
import { getIntrospectionQuery } from 'graphql';
import { makeImage } from '../helpers/images';
import {
  IMAGE_FIELDS,
  putBytes,
  REQUEST_FILE_UPLOAD,
  REQUEST_IMAGE_UPLOAD,
  requestImage,
  SET_THUMBNAIL,
  startTestServer,
  UPDATE_IMAGE,
  uploadImage,
  type TestServer,
} from '../helpers/server';
import { spoolDir } from '../backend/backend';

/** Total store reads so far: unchanged across a request means no resolver touched the store. */
const storeReads = (t: TestServer) => Object.values(t.server.index.reads).reduce((a, b) => a + b, 0);

/** A query whose selection nests `levels` times through ProductImage.product -> Product.images. */
function nestedQuery(levels: number): string {
  let selection = 'id';
  for (let i = 0; i < levels; i += 1) selection = i % 2 === 0 ? `product { ${selection} }` : `images { ${selection} }`;
  return `{ productMedia(productId: "p") { images { ${selection} } } }`;
}

const IMAGE_SCALARS = 'id status url width height contentType byteSize name alt ordering enabled isThumbnail';

const codes = (body: { errors?: { extensions?: Record<string, unknown> }[] }) =>
  (body.errors ?? []).map((e) => e.extensions?.code);

describe('GraphQL operation limits (defaults)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it('let every operation of the contract through, and GraphiQL introspection in development', async () => {
    const { image, upload } = await requestImage(t, { productId: 'contract', alt: 'a', name: 'n' });
    expect((await putBytes(upload, await makeImage(40, 40))).status).toBe(200);
    const file = await t.gql(REQUEST_FILE_UPLOAD, { input: { productId: 'contract', fileName: 'manual.pdf' } });
    expect(file.body.errors).toBeUndefined();
    const update = await t.gql(UPDATE_IMAGE, { input: { id: image.id, alt: 'b', ordering: 2, enabled: true } });
    expect(update.body.data.updateImage.userErrors).toEqual([]);
    const thumb = await t.gql(SET_THUMBNAIL, { imageId: image.id });
    expect(thumb.body.data.setThumbnail.userErrors).toEqual([]);

    // What the router sends for a page listing many products with all their media.
    const representations = Array.from({ length: 500 }, (_, i) => ({ __typename: 'Product', id: `p${i}` }));
    const entities = await t.gql(
      `query($representations: [_Any!]!) { _entities(representations: $representations) {
        ... on Product { id thumbnail { ${IMAGE_FIELDS} } images(includeDisabled: true) { ${IMAGE_FIELDS} }
          files { id fileName contentType byteSize status downloadUrl provider } } } }`,
      { representations },
    );
    expect(entities.body.errors).toBeUndefined();
    expect(entities.body.data._entities).toHaveLength(500);

    const introspection = await t.gql(getIntrospectionQuery());
    expect(introspection.body.errors).toBeUndefined();
    expect(introspection.body.data.__schema.types.length).toBeGreaterThan(10);
    const sdl = await t.gql('{ _service { sdl } }');
    expect(sdl.body.data._service.sdl).toContain('ProductImage');
  });

  it.each([
    ['too deep', nestedQuery(12), /depth limit/i],
    [
      'too many aliases',
      `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: mediaProviders { provider }`).join(' ')} }`,
      /aliases limit/i,
    ],
    ['too many tokens', `{ mediaProviders { ${'provider '.repeat(2100)} } }`, /2000 tokens/i],
    ['too many directives', `{ mediaProviders { provider ${'@include(if: true) '.repeat(51)} } }`, /directives limit/i],
    [
      // Within the depth and alias limits, but every level multiplies the work.
      'too costly',
      `{ ${Array.from(
        { length: 15 },
        (_, i) => `a${i}: productMedia(productId: "p${i}") {
        images { product { images { product { images { product { images { ${IMAGE_SCALARS} } } } } } } } }`,
      ).join(' ')} }`,
      /cost limit/i,
    ],
  ])('refuse an operation that is %s with 400, before any resolver runs', async (_, query, reason) => {
    const before = storeReads(t);
    const res = await t.gql(query);
    expect(res.status).toBe(400);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors?.[0]?.message).toMatch(reason);
    expect(codes(res.body).every((c) => c === 'GRAPHQL_VALIDATION_FAILED' || c === 'GRAPHQL_PARSE_FAILED')).toBe(true);
    expect(storeReads(t)).toBe(before);
  });

  it('refuse batched JSON requests', async () => {
    const before = storeReads(t);
    const res = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        { query: '{ productMedia(productId: "a") { id images { id } } }' },
        { query: '{ productMedia(productId: "b") { id images { id } } }' },
      ]),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/batching/i);
    expect(storeReads(t)).toBe(before);
  });

  it('suggest field names and allow introspection outside production', async () => {
    const res = await t.gql('{ mediaProvider { provider } }');
    expect(res.body.errors?.[0]?.message).toMatch(/Did you mean "mediaProviders"/);
  });
});

describe('GraphQL in production', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ NODE_ENV: 'production' });
  });
  afterAll(() => t.stop());

  it('refuses introspection but still answers the router', async () => {
    const res = await t.gql(getIntrospectionQuery());
    expect(res.status).toBe(400);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors?.[0]?.message).toMatch(/introspection/i);
    const typename = await t.gql('{ __type(name: "ProductImage") { name } }');
    expect(typename.status).toBe(400);
    // The router composes from `_service`, which is a field, not introspection.
    const sdl = await t.gql('{ _service { sdl } }');
    expect(sdl.body.data._service.sdl).toContain('ProductImage');
  });

  it('gives no "did you mean" suggestions', async () => {
    const res = await t.gql('{ mediaProvider { provider } }');
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).not.toMatch(/did you mean|mediaProviders/i);
  });
});

describe('unexpected errors', () => {
  it('are masked: no message, path of the data folder, code of the OS error or stack trace reaches the client', async () => {
    const t = await startTestServer();
    try {
      const id = await uploadImage(t, 'masked', await makeImage(20, 20));
      // Sabotage the store under the running server: its folder for incoming bytes becomes a file.
      const incoming = spoolDir(t.dataDir);
      await fs.rm(incoming, { recursive: true, force: true });
      await fs.writeFile(incoming, 'not a folder');

      const res = await t.gql(UPDATE_IMAGE, { input: { id, name: 'renamed' } });
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors![0]).toEqual({
        message: 'Internal server error',
        locations: expect.any(Array),
        path: ['updateImage'],
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
      const text = JSON.stringify(res.body);
      for (const leak of [t.dataDir, 'EEXIST', 'ENOTDIR', 'incoming', 'stacktrace', '.ts:']) {
        expect(text).not.toContain(leak);
      }
      // The operator still learns what happened.
      const logged = t.logs().find((l) => l.msg === 'unexpected error in a GraphQL request');
      expect(logged).toMatchObject({
        level: 'error',
        path: ['updateImage'],
        error: expect.stringMatching(/EEXIST|ENOTDIR/),
      });
    } finally {
      await t.stop();
    }
  });

  it('keep request errors readable: a bad variable names the problem', async () => {
    const t = await startTestServer();
    try {
      const res = await t.gql(REQUEST_IMAGE_UPLOAD, { input: { productId: 'x', byteSize: 'many' } });
      expect(res.status).toBe(400);
      expect(res.body.errors?.[0]?.message).toMatch(/byteSize/);
      expect(res.body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT' });
    } finally {
      await t.stop();
    }
  });
});

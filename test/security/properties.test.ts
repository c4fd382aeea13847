import fc from 'fast-check';
import { formatGlobalId, isAcceptableIdText, parseGlobalId, type GlobalId } from '../../src/domain/ids';
import { PROVIDER_SLUGS } from '../../src/domain/model';
import { REQUEST_IMAGE_UPLOAD, SET_THUMBNAIL, startTestServer, UPDATE_IMAGE, type TestServer } from '../helpers/server';

/** Any UTF-16 code unit, lone surrogates and controls included: what a hostile client can put in a JSON string. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));
const anyText = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: codeUnit }));
const slug = fc.constantFrom(...Object.values(PROVIDER_SLUGS), 'shopify', '', 'LOCAL');
const kind = fc.constantFrom('ProductImage', 'ProductFile', 'Product', '');
const segment = fc.oneof(
  anyText,
  // encodeURIComponent throws on lone surrogates, so encoded segments come from well-formed text.
  fc.string({ unit: 'binary' }).map(encodeURIComponent),
  fc.constantFrom('%', '%2', '%zz', '..', '%2F'),
);

/** Strings shaped like global ids, with every part free to be wrong, mixed with any string at all. */
const idLike = fc.oneof(
  anyText,
  fc
    .tuple(kind, slug, segment, segment, fc.option(segment))
    .map(([k, s, p, l, extra]) => `gid://product-media/${k}/${s}/${p}/${l}${extra === null ? '' : `/${extra}`}`),
);

describe('global ids (property)', () => {
  it('any string is either a valid id that formats back to itself, or refused', () => {
    fc.assert(
      fc.property(
        idLike,
        fc.constantFrom('ProductImage', 'ProductFile') as fc.Arbitrary<GlobalId['kind']>,
        (text, k) => {
          const parsed = parseGlobalId(text, k);
          if (parsed) expect(formatGlobalId(parsed)).toBe(text);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('every id made from acceptable parts round-trips', () => {
    const part = fc.string({ unit: 'binary', minLength: 1, maxLength: 100 }).filter(isAcceptableIdText);
    fc.assert(
      fc.property(
        fc.constantFrom('ProductImage', 'ProductFile') as fc.Arbitrary<GlobalId['kind']>,
        fc.constantFrom(...(Object.keys(PROVIDER_SLUGS) as (keyof typeof PROVIDER_SLUGS)[])),
        part,
        part,
        (k, provider, productId, localId) => {
          const id: GlobalId = { kind: k, provider, productId, localId };
          expect(parseGlobalId(formatGlobalId(id), k)).toEqual(id);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('ids and input over HTTP (property): a typed answer, never a server error', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  const USER_ERROR_CODES = [
    'INVALID_ID',
    'INVALID_INPUT',
    'NOT_FOUND',
    'PROVIDER_NOT_CONFIGURED',
    'UNSUPPORTED_BY_PROVIDER',
    'FILE_TOO_LARGE',
    'UNSUPPORTED_MEDIA_TYPE',
  ];

  it('queries by id: data, or INVALID_ID', async () => {
    await fc.assert(
      fc.asyncProperty(idLike, async (id) => {
        const res = await t.gql(
          `query($id: ID!) { productImage(id: $id) { id } productFile(id: $id) { id } productMedia(productId: $id) { id images { id } } }`,
          { id },
        );
        expect(res.status).toBeLessThan(500);
        for (const error of res.body.errors ?? []) expect(error.extensions?.code).toBe('INVALID_ID');
      }),
      // Found by the property above: a lone surrogate in a segment once made id parsing throw.
      { numRuns: 150, examples: [['gid://product-media/ProductImage/local/\ud800/x']] },
    );
  });

  it('mutations by id: userErrors with a contract code', async () => {
    await fc.assert(
      fc.asyncProperty(idLike, anyText, async (id, text) => {
        const thumb = await t.gql(SET_THUMBNAIL, { imageId: id });
        expect(thumb.body.errors).toBeUndefined();
        for (const e of thumb.body.data.setThumbnail.userErrors) expect(USER_ERROR_CODES).toContain(e.code);
        const update = await t.gql(UPDATE_IMAGE, { input: { id, name: text, alt: text } });
        expect(update.body.errors).toBeUndefined();
        for (const e of update.body.data.updateImage.userErrors) expect(USER_ERROR_CODES).toContain(e.code);
      }),
      { numRuns: 150 },
    );
  });

  it('requestImageUpload with any input: an upload URL, or userErrors with a contract code', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            productId: anyText,
            fileName: anyText,
            contentType: fc.oneof(
              anyText,
              fc.constantFrom('image/png', 'image/jpg', 'IMAGE/PNG; q=1', 'image/svg+xml'),
            ),
            byteSize: fc.integer({ min: -10, max: 2 ** 31 - 1 }),
            alt: anyText,
            name: anyText,
            provider: fc.constantFrom('LOCAL', 'SALLA', 'KELVIQ'),
          },
          { requiredKeys: ['productId'] },
        ),
        async (input) => {
          const res = await t.gql(REQUEST_IMAGE_UPLOAD, { input });
          expect(res.body.errors).toBeUndefined();
          const payload = res.body.data.requestImageUpload;
          if (payload.userErrors.length === 0) expect(payload.upload.url).toMatch(/\/uploads\//);
          for (const e of payload.userErrors) expect(USER_ERROR_CODES).toContain(e.code);
        },
      ),
      { numRuns: 200 },
    );
  });
});

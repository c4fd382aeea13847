import { parse, validate } from 'graphql';
import { formatGlobalId, parseGlobalId } from '../src/domain/ids';
import { buildSchema } from '../src/graphql/schema';
import { startTestServer, type TestServer } from './helpers/server';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.stop());

describe('HTTP endpoints beside GraphQL', () => {
  it('answers /healthz and /readyz', async () => {
    expect(await (await fetch(`${t.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${t.url}/readyz`)).json()).toEqual({ status: 'ready' });
  });

  it('serves GraphiQL at GET /graphql with every asset from the subgraph itself', async () => {
    const page = await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toHaveLength(4);
    for (const asset of assets) {
      expect(asset.startsWith('/')).toBe(true);
      const res = await fetch(`${t.url}${asset}`);
      expect(res.status).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
  });

  it("GraphiQL's example document is valid against the schema and shows responsive images, reordering and deleting", async () => {
    const html = await (await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } })).text();
    const document = JSON.parse(/defaultQuery: ("(?:[^"\\]|\\.)*")/.exec(html)![1]!) as string;
    expect(validate(buildSchema(), parse(document))).toEqual([]);
    for (const field of ['productMedia', 'reorderImages', 'deleteImage']) expect(document).toContain(`${field}(`);
    for (const field of ['url(transform: {maxWidth: 640, format: WEBP})', 'srcSet(format: WEBP)', 'thumbhash']) {
      expect(document).toContain(field);
    }
  });

  it('answers queries for unknown ids with null, and malformed ids with a typed INVALID_ID error', async () => {
    const unknown = formatGlobalId({ kind: 'ProductImage', provider: 'LOCAL', productId: 'p 1/ü', localId: 'nope' });
    const res = await t.gql(
      `query($a: ID!, $b: ID!) { known: productImage(id: $a) { id } bad: productImage(id: $b) { id } }`,
      {
        a: unknown,
        b: 'gid://product-media/ProductImage/local/p',
      },
    );
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ known: null, bad: null });
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors![0]!.extensions!.code).toBe('INVALID_ID');
  });

  it('refuses _entities calls over the representation cap', async () => {
    const capped = await startTestServer({ MEDIA_MAX_ENTITIES: '5' });
    try {
      const representations = Array.from({ length: 6 }, (_, i) => ({ __typename: 'Product', id: `c-${i}` }));
      const res = await capped.gql(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id } } }`, {
        r: representations,
      });
      expect(res.status).toBe(400);
      expect(res.body.errors![0]!.message).toMatch(/At most 5/);
    } finally {
      await capped.stop();
    }
  });
});

describe('global ids', () => {
  it('round-trip, percent-encoding the product and image ids', () => {
    const id = { kind: 'ProductImage', provider: 'DODO_PAYMENTS', productId: 'pdt/42 ü', localId: 'primary' } as const;
    const text = formatGlobalId(id);
    expect(text).toBe('gid://product-media/ProductImage/dodo-payments/pdt%2F42%20%C3%BC/primary');
    expect(parseGlobalId(text, 'ProductImage')).toEqual(id);
  });

  it.each([
    '',
    'gid://product-media/ProductImage/local/p',
    'gid://product-media/ProductImage/local/p/i/extra',
    'gid://product-media/ProductImage/shopify/p/i',
    'gid://product-media/ProductImage/local/p%31/i',
    'gid://product-media/ProductImage/local/%E0%A4%A/i',
    'gid://product-media/ProductImage/local//i',
    'gid://product-media/ProductImage/local/p/%00',
    'gid://other/ProductImage/local/p/i',
  ])('refuses %j', (text) => {
    expect(parseGlobalId(text, 'ProductImage')).toBeUndefined();
  });
});

import { Kind, parse, print, validate } from 'graphql';
import sharp from 'sharp';
import { formatGlobalId, parseGlobalId } from '../src/domain/ids';
import { buildSchema } from '../src/graphql/schema';
import { putBytes, startTestServer, type TestServer } from './helpers/server';

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
    expect(assets).toHaveLength(5);
    for (const asset of assets) {
      expect(asset.startsWith('/')).toBe(true);
      const res = await fetch(`${t.url}${asset}`);
      expect(res.status).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(200);
    }
  });

  it('serves an icon at /favicon.ico and where the GraphiQL page names it', async () => {
    const html = await (await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } })).text();
    const named = /<link rel="icon" type="image\/svg\+xml" href="([^"]+)">/.exec(html)![1]!;
    for (const iconPath of [named, '/favicon.ico']) {
      const res = await fetch(`${t.url}${iconPath}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
      expect(await res.text()).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    }
  });

  it('points GET / to /graphql: browsers are sent to GraphiQL, programs are told the endpoints', async () => {
    const browser = await fetch(`${t.url}/`, { headers: { accept: 'text/html,*/*' }, redirect: 'manual' });
    expect(browser.status).toBe(302);
    expect(browser.headers.get('location')).toBe('/graphql');
    const program = await fetch(`${t.url}/`);
    expect(program.status).toBe(200);
    expect(program.headers.get('vary')).toBe('Accept');
    expect(await program.json()).toEqual({ graphql: '/graphql', health: '/healthz', readiness: '/readyz' });
  });

  it("GraphiQL's example document is valid against the schema and shows responsive images, reordering and deleting", async () => {
    const html = await (await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } })).text();
    const document = JSON.parse(/defaultQuery: ("(?:[^"\\]|\\.)*")/.exec(html)![1]!) as string;
    expect(validate(buildSchema(), parse(document))).toEqual([]);
    for (const field of ['productMedia', 'requestImageUpload', 'reorderImages', 'deleteImage', 'deleteFile']) {
      expect(document).toContain(`${field}(`);
    }
    for (const field of ['url(transform: {maxWidth: 640, format: WEBP})', 'srcSet(format: WEBP)', 'thumbhash']) {
      expect(document).toContain(field);
    }
  });

  it("GraphiQL's example document works as a walkthrough on the README's product 42, run as a person would", async () => {
    const html = await (await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } })).text();
    const document = parse(JSON.parse(/defaultQuery: ("(?:[^"\\]|\\.)*")/.exec(html)![1]!) as string);
    /** One operation of the document as typed there, its `"<...>"` placeholders filled in with `ids`, in order. */
    const run = async (name: string, ...ids: string[]) => {
      const operation = document.definitions.find(
        (d) => d.kind === Kind.OPERATION_DEFINITION && d.name?.value === name,
      );
      expect(operation).toBeDefined();
      const text = print(operation!).replace(/"<[^"]*>"/g, () => JSON.stringify(ids.shift()));
      expect(ids).toEqual([]);
      const res = await t.gql(text);
      expect(res.body.errors).toBeUndefined();
      const payload = Object.values(res.body.data as Record<string, any>)[0];
      if (payload && 'userErrors' in payload) expect(payload.userErrors).toEqual([]);
      return payload;
    };
    const uploaded: string[] = [];
    for (const color of ['#c83c14', '#1464c8']) {
      const requested = await run('RequestImageUpload');
      const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: color } })
        .png()
        .toBuffer();
      expect((await putBytes(requested.upload, png)).status).toBe(200);
      uploaded.push(requested.image.id as string);
    }
    const [first, second] = uploaded as [string, string];
    expect((await run('ConfirmImageUpload', first)).image.status).toBe('READY');
    const file = await run('RequestFileUpload');
    expect((await putBytes(file.upload, Buffer.from('%PDF-1.4\n%%EOF\n'))).status).toBe(200);
    expect((await run('ConfirmFileUpload', file.file.id)).file.status).toBe('READY');
    expect((await run('UpdateImage', first)).image.alt).toBe('Side view');
    expect((await run('SetThumbnail', second)).product.thumbnail.id).toBe(second);
    const reordered = await run('ReorderImages', second, first);
    expect(reordered.product.images.map((image: { id: string }) => image.id)).toEqual([second, first]);
    expect((await run('DeleteImage', first)).deletedImageId).toBe(first);
    expect((await run('DeleteFile', file.file.id)).deletedFileId).toBe(file.file.id);
    const media = await run('ProductMedia');
    expect(media.images).toEqual([expect.objectContaining({ id: second, status: 'READY', alt: 'Front view' })]);
    expect(media.thumbnail.id).toBe(second);
    expect(media.files).toEqual([]);
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

describe('MEDIA_CORS_ORIGINS: a browser app calling /graphql directly', () => {
  const APP = 'http://localhost:5173';
  const preflight = (url: string, origin: string) =>
    fetch(`${url}/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
  const query = (url: string, origin: string) =>
    fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ mediaProviders { provider } }' }),
    });

  it('warns at start when any origin is allowed in production, and not when origins are listed', async () => {
    for (const [origins, warned] of [
      ['*', true],
      [APP, false],
    ] as const) {
      const started = await startTestServer({ MEDIA_CORS_ORIGINS: origins, NODE_ENV: 'production' });
      try {
        const warnings = started.logs().filter((l) => l.level === 'warn' && /MEDIA_CORS_ORIGINS/.test(String(l.msg)));
        expect(warnings).toHaveLength(warned ? 1 : 0);
      } finally {
        await started.stop();
      }
    }
  });

  it('is off by default: no origin is allowed to read the answers', async () => {
    const res = await query(t.url, APP);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight(t.url, APP)).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows exactly the origins listed: preflight and answers, JSON and multipart', async () => {
    const allowing = await startTestServer({ MEDIA_CORS_ORIGINS: `${APP}, https://admin.example.com` });
    try {
      const pre = await preflight(allowing.url, APP);
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBe(APP);
      expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
      expect(pre.headers.get('access-control-allow-headers')).toMatch(/Content-Type.*Apollo-Require-Preflight/);
      expect(pre.headers.get('vary')).toBe('Origin');
      const res = await query(allowing.url, APP);
      expect(res.headers.get('access-control-allow-origin')).toBe(APP);
      expect(await res.json()).toMatchObject({ data: { mediaProviders: expect.any(Array) } });
      const multipart = new FormData();
      multipart.set('operations', JSON.stringify({ query: '{ mediaProviders { provider } }' }));
      multipart.set('map', '{}');
      const viaExpress = await fetch(`${allowing.url}/graphql`, {
        method: 'POST',
        headers: { origin: 'https://admin.example.com', 'apollo-require-preflight': 'true' },
        body: multipart,
      });
      expect(viaExpress.status).toBe(200);
      expect(viaExpress.headers.get('access-control-allow-origin')).toBe('https://admin.example.com');

      const other = await query(allowing.url, 'http://evil.example');
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      expect((await preflight(allowing.url, 'http://evil.example')).headers.get('access-control-allow-origin')).toBe(
        null,
      );
    } finally {
      await allowing.stop();
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

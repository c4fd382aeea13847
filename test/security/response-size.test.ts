import { randomUUID } from 'node:crypto';
import { startChildServer, type ChildServer } from '../helpers/child-server';
import { makeImage } from '../helpers/images';
import {
  graphqlClient,
  putBytes,
  requestImage,
  startTestServer,
  tempDataDir,
  type TestServer,
} from '../helpers/server';
import { withStore } from '../backend/backend';
import { readFileSync } from 'node:fs';
import type { ImageRecord } from '../../src/domain/model';

/**
 * No single request may make the process allocate without bound (contract
 * section 6): `_entities` with the maximum number of representations, all
 * naming the product with the most images, is refused within
 * MEDIA_MAX_RESPONSE_BYTES and the process stays healthy (issue 13, item 3).
 */
const PRODUCT = 'many-images';
const IMAGES = 250; // MEDIA_MAX_IMAGES_PER_PRODUCT's default

/** The resident set of a process and its peak, in MiB, from /proc. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)![1]) / 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

describe('a response-size bound that 1,000 representations of a full product cannot pass', () => {
  let child: ChildServer;
  let gql: TestServer['gql'];
  beforeAll(async () => {
    const dataDir = tempDataDir();
    // One real upload gives real variants; the product's other 249 rows are copies of it, written as the store would.
    const seed = await startChildServer({ MEDIA_DATA_DIR: dataDir });
    const { image, upload } = await requestImage({ gql: graphqlClient(seed.url) }, { productId: PRODUCT });
    expect((await putBytes(upload, await makeImage(40, 40))).status).toBe(200);
    await seed.kill();
    await withStore(dataDir, async ({ index }) => {
      const template = (await index.getImage(image.id as string))!;
      const images = Array.from({ length: IMAGES - 1 }, (_, n): ImageRecord => {
        const imageId = randomUUID();
        return {
          ...template,
          id: template.id.replace(template.imageId, imageId),
          imageId,
          ordering: n + 1,
          alt: `Alternative text of image ${n + 1} `.repeat(8),
        };
      });
      await index.insertAll({ images });
    });
    child = await startChildServer({ MEDIA_DATA_DIR: dataDir });
    gql = graphqlClient(child.url);
  }, 60_000);
  afterAll(() => child.kill());

  const QUERY = `query($representations: [_Any!]!) { _entities(representations: $representations) {
    ... on Product { id images { id url alt width height byteSize contentType variants { kind url width height } } } } }`;

  it('answers one small product in full', async () => {
    const res = await gql(QUERY, { representations: [{ __typename: 'Product', id: PRODUCT }] });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data._entities[0].images).toHaveLength(IMAGES);
  });

  it('refuses 1,000 representations of it with one RESPONSE_TOO_LARGE error, RSS within a few hundred MB, and stays healthy', async () => {
    const before = memoryOf(child.process.pid!);
    const representations = Array.from({ length: 1000 }, () => ({ __typename: 'Product', id: PRODUCT }));
    const started = Date.now();
    const res = await fetch(`${child.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: QUERY, variables: { representations } }),
    });
    const text = await res.text();
    const elapsed = Date.now() - started;
    const body = JSON.parse(text) as { data?: unknown; errors: { message: string; extensions: { code: string } }[] };
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]!.extensions.code).toBe('RESPONSE_TOO_LARGE');
    expect(body.errors[0]!.message).toMatch(/MEDIA_MAX_RESPONSE_BYTES/);
    expect(text.length).toBeLessThan(10_000);
    const after = memoryOf(child.process.pid!);
    console.info(
      `1000 x ${IMAGES} images: refused in ${elapsed} ms; RSS ${before.rss.toFixed(0)} -> ${after.rss.toFixed(0)} MiB, peak ${after.peak.toFixed(0)} MiB`,
    );
    expect(after.peak).toBeLessThan(600);
    expect((await fetch(`${child.url}/healthz`)).status).toBe(200);
    const again = await gql(QUERY, { representations: [{ __typename: 'Product', id: PRODUCT }] });
    expect(again.body.data._entities[0].images).toHaveLength(IMAGES);
  });
});

describe('the estimate cannot be dodged', () => {
  let t: TestServer;
  const product = 'dodge';
  beforeAll(async () => {
    t = await startTestServer({ MEDIA_MAX_RESPONSE_BYTES: '200000' });
    for (let i = 0; i < 20; i++)
      await requestImage(t, { productId: product, alt: '漢'.repeat(1000), name: 'n'.repeat(255) });
  });
  afterAll(() => t.stop());

  const entities = (selection: string, count: number) =>
    t.gql(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { ${selection} } } }`, {
      r: Array.from({ length: count }, () => ({ __typename: 'Product', id: product })),
    });

  it('counts UTF-8 bytes, not characters', async () => {
    // 20 x 3000 bytes of alt per product: 4 products are ~240 KB.
    const res = await entities('images(includePending: true) { alt }', 4);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('RESPONSE_TOO_LARGE');
    const small = await entities('images(includePending: true) { alt }', 2);
    expect(small.body.errors).toBeUndefined();
  });

  it('counts every selection of a field under one response key', async () => {
    const res = await entities('images(includePending: true) { id } images(includePending: true) { alt name }', 4);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('RESPONSE_TOO_LARGE');
  });

  it('a refused request logs one line, not one per resolver, and none at error level', async () => {
    const before = t.logs().length;
    const res = await entities('images(includePending: true) { alt }', 200);
    expect(res.body.errors?.[0]?.extensions?.code).toBe('RESPONSE_TOO_LARGE');
    const lines = t.logs().slice(before);
    expect(lines.filter((line) => line.level === 'error')).toEqual([]);
    expect(lines.filter((line) => line.msg === 'response refused as too large')).toHaveLength(1);
  });
});

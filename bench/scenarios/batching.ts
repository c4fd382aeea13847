import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { MAX_BATCH_SIZE } from '../../src/graphql/loaders';
import { buildCatalog, productId, PRODUCT_SELECTION, seedIndex } from '../lib/catalog';
import type { BenchContext, Section } from '../lib/context';
import { fmt, median, table } from '../lib/stats';
import { startSubgraph } from './entities';

type Reads = Record<'imagesByProduct' | 'imagesById' | 'filesByProduct' | 'filesById', number>;

const QUERY = `query Mixed($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Product { ${PRODUCT_SELECTION} }
    ... on ProductImage { id url alt }
  }
}`;

interface Case {
  name: string;
  representations: { __typename: string; id: string }[];
  /** Distinct keys per statement kind; a batched server runs ceil(keys / batch size) statements of each. */
  distinct: { imagesByProduct: number; imagesById: number; filesByProduct: number };
}

const products = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ __typename: 'Product', id: productId(from + i) }));

function cases(imageIdOf: (i: number) => string): Case[] {
  const images = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => ({ __typename: 'ProductImage', id: imageIdOf(from + i) }));
  return [
    {
      name: '1 product',
      representations: products(0, 1),
      distinct: { imagesByProduct: 1, imagesById: 0, filesByProduct: 1 },
    },
    {
      name: '200 products',
      representations: products(0, 200),
      distinct: { imagesByProduct: 200, imagesById: 0, filesByProduct: 200 },
    },
    {
      name: '1000 products',
      representations: products(0, 1000),
      distinct: { imagesByProduct: 1000, imagesById: 0, filesByProduct: 1000 },
    },
    {
      name: '200 reps: 50 products, each 4 times',
      representations: [0, 1, 2, 3].flatMap(() => products(0, 50)),
      distinct: { imagesByProduct: 50, imagesById: 0, filesByProduct: 50 },
    },
    {
      name: 'mixed: 300 products + 300 images, 100 of each repeated',
      representations: [...products(0, 300), ...images(300, 300), ...products(0, 100), ...images(300, 100)],
      distinct: { imagesByProduct: 300, imagesById: 300, filesByProduct: 300 },
    },
  ];
}

/** A loopback stand-in for a provider's API that only counts what reaches it: reads must never call out. */
async function countingProvider(): Promise<{ url: string; calls: () => number; close: () => void }> {
  let calls = 0;
  const server = http.createServer((req, res) => {
    calls++;
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls: () => calls,
    close: () => server.close(),
  };
}

const diff = (after: Reads, before: Reads): Reads => ({
  imagesByProduct: after.imagesByProduct - before.imagesByProduct,
  imagesById: after.imagesById - before.imagesById,
  filesByProduct: after.filesByProduct - before.filesByProduct,
  filesById: after.filesById - before.filesById,
});

/** Scenario 2: statements and provider calls per request, batched against the naive one-read-per-entity resolver. */
export async function batching(ctx: BenchContext): Promise<Section> {
  const catalog = buildCatalog(1000);
  const seedDir = path.join(ctx.workDir, 'batching-seed');
  mkdirSync(seedDir, { recursive: true });
  const seededDb = path.join(seedDir, 'media.db');
  await seedIndex(seededDb, catalog);
  const salla = await countingProvider();
  const env = { SALLA_ACCESS_TOKEN: 'bench-token', SALLA_BASE_URL: salla.url };
  const batched = await startSubgraph(ctx.workDir, 'batching-batched', seededDb, {}, env);
  const naive = await startSubgraph(ctx.workDir, 'batching-naive', seededDb, { batchReads: false }, env);
  // Images of the SALLA half, so ProductImage representations span providers too.
  const sallaImages = catalog.images.filter((image) => image.provider === 'SALLA');
  try {
    const rows: (string | number)[][] = [];
    const targets: Section['targets'] = [];
    for (const c of cases((i) => sallaImages[i]!.id)) {
      const body = JSON.stringify({ query: QUERY, variables: { representations: c.representations } });
      const send = (server: typeof batched) =>
        fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const run = async (server: typeof batched) => {
        for (let i = 0; i < 3; i++) await (await send(server)).text(); // warm-up, not counted
        const before = await server.call<Reads>('reads');
        const callsBefore = salla.calls();
        const times: number[] = [];
        let answer = '';
        for (let i = 0; i < 5; i++) {
          const started = performance.now();
          const res = await send(server);
          answer = await res.text();
          times.push(performance.now() - started);
          const parsed = JSON.parse(answer) as { data?: { _entities: unknown[] }; errors?: unknown };
          if (res.status !== 200 || parsed.errors || parsed.data?._entities.length !== c.representations.length)
            throw new Error(`${c.name}: ${res.status} ${answer.slice(0, 300)}`);
        }
        const reads = diff(await server.call<Reads>('reads'), before);
        const perRequest = (n: number) => n / 5;
        return {
          answer,
          ms: median(times),
          providerCalls: perRequest(salla.calls() - callsBefore),
          imagesByProduct: perRequest(reads.imagesByProduct),
          imagesById: perRequest(reads.imagesById),
          filesByProduct: perRequest(reads.filesByProduct),
        };
      };
      const mine = await run(batched);
      const theirs = await run(naive);
      if (mine.answer !== theirs.answer) throw new Error(`${c.name}: batched and naive answers differ`);
      const expected = {
        imagesByProduct: Math.ceil(c.distinct.imagesByProduct / MAX_BATCH_SIZE),
        imagesById: Math.ceil(c.distinct.imagesById / MAX_BATCH_SIZE),
        filesByProduct: Math.ceil(c.distinct.filesByProduct / MAX_BATCH_SIZE),
      };
      const statements = (r: typeof mine) => `${r.imagesByProduct} / ${r.imagesById} / ${r.filesByProduct}`;
      rows.push([
        c.name,
        c.representations.length,
        `${expected.imagesByProduct} / ${expected.imagesById} / ${expected.filesByProduct}`,
        statements(mine),
        statements(theirs),
        mine.providerCalls,
        theirs.providerCalls,
        fmt.num(mine.ms, 1),
        fmt.num(theirs.ms, 1),
        fmt.ratio(theirs.ms / mine.ms),
      ]);
      targets.push({
        name: `batching, ${c.name}: statements per kind = ceil(distinct keys / ${MAX_BATCH_SIZE}), no provider calls`,
        met:
          mine.imagesByProduct === expected.imagesByProduct &&
          mine.imagesById === expected.imagesById &&
          mine.filesByProduct === expected.filesByProduct &&
          mine.providerCalls === 0,
        detail: `${statements(mine)} statements, ${mine.providerCalls} provider calls (naive: ${statements(theirs)})`,
      });
    }
    return {
      title: '2. Batching',
      body: [
        `One request per case, five times each, against the subgraph with DataLoader (batch size ${MAX_BATCH_SIZE}) and the same subgraph with naive loaders (one statement per load, no per-request cache). Statement counts come from the store's own counters, per request, as images-by-product / images-by-id / files-by-product. SALLA is configured against a loopback server that counts every call: reads are answered from the subgraph's index (api-contract: "Product.images reads the subgraph's own index ... for all providers"), so the provider must see none. Both servers must give byte-identical answers.`,
        '',
        table(
          [
            'case',
            'reps',
            'expected',
            'batched statements',
            'naive statements',
            'provider calls',
            'naive provider calls',
            'batched ms',
            'naive ms',
            'speed-up',
          ],
          rows,
        ),
      ].join('\n'),
      targets,
    };
  } finally {
    await Promise.all([batched.stop(), naive.stop()]);
    salla.close();
  }
}

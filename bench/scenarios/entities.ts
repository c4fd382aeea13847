import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { PipelineTuning } from '../../src/server';
import { PostgresMediaIndex } from '../../src/store/postgres/postgres-index';
import type { LoadJob, LoadResult } from '../load-worker';
import { BENCH_PUBLIC_URL, buildCatalog, entitiesBody, productId, seedIndex } from '../lib/catalog';
import { startChild, startScriptFlags, type BenchChild } from '../lib/child';
import type { BenchContext, Section } from '../lib/context';
import { SERVER_CORE } from '../lib/machine';
import { interleave, roundRatios } from '../lib/rounds';
import { fmt, median, table } from '../lib/stats';

export const ENTITY_COUNTS = [1, 50, 200] as const;
const CONNECTIONS = 8;

type Variant =
  | 'product-media'
  | 'product-media PostgreSQL'
  | 'product-media -jit'
  | 'product-media +cache-control'
  | 'product-media -inline-trace'
  | 'product-media -armor'
  | 'bare Apollo'
  | 'bare Apollo -cache-control'
  | 'raw http';

/** Pricing each plugin is only done at the largest N, where it costs most; the run must stay under 10 minutes. */
const CORE_VARIANTS: readonly Variant[] = [
  'product-media',
  'product-media PostgreSQL',
  'bare Apollo',
  'bare Apollo -cache-control',
  'raw http',
];

/** The targets (issue 18): product-media's throughput over bare Apollo's, with Apollo's defaults, per N. */
const TARGET_VS_BARE: Record<(typeof ENTITY_COUNTS)[number], number> = { 1: 1.2, 50: 1.5, 200: 2.0 };

/** PostgreSQL for the `PostgreSQL` variant (a database created, seeded and dropped by the run); BENCH_DATABASE_URL overrides. */
const ADMIN_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const SUBGRAPH_VARIANTS: Partial<Record<Variant, PipelineTuning>> = {
  'product-media': {},
  'product-media -jit': { jit: false },
  'product-media +cache-control': { cacheControl: true },
  'product-media -inline-trace': { inlineTrace: false },
  'product-media -armor': { armor: false },
};

interface Run extends LoadResult {
  cpuMicrosPerRequest: number;
}

/** Starts the real subgraph on a copy of the seeded index, with `tuning`. */
export async function startSubgraph(
  workDir: string,
  name: string,
  seededDb: string | undefined,
  tuning: PipelineTuning = {},
  env: Record<string, string> = {},
): Promise<BenchChild> {
  const dataDir = path.join(workDir, name.replace(/[^a-z0-9]+/gi, '-'));
  mkdirSync(dataDir, { recursive: true });
  if (seededDb) copyFileSync(seededDb, path.join(dataDir, 'media.db'));
  return startChild(
    'servers/product-media.ts',
    {
      PORT: '0',
      HOST: '127.0.0.1',
      MEDIA_DATA_DIR: dataDir,
      MEDIA_PUBLIC_URL: BENCH_PUBLIC_URL,
      MEDIA_SIGNING_SECRET: 'bench-signing-secret-0123456789abcdef',
      BENCH_TUNING: JSON.stringify(tuning),
      ...env,
    },
    SERVER_CORE,
    startScriptFlags(),
  );
}

/** The answer every variant must give, checked for shape once (then compared byte for byte on every request). */
function checkEntities(body: string, n: number): void {
  const parsed = JSON.parse(body) as {
    errors?: unknown[];
    data?: { _entities: { images: { variants: unknown[] }[]; thumbnail: { id: string } | null; files: unknown[] }[] };
  };
  if (parsed.errors) throw new Error(`_entities answered errors: ${JSON.stringify(parsed.errors).slice(0, 300)}`);
  const entities = parsed.data?._entities ?? [];
  if (entities.length !== n) throw new Error(`_entities answered ${entities.length} products, not ${n}`);
  entities.forEach((e, i) => {
    if (
      e.images.length !== 2 ||
      e.images.some((img) => img.variants.length !== 4) ||
      !e.thumbnail ||
      e.files.length !== 1
    )
      throw new Error(`product ${productId(i)} came back incomplete: ${JSON.stringify(e).slice(0, 300)}`);
  });
}

async function post(url: string, body: string): Promise<string> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${text.slice(0, 300)}`);
  return text;
}

/** Scenario 1: `_entities` throughput against a bare Apollo subgraph and raw http, and what each plugin costs. */
export async function entityResolution(ctx: BenchContext): Promise<Section> {
  const catalog = buildCatalog(Math.max(...ENTITY_COUNTS));
  const seedDir = path.join(ctx.workDir, 'entities-seed');
  mkdirSync(seedDir, { recursive: true });
  const seededDb = path.join(seedDir, 'media.db');
  await seedIndex(seededDb, catalog);
  const catalogFile = path.join(seedDir, 'catalog.json');
  writeFileSync(catalogFile, JSON.stringify(catalog));

  const servers = new Map<Variant, BenchChild>();
  const database = `bench_entities_${process.pid}`;
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    for (const [variant, tuning] of Object.entries(SUBGRAPH_VARIANTS) as [Variant, PipelineTuning][])
      servers.set(variant, await startSubgraph(ctx.workDir, `entities ${variant}`, seededDb, tuning));
    // The same catalogue in PostgreSQL (the index only: _entities reads no bytes, so storage stays a folder).
    await admin.query(`CREATE DATABASE ${database}`);
    const databaseUrl = withDatabase(ADMIN_DATABASE_URL, database);
    const postgres = await PostgresMediaIndex.open(databaseUrl, 2);
    await postgres.insertAll(catalog);
    await postgres.close();
    servers.set(
      'product-media PostgreSQL',
      await startSubgraph(ctx.workDir, 'entities postgres', undefined, {}, { MEDIA_DATABASE_URL: databaseUrl }),
    );
    servers.set('bare Apollo', await startChild('servers/bare-apollo.ts', { BENCH_CATALOG: catalogFile }, SERVER_CORE));
    servers.set(
      'bare Apollo -cache-control',
      await startChild(
        'servers/bare-apollo.ts',
        { BENCH_CATALOG: catalogFile, BENCH_CACHE_CONTROL: 'off' },
        SERVER_CORE,
      ),
    );
    servers.set('raw http', await startChild('servers/raw-http.ts', { BENCH_CATALOG: catalogFile }, SERVER_CORE));
    const allVariants = [...servers.keys()];

    const rows: (string | number)[][] = [];
    const targets: Section['targets'] = [];
    for (const n of ENTITY_COUNTS) {
      const variants = n === Math.max(...ENTITY_COUNTS) ? allVariants : CORE_VARIANTS;
      const body = entitiesBody(n);
      const expected = await post(servers.get('product-media')!.url, body);
      checkEntities(expected, n);
      for (const variant of variants) {
        const answer = await post(servers.get(variant)!.url, body);
        if (answer !== expected) throw new Error(`${variant} answers N=${n} differently from product-media`);
      }
      ctx.log(`entities N=${n}: ${variants.length} variants x ${ctx.rounds} rounds`);
      // Apollo's pipeline needs thousands of requests before V8 has optimised it; measure none of that.
      for (const variant of variants)
        await ctx.load.call<LoadResult>('run', {
          url: `${servers.get(variant)!.url}/graphql`,
          body,
          connections: CONNECTIONS,
          seconds: 2,
          expectBody: expected,
        });
      const results = await interleave(variants, ctx.rounds, async (variant) => {
        const server = servers.get(variant)!;
        const job: LoadJob = {
          url: `${server.url}/graphql`,
          body,
          connections: CONNECTIONS,
          seconds: 0.5,
          expectBody: expected,
        };
        await ctx.load.call<LoadResult>('run', job); // warm-up: JIT, caches, keep-alive sockets
        const before = await server.usage();
        const result = await ctx.load.call<LoadResult>('run', { ...job, seconds: ctx.seconds });
        const after = await server.usage();
        if (result.bad > 0) throw new Error(`${variant} N=${n}: ${result.bad} bad answers`);
        const run: Run = { ...result, cpuMicrosPerRequest: (after.cpuMicros - before.cpuMicros) / result.requests };
        return run;
      });
      for (const variant of variants) {
        const runs = results.get(variant)!.map((m) => m.value);
        const vsBare = median(roundRatios(results, variant, 'bare Apollo', (m) => m.rps));
        const vsRaw = median(roundRatios(results, variant, 'raw http', (m) => m.rps));
        const retries = results.get(variant)!.reduce((a, m) => a + m.retries, 0);
        rows.push([
          n,
          variant,
          fmt.num(median(runs.map((r) => r.rps))),
          fmt.ratio(vsBare),
          fmt.ratio(vsRaw),
          fmt.num(median(runs.map((r) => r.cpuMicrosPerRequest))),
          fmt.num(median(runs.map((r) => r.p99Ms)), 1),
          retries,
        ]);
        if (variant === 'product-media' || variant === 'product-media PostgreSQL') {
          const target = TARGET_VS_BARE[n];
          const vsBareNoCache = median(roundRatios(results, variant, 'bare Apollo -cache-control', (m) => m.rps));
          targets.push({
            name: `_entities N=${n}: ${variant} >= ${target.toFixed(1)}x bare Apollo (Apollo's defaults)`,
            met: vsBare >= target,
            detail: `${fmt.ratio(vsBare)}; vs bare Apollo -cache-control ${fmt.ratio(vsBareNoCache)}; raw http ceiling ${fmt.ratio(vsRaw)}`,
          });
        }
      }
    }
    return {
      title: '1. Entity resolution (`_entities`)',
      body: [
        `Each product: two images (LOCAL and SALLA) with four renditions each, one file. ${CONNECTIONS} keep-alive connections, closed loop, ${ctx.seconds} s per measurement after a 0.5 s warm-up; every answer compared byte for byte with the expected body (all variants must give the same bytes). Ratios are medians of per-round ratios; CPU is the server's user+system time per request (for PostgreSQL, the subgraph's alone, not the database server's). \`-jit\` runs every operation through graphql-js (PipelineTuning.jit); \`PostgreSQL\` is the same subgraph on a PostgreSQL index (127.0.0.1:5432, a database made and dropped by the run).`,
        '',
        table(
          ['N', 'variant', 'req/s', 'vs bare Apollo', 'vs raw http', 'server CPU µs/req', 'p99 ms', 'steal retries'],
          rows,
        ),
      ].join('\n'),
      targets,
    };
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()));
    await admin.query(`DROP DATABASE IF EXISTS ${database}`).catch(() => {});
    await admin.end();
  }
}

/** `url` with its database replaced by `database`. */
function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

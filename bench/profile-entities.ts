// Profiles the subgraph on `_entities`: seeds the bench catalogue, starts the
// server (with BENCH_NODE_ARGS, say `--cpu-prof --cpu-prof-dir=/tmp/prof`),
// sends a fixed number of requests and stops it, so the profile (or a
// callgrind run) covers warm-up plus exactly those requests.
// PROFILE_N (representations, default 200), PROFILE_REQUESTS (default 300),
// PROFILE_SERVER (`product-media` or `bare-apollo`), BENCH_TUNING as for the bench.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildCatalog, entitiesBody, seedIndex } from './lib/catalog';
import { startChild } from './lib/child';
import { SERVER_CORE } from './lib/machine';
import { startSubgraph } from './scenarios/entities';
import type { PipelineTuning } from '../src/server';

async function main() {
  const n = Number(process.env.PROFILE_N ?? 200);
  const requests = Number(process.env.PROFILE_REQUESTS ?? 300);
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'profile-entities-'));
  const catalog = buildCatalog(n);
  const seededDb = path.join(workDir, 'seed', 'media.db');
  mkdirSync(path.dirname(seededDb), { recursive: true });
  await seedIndex(seededDb, catalog);
  const catalogFile = path.join(workDir, 'catalog.json');
  writeFileSync(catalogFile, JSON.stringify(catalog));
  const server =
    process.env.PROFILE_SERVER === 'bare-apollo'
      ? await startChild('servers/bare-apollo.ts', { BENCH_CATALOG: catalogFile }, SERVER_CORE)
      : await startSubgraph(
          workDir,
          'profiled',
          seededDb,
          JSON.parse(process.env.BENCH_TUNING ?? '{}') as PipelineTuning,
        );
  const body = entitiesBody(n);
  const before = await server.usage();
  const started = Date.now();
  for (let i = 0; i < requests; i++) {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const text = await res.text();
    if (res.status !== 200 || text.includes('"errors"')) throw new Error(`answer ${res.status}: ${text.slice(0, 300)}`);
  }
  const after = await server.usage();
  console.log(
    `${requests} requests of N=${n}: ${((after.cpuMicros - before.cpuMicros) / requests).toFixed(0)} µs server CPU per request, ${Date.now() - started} ms`,
  );
  await server.stop();
}

void main();

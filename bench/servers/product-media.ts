// The real subgraph, as the benchmark runner starts it: configuration from the
// environment, pipeline switches from BENCH_TUNING (JSON of PipelineTuning).
import { loadConfig } from '../../src/config/config';
import { startServer, type PipelineTuning } from '../../src/server';
import { serveControl } from '../lib/control';

async function main() {
  const tuning = JSON.parse(process.env.BENCH_TUNING ?? '{}') as PipelineTuning;
  const server = await startServer(loadConfig(process.env), { tuning });
  // The store's statement counters, for the batching scenario.
  serveControl(server.url, { reads: () => Promise.resolve({ ...server.index.reads }) });
}

void main();

// `npm run bench`: every scenario against its baselines in one run; prints the
// tables and writes bench/RESULTS.md. Not part of `npm test`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startChild } from './lib/child';
import type { BenchContext, Section } from './lib/context';
import { describeMachine, LOAD_CORE } from './lib/machine';
import { batching } from './scenarios/batching';
import { entityResolution } from './scenarios/entities';
import { imageUploads } from './scenarios/image-uploads';
import { renditions } from './scenarios/renditions';
import { renditionsOnRequest } from './scenarios/renditions-on-request';
import { streamingUploads } from './scenarios/uploads';

const SCENARIOS: Record<string, (ctx: BenchContext) => Promise<Section>> = {
  entities: entityResolution,
  batching,
  uploads: streamingUploads,
  renditions,
  'image-uploads': imageUploads,
  'renditions-on-request': renditionsOnRequest,
};

async function main() {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const seconds = Number(process.env.BENCH_SECONDS ?? 1.5);
  const machine = describeMachine();
  const started = Date.now();
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'product-media-bench-'));
  const load = await startChild('load-worker.ts', {}, LOAD_CORE);
  const log = (line: string) =>
    process.stdout.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${line}\n`);
  const sections: Section[] = [];
  try {
    for (const [name, scenario] of Object.entries(SCENARIOS)) {
      if (only.length && !only.includes(name)) continue;
      log(`scenario ${name}`);
      const section = await scenario({ workDir, load, rounds, seconds, log });
      sections.push(section);
      process.stdout.write(`\n## ${section.title}\n\n${section.body}\n\n`);
    }
  } finally {
    await load.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
  const targets = sections.flatMap((s) => s.targets);
  const verdicts = targets.map((t) => `| ${t.met ? 'met' : '**not met**'} | ${t.name} | ${t.detail} |`);
  const report = [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (bench/run.ts); numbers from one run on the machine below, every ratio against a baseline measured in that same run.',
    '',
    `- CPUs: ${machine.cpuCount} (${machine.cpuModel})`,
    `- Node: ${machine.node}`,
    `- Date: ${machine.date}`,
    `- Pinning: ${machine.pinned ? 'servers on core 0, load generator on core 1 (taskset)' : 'not available; unpinned'}`,
    `- Rounds: ${rounds}, ${seconds} s per load measurement; total run time ${((Date.now() - started) / 1000).toFixed(0)} s`,
    '',
    '## Targets',
    '',
    '| verdict | target | measured |',
    '| --- | --- | --- |',
    ...verdicts,
    '',
    ...sections.flatMap((s) => [`## ${s.title}`, '', s.body, '']),
  ].join('\n');
  if (only.length === 0) writeFileSync(path.join(__dirname, 'RESULTS.md'), report);
  process.stdout.write(`\n${verdicts.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});

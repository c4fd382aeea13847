import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ChildUsage, EventLoopDelay } from './control';
import { canPin } from './machine';

/** A benchmark process started by the runner, pinned to one core where possible. */
export interface BenchChild {
  readonly pid: number;
  /** What the child announced once ready (a server's URL, or `worker`). */
  readonly url: string;
  usage(): Promise<ChildUsage>;
  resetPeak(): Promise<boolean>;
  delayStart(): Promise<void>;
  delayStop(): Promise<EventLoopDelay>;
  /** Runs one of the child's named jobs and returns its result. */
  call<T>(name: string, args?: unknown): Promise<T>;
  stop(): Promise<void>;
}

const ROOT = path.resolve(__dirname, '../..');

/** Node's flags in `npm start` (package.json's start script): the subgraph is measured as it is run. */
export function startScriptFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  return scripts.start!.split(/\s+/).filter((word) => word.startsWith('--'));
}

/**
 * Starts `script` (a TypeScript file under bench/) under tsx with Node's
 * `flags`, on `core` when pinning is possible. BENCH_NODE_ARGS adds Node
 * flags to every child (say `--cpu-prof`).
 */
export async function startChild(
  script: string,
  env: Record<string, string>,
  core: number,
  flags: readonly string[] = [],
): Promise<BenchChild> {
  const nodeArgs = [...flags, ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const node = [process.execPath, ...nodeArgs, '--import', 'tsx', path.join(ROOT, 'bench', script)];
  const [command, ...args] = canPin ? ['taskset', '-c', String(core), ...node] : node;
  const child: ChildProcess = spawn(command!, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map<number, (result: unknown) => void>();
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
    child.on('message', (message: { ready?: string; id?: number; result?: unknown }) => {
      if (message.ready) resolve(message.ready);
      else if (message.id !== undefined) pending.get(message.id)?.(message.result);
    });
  });
  const ask = <T>(request: object) =>
    new Promise<T>((resolve) => {
      const id = nextId++;
      pending.set(id, (result) => {
        pending.delete(id);
        resolve(result as T);
      });
      child.send({ id, ...request });
    });
  return {
    pid: child.pid!,
    url,
    usage: () => ask<ChildUsage>({ type: 'usage' }),
    resetPeak: () => ask<boolean>({ type: 'reset-peak' }),
    delayStart: () => ask<void>({ type: 'delay-start' }),
    delayStop: () => ask<EventLoopDelay>({ type: 'delay-stop' }),
    call: async <T>(name: string, callArgs?: unknown) => {
      const answer = await ask<{ result?: T; error?: string }>({ type: 'call', name, args: callArgs });
      if (answer.error) throw new Error(`${script} ${name}: ${answer.error}`);
      return answer.result as T;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

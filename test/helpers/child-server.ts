import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { prepareStore, storeEnv } from '../backend/backend';
import { TEST_DEFAULTS } from './server';

const ROOT = path.resolve(__dirname, '../..');

/** The subgraph running as its own process (`src/main.ts`, as `npm start` runs it), for tests that kill or crash it. */
export interface ChildServer {
  url: string;
  process: ChildProcess;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Everything the process wrote to stdout so far (its log lines). */
  stdout(): string;
  /** True while the process has not exited. */
  alive(): boolean;
  /** Sends `signal` and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `src/main.ts` on 127.0.0.1:0 with the given environment, on the
 * suite's backend when it names a data folder; resolves once it prints its address.
 */
export async function startChildServer(env: Record<string, string>): Promise<ChildServer> {
  const store = env.MEDIA_DATA_DIR === undefined ? {} : storeEnv(env.MEDIA_DATA_DIR);
  if (env.MEDIA_DATA_DIR !== undefined) await prepareStore(env.MEDIA_DATA_DIR);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...TEST_DEFAULTS, ...store, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The subgraph did not start:\n${stdout}\n${stderr}`));
    }, 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const ready = /ready at (http:\/\/[^\s/]+)\/graphql/.exec(stdout);
      if (!ready) return;
      clearTimeout(timer);
      resolve({
        url: ready[1]!,
        process: child,
        stderr: () => stderr,
        stdout: () => stdout,
        alive,
        kill: async (signal = 'SIGTERM') => {
          if (alive()) child.kill(signal);
          await exited;
        },
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The subgraph exited (${code}) before it was ready:\n${stdout}\n${stderr}`));
    });
  });
}

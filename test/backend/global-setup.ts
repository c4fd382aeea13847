import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { RUN_ID_VARIABLE, S3_DIRECTORY_VARIABLE, S3_ENDPOINT_VARIABLE } from './backend';

/**
 * Starts the loopback S3 stand-in once for the whole run (the PostgreSQL + S3
 * run keeps everything there; the embedded default only what needs a
 * bucket); the test workers, forked afterwards, inherit its address.
 */
export default async function globalSetup(): Promise<void> {
  process.env[RUN_ID_VARIABLE] = randomBytes(4).toString('hex');
  const directory = mkdtempSync(path.join(os.tmpdir(), 'product-media-s3-'));
  const child = spawn(
    process.execPath,
    ['--openssl-legacy-provider', '--import', 'tsx', path.join(__dirname, 's3-stand-in.ts'), directory],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`The S3 stand-in exited (${code}): ${out}`)));
  });
  child.stdout.resume();
  process.env[S3_ENDPOINT_VARIABLE] = `http://127.0.0.1:${port}`;
  process.env[S3_DIRECTORY_VARIABLE] = directory;
  // Handed to the teardown: jest runs both in its parent process.
  (globalThis as { __s3StandIn?: { process: ChildProcess; directory: string } }).__s3StandIn = {
    process: child,
    directory,
  };
}

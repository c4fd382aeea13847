import { rmSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { ADMIN_DATABASE_URL, BACKEND, testDatabasePrefix } from './backend';

/** Stops the S3 stand-in and drops every database the run created. */
export default async function globalTeardown(): Promise<void> {
  const standIn = (globalThis as { __s3StandIn?: { process?: ChildProcess; directory?: string } }).__s3StandIn;
  standIn?.process?.kill();
  if (standIn?.directory) rmSync(standIn.directory, { recursive: true, force: true });
  if (BACKEND !== 'postgres-s3') return;
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
      `${testDatabasePrefix()}%`,
    ]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

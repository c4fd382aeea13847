import Database from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations';

/** An open SQLite database with every migration applied. */
export type SqliteDatabase = Database.Database;

/**
 * Opens (creating if needed) the database at `path` and applies pending
 * migrations, each in its own transaction.
 */
export function openDatabase(path: string, migrations: readonly Migration[] = MIGRATIONS): SqliteDatabase {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // FULL: an acknowledged upload survives a power cut, not only a process crash.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applied = new Set(
    db
      .prepare('SELECT version FROM schema_migrations')
      .pluck()
      .all()
      .map((v) => Number(v)),
  );
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
    }).immediate();
  }
  return db;
}

/** The highest migration version applied to `db`, or 0. */
export function schemaVersion(db: SqliteDatabase): number {
  return Number(db.prepare('SELECT COALESCE(MAX(version), 0) FROM schema_migrations').pluck().get());
}

/** The version a fully migrated database has. */
export const LATEST_SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

/**
 * Versioned PostgreSQL migrations. Append only: a migration that has shipped
 * is never edited, a change is a new entry with the next version. They start
 * at the schema SQLite reached with its version 3, so both indexes hold the
 * same columns. Text that rows are ordered or compared by is `COLLATE "C"`:
 * byte order, as SQLite compares, whatever the database's default collation.
 */
export interface PostgresMigration {
  version: number;
  name: string;
  sql: string;
}

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'images, files, upload tokens and claims, shared settings',
    sql: `
      CREATE TABLE images (
        id                TEXT COLLATE "C" PRIMARY KEY,
        provider          TEXT NOT NULL,
        product_id        TEXT COLLATE "C" NOT NULL,
        image_id          TEXT NOT NULL,
        provider_image_id TEXT,
        status            TEXT NOT NULL CHECK (status IN ('AWAITING_UPLOAD','PROCESSING','READY','FAILED')),
        name              TEXT,
        alt               TEXT,
        ordering          INTEGER NOT NULL DEFAULT 0 CHECK (ordering >= 0),
        is_thumbnail      BOOLEAN NOT NULL DEFAULT false,
        enabled           BOOLEAN NOT NULL DEFAULT true,
        width             INTEGER,
        height            INTEGER,
        content_type      TEXT,
        byte_size         BIGINT,
        sha256            TEXT,
        blob_key          TEXT,
        variants          JSONB NOT NULL DEFAULT '[]',
        created_at        TEXT COLLATE "C" NOT NULL,
        updated_at        TEXT NOT NULL,
        upload_expires_at BIGINT
      );
      CREATE INDEX images_by_product ON images (product_id, ordering, created_at);
      -- The database itself keeps a product to one thumbnail, whatever the callers and replicas do.
      CREATE UNIQUE INDEX images_one_thumbnail_per_product ON images (product_id) WHERE is_thumbnail;
      CREATE INDEX images_pending ON images (upload_expires_at) WHERE status = 'AWAITING_UPLOAD';

      CREATE TABLE files (
        id                TEXT COLLATE "C" PRIMARY KEY,
        provider          TEXT NOT NULL,
        product_id        TEXT COLLATE "C" NOT NULL,
        file_id           TEXT NOT NULL,
        provider_file_id  TEXT,
        file_name         TEXT NOT NULL,
        status            TEXT NOT NULL CHECK (status IN ('AWAITING_UPLOAD','PROCESSING','READY','FAILED')),
        content_type      TEXT,
        byte_size         BIGINT,
        sha256            TEXT,
        blob_key          TEXT UNIQUE,
        download_url      TEXT,
        created_at        TEXT COLLATE "C" NOT NULL,
        updated_at        TEXT NOT NULL,
        upload_expires_at BIGINT
      );
      CREATE INDEX files_by_product ON files (product_id, created_at);
      CREATE INDEX files_pending ON files (upload_expires_at) WHERE status = 'AWAITING_UPLOAD';

      -- One row per upload token that has been presented, so each token stores bytes at most once.
      CREATE TABLE upload_claims (
        token_id   TEXT PRIMARY KEY,
        target_id  TEXT NOT NULL,
        state      TEXT NOT NULL CHECK (state IN ('IN_PROGRESS', 'USED')),
        expires_at BIGINT NOT NULL,
        claimed_at BIGINT
      );

      -- The newest upload token issued for each image or file: issuing a new URL revokes the older ones.
      CREATE TABLE upload_tokens (
        target_id  TEXT PRIMARY KEY,
        token_id   TEXT NOT NULL,
        expires_at BIGINT NOT NULL
      );

      -- Keys shared by every replica (the signing secret).
      CREATE TABLE settings (
        name  TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'failure reasons',
    sql: `
      -- Why an image or file ended FAILED (a direct upload that failed the checks, processing that failed).
      ALTER TABLE images ADD COLUMN failure_reason TEXT;
      ALTER TABLE files ADD COLUMN failure_reason TEXT;
    `,
  },
  {
    version: 3,
    name: 'retired revisions',
    sql: `
      -- A replaced revision's blob key, kept (and served) until MEDIA_REVISION_GRACE_SECONDS after it was retired.
      CREATE TABLE retired_blobs (
        blob_key   TEXT PRIMARY KEY,
        owner_id   TEXT NOT NULL,
        retired_at BIGINT NOT NULL
      );
      CREATE INDEX retired_blobs_by_owner ON retired_blobs (owner_id);
      CREATE INDEX retired_blobs_by_time ON retired_blobs (retired_at);
    `,
  },
  {
    version: 4,
    name: 'processing off the request',
    sql: `
      -- The revision being processed (blobKey, contentType, sha256): its source is stored, its renditions not yet.
      ALTER TABLE images ADD COLUMN pending_revision JSONB;
      -- Which replica is making it, until when: a crashed replica's work is taken up once its lease has passed.
      ALTER TABLE images ADD COLUMN processing_owner TEXT;
      ALTER TABLE images ADD COLUMN processing_lease_until BIGINT;
      CREATE INDEX images_processing ON images (processing_lease_until) WHERE pending_revision IS NOT NULL;
    `,
  },
  {
    version: 5,
    name: 'placeholders for storefronts',
    sql: `
      -- A ThumbHash (base64) and the dominant colour (#rrggbb) of the current revision, made when it is processed.
      ALTER TABLE images ADD COLUMN thumbhash TEXT;
      ALTER TABLE images ADD COLUMN dominant_color TEXT;
    `,
  },
];

/** The version a fully migrated database has. */
export const LATEST_POSTGRES_VERSION = Math.max(...POSTGRES_MIGRATIONS.map((m) => m.version));

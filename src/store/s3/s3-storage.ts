import { randomUUID } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { readdirOrEmpty, removeLeftover } from '../local-files';
import {
  ObjectMissing,
  TEMP_PREFIX,
  type ByteRange,
  type ObjectHeaders,
  type ObjectStorage,
  type StoredObject,
} from '../object-storage';
import type { StorageSettings } from '../settings';

type S3Settings = Extract<StorageSettings, { kind: 's3' }>;

/** Parts of a streamed upload: lib-storage holds at most `queueSize` of them in memory at once. */
const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 2;

function isNotFound(err: unknown): boolean {
  return (
    err instanceof S3ServiceException &&
    (err.$metadata.httpStatusCode === 404 || err.name === 'NotFound' || err.name === 'NoSuchKey')
  );
}

/**
 * Objects in an S3-compatible bucket (`MEDIA_STORAGE_URL=s3://bucket/prefix`;
 * AWS S3, MinIO, R2, Ceph), shared by any number of replicas. Bytes are
 * spooled and rendered in a local scratch folder, then streamed to the bucket
 * part by part (never whole in memory) with `@aws-sdk/lib-storage`.
 * Credentials come from the AWS SDK's usual chain; no checksum is added where
 * S3 does not require one, so presigned URLs and S3-compatible services work.
 */
export class S3Storage implements ObjectStorage {
  /** A bucket is reachable from anywhere: its sweeps always spare what may be in flight elsewhere. */
  readonly shared = true;

  private constructor(
    private readonly client: S3Client,
    private readonly settings: S3Settings,
  ) {}

  static async open(settings: S3Settings): Promise<S3Storage> {
    await fs.mkdir(settings.scratchDir, { recursive: true });
    const client = new S3Client({
      region: settings.region ?? process.env.AWS_REGION ?? 'us-east-1',
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const storage = new S3Storage(client, settings);
    try {
      // Reachable, with credentials that may list it: found now, not at the first upload.
      await client.send(new ListObjectsV2Command({ Bucket: settings.bucket, Prefix: storage.keyOf(''), MaxKeys: 1 }));
    } catch (err) {
      client.destroy();
      throw err;
    }
    return storage;
  }

  /** The bucket key of a layout key, below the configured prefix. */
  private keyOf(key: string): string {
    return this.settings.prefix ? `${this.settings.prefix}/${key}` : key;
  }

  async localTempPath(): Promise<string> {
    await fs.mkdir(this.settings.scratchDir, { recursive: true });
    return path.join(this.settings.scratchDir, `${TEMP_PREFIX}${randomUUID()}`);
  }

  async publishFolder(
    staging: string,
    folderKey: string,
    describe: (fileName: string) => ObjectHeaders,
  ): Promise<void> {
    try {
      // A staging folder that cannot be read must fail the write, never publish an empty revision.
      const names = (await fs.readdir(staging, { withFileTypes: true }))
        .filter((entry) => entry.isFile())
        .map((entry) => entry.name);
      if (names.length === 0) throw new Error(`Nothing to publish as ${folderKey}`);
      for (const name of names) {
        const headers = describe(name);
        await new Upload({
          client: this.client,
          partSize: PART_SIZE,
          queueSize: QUEUE_SIZE,
          leavePartsOnError: false,
          params: {
            Bucket: this.settings.bucket,
            Key: this.keyOf(`${folderKey}/${name}`),
            Body: createReadStream(path.join(staging, name)),
            ContentType: headers.contentType,
            CacheControl: headers.cacheControl,
          },
        }).done();
      }
    } catch (err) {
      await this.removeFolder(folderKey).catch(() => undefined);
      throw err;
    } finally {
      await fs.rm(staging, { recursive: true, force: true });
    }
  }

  async stat(key: string): Promise<StoredObject | undefined> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.keyOf(key) }),
      );
      return {
        size: head.ContentLength ?? 0,
        modifiedAt: head.LastModified ?? new Date(0),
        contentType: head.ContentType,
      };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    try {
      const object = await this.client.send(
        new GetObjectCommand({
          Bucket: this.settings.bucket,
          Key: this.keyOf(key),
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      return object.Body as Readable;
    } catch (err) {
      if (isNotFound(err)) throw new ObjectMissing(key);
      throw err;
    }
  }

  async presignPut(
    key: string,
    headers: { contentType: string; contentLength: number },
    expiresInSeconds: number,
  ): Promise<string> {
    const command = new PutObjectCommand({
      Bucket: this.settings.bucket,
      Key: this.keyOf(key),
      ContentType: headers.contentType,
      ContentLength: headers.contentLength,
    });
    // Signed, so the bucket itself refuses another type or length; S3 leaves both unsigned unless asked.
    return getSignedUrl(this.client, command, {
      expiresIn: expiresInSeconds,
      signableHeaders: new Set(['content-type', 'content-length']),
    });
  }

  async removeFolder(folderKey: string): Promise<void> {
    // One DeleteObject per key: a revision holds a handful, and every S3-compatible service takes it alike.
    for await (const object of this.list(folderKey)) {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.keyOf(object.key) }));
    }
  }

  async *list(prefix: string): AsyncIterable<{ key: string; modifiedAt: Date }> {
    const strip = this.settings.prefix ? this.settings.prefix.length + 1 : 0;
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.settings.bucket,
          Prefix: prefix ? `${this.keyOf(prefix)}/` : this.keyOf(''),
          ContinuationToken: token,
        }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key) yield { key: object.Key.slice(strip), modifiedAt: object.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async sweepTemporary(before: Date): Promise<number> {
    let removed = 0;
    for (const entry of await readdirOrEmpty(this.settings.scratchDir)) {
      if (!entry.name.startsWith(TEMP_PREFIX)) continue;
      const full = path.join(this.settings.scratchDir, entry.name);
      if (await removeLeftover(full, before)) removed += 1;
    }
    return removed;
  }

  async freeBytes(): Promise<number> {
    const stats = await fs.statfs(this.settings.scratchDir);
    return stats.bavail * stats.bsize;
  }

  close(): Promise<void> {
    this.client.destroy();
    return Promise.resolve();
  }
}

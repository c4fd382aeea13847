/**
 * Two replicas on one PostgreSQL database and one bucket (contract section 9):
 * replica A is its own process (so it can be killed), replica B runs in this
 * process (so its statements can be counted). Runs in the PostgreSQL + S3 run
 * (`npm run test:postgres-s3`); the embedded default has one process only.
 */
import { randomUUID } from 'node:crypto';
import { formatGlobalId } from '../../src/domain/ids';
import type { ImageRecord } from '../../src/domain/model';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/migrations';
import {
  BACKEND,
  outlastQuickSweepGrace,
  prepareStore,
  queryIndex,
  QUICK_SWEEP_ENV,
  spoolDir,
  storeEnv,
} from '../backend/backend';
import { startChildServer, type ChildServer } from '../helpers/child-server';
import {
  acknowledgements,
  endRound,
  expectAcknowledgedReady,
  lostAcknowledged,
  random,
  sleep,
  workload,
  untilAcknowledged,
  type Attempts,
} from '../helpers/crash-workload';
import { listFiles } from '../helpers/files';
import { makeImage } from '../helpers/images';
import { CONSISTENT, inspectStore, problemsOf } from '../helpers/integrity';
import {
  graphqlClient,
  putBytes,
  requestImage,
  SET_THUMBNAIL,
  startTestServer,
  tempDataDir,
  uploadImage,
  type TestServer,
} from '../helpers/server';

const replicated = BACKEND === 'postgres-s3' ? describe : describe.skip;

/** The same URL on another replica: behind the Router both answer one public URL. */
const on = (url: string, replica: string) => `${replica}${new URL(url).pathname}${new URL(url).search}`;

replicated('two replicas sharing PostgreSQL and S3', () => {
  const shared = tempDataDir();
  const sharedEnv = () => storeEnv(shared);
  let a: ChildServer;
  let b: TestServer;
  const aDir = tempDataDir();
  const gqlA = () => graphqlClient(a.url);

  beforeAll(async () => {
    await prepareStore(shared);
    // Both start together: the migrations run once, under the advisory lock.
    [a, b] = await Promise.all([
      startChildServer({ MEDIA_DATA_DIR: aDir, ...sharedEnv() }),
      startTestServer(sharedEnv()),
    ]);
  }, 60_000);
  afterAll(async () => {
    await a?.kill();
    await b?.stop();
  });

  it('applied each migration once though both replicas started together', async () => {
    const applied = await queryIndex<{ version: number }>(
      shared,
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    expect(applied.map((row) => row.version)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
  });

  it('an upload URL issued by A is accepted by B, once, and then refused by both', async () => {
    const { image, upload } = await requestImage({ gql: gqlA() }, { productId: 'rep-url' });
    const bytes = await makeImage(30, 20);
    const first = await putBytes({ ...upload, url: on(upload.url, b.url) }, bytes);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ id: image.id, status: 'READY' });
    expect((await putBytes(upload, bytes)).status).toBe(403);
    expect((await putBytes({ ...upload, url: on(upload.url, b.url) }, bytes)).status).toBe(403);
  });

  it('50 concurrent setThumbnail calls split across A and B leave exactly one thumbnail', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push(await uploadImage(b, 'rep-thumb', await makeImage(10 + i, 10)));
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 === 0 ? gqlA() : graphqlClient(b.url))(SET_THUMBNAIL, { imageId: ids[i % ids.length] }),
      ),
    );
    for (const res of results) expect(res.body.data.setThumbnail.userErrors).toEqual([]);
    const product = `query { _entities(representations: [{ __typename: "Product", id: "rep-thumb" }]) {
      ... on Product { thumbnail { id } images { id isThumbnail } } } }`;
    for (const gql of [gqlA(), graphqlClient(b.url)]) {
      const { images, thumbnail } = (await gql(product)).body.data._entities[0];
      const thumbnails = images.filter((image: { isThumbnail: boolean }) => image.isThumbnail);
      expect(thumbnails).toHaveLength(1);
      expect(thumbnail.id).toBe(thumbnails[0].id);
    }
  });

  it('an image uploaded through A is served by B with the same bytes and headers', async () => {
    const id = await uploadImage({ gql: gqlA() }, 'rep-serve', await makeImage(64, 48));
    const read = await gqlA()(`query($id: ID!) { productImage(id: $id) { url variants { url } } }`, { id });
    for (const url of [
      read.body.data.productImage.url,
      ...read.body.data.productImage.variants.map((v: any) => v.url),
    ]) {
      const [fromA, fromB] = await Promise.all([fetch(on(url, a.url)), fetch(on(url, b.url))]);
      expect(fromB.status).toBe(200);
      expect(Buffer.from(await fromB.arrayBuffer())).toEqual(Buffer.from(await fromA.arrayBuffer()));
      for (const header of ['content-type', 'content-length', 'etag', 'cache-control', 'x-content-type-options']) {
        expect(fromB.headers.get(header)).toBe(fromA.headers.get(header));
      }
    }
  });

  it('_entities with 200 products on B costs one SQL statement per kind', async () => {
    const template = (await b.server.index.getImage(await uploadImage(b, 'rep-200-0', await makeImage(8, 8))))!;
    const images = Array.from({ length: 199 }, (_, n): ImageRecord => {
      const imageId = randomUUID();
      const productId = `rep-200-${n + 1}`;
      return {
        ...template,
        id: formatGlobalId({ kind: 'ProductImage', provider: 'LOCAL', productId, localId: imageId }),
        productId,
        imageId,
      };
    });
    await b.server.index.insertAll({ images });
    const representations = Array.from({ length: 200 }, (_, n) => ({ __typename: 'Product', id: `rep-200-${n}` }));
    const before = { ...b.server.index.reads };
    const res = await b.gql(
      `query($representations: [_Any!]!) { _entities(representations: $representations) {
        ... on Product { id images { id url } thumbnail { id } files { id } } } }`,
      { representations },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data._entities.filter((p: { images: unknown[] }) => p.images.length === 1)).toHaveLength(200);
    const after = b.server.index.reads;
    expect({
      imagesByProduct: after.imagesByProduct - before.imagesByProduct,
      filesByProduct: after.filesByProduct - before.filesByProduct,
      imagesById: after.imagesById - before.imagesById,
    }).toEqual({ imagesByProduct: 1, filesByProduct: 1, imagesById: 0 });
  });

  it('A killed with SIGKILL during uploads loses nothing acknowledged and leaves nothing half-stored', async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
    const next = random(seed);
    const attempts: Attempts = new Map();
    let running = true;
    const clients = [
      ...Array.from({ length: 3 }, () => workload(a.url, attempts, next, () => running)),
      ...Array.from({ length: 3 }, () => workload(b.url, attempts, next, () => running)),
    ];
    // Some work before the kill however loaded the machine is, then a random moment.
    await untilAcknowledged(attempts, 6);
    await sleep(next() * 1500);
    await a.kill('SIGKILL');
    // B goes on serving its clients while A is dead, until it too has acknowledged some.
    const atKill = acknowledgements(attempts);
    await sleep(2000);
    await untilAcknowledged(attempts, atKill + 5);
    running = false;
    await Promise.all(clients);
    endRound(attempts);
    expect(acknowledgements(attempts)).toBeGreaterThan(10);

    // Nothing B acknowledged is lost, and B serves every acknowledged image while A is down.
    const whileDown = await inspectStore(shared);
    expect({ seed, missing: whileDown.missing, mismatched: whileDown.mismatched }).toEqual({
      seed,
      missing: [],
      mismatched: [],
    });
    expect(lostAcknowledged(attempts, whileDown)).toEqual([]);
    await expectAcknowledgedReady(b.url, attempts);

    // A restarts alone on its scratch folder (B is idle) and sweeps what its death left.
    await outlastQuickSweepGrace();
    a = await startChildServer({ MEDIA_DATA_DIR: aDir, ...QUICK_SWEEP_ENV, ...sharedEnv() });
    const report = await inspectStore(shared);
    expect({ seed, ...problemsOf(report), lost: lostAcknowledged(attempts, report) }).toEqual({
      seed,
      ...CONSISTENT,
      lost: [],
    });
    expect([...listFiles(spoolDir(aDir)), ...listFiles(spoolDir(b.dataDir))]).toEqual([]);
    await expectAcknowledgedReady(a.url, attempts);
  }, 120_000);
});

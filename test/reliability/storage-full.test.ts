import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listFiles } from '../helpers/files';
import { makeImage } from '../helpers/images';
import {
  putBytes,
  REQUEST_FILE_UPLOAD,
  requestImage,
  startTestServer,
  UPDATE_IMAGE,
  updateImageWithFile,
  uploadImage,
  type TestServer,
} from '../helpers/server';
import { spoolDir } from '../backend/backend';

/**
 * A full LOCAL store is the server's failure, never the client's (contract
 * section 6): 507 on upload URLs, PROVIDER_UNAVAILABLE (retryable, LOCAL) on
 * mutations, an error line in the log, /readyz 503; nothing half-stored.
 */
async function expectServerBlamed(t: TestServer, imageId: string) {
  const { upload } = await requestImage(t, { imageId });
  const put = await putBytes(upload, await makeImage(300, 300));
  expect(put.status).toBe(507);
  expect((await putBytes(upload, await makeImage(10, 10))).status).not.toBe(403); // the URL was released
  const res = await updateImageWithFile(t, { id: imageId }, await makeImage(300, 300));
  const body = (await res.json()) as any;
  expect(body.data.updateImage.userErrors).toEqual([
    expect.objectContaining({ code: 'PROVIDER_UNAVAILABLE', provider: 'LOCAL', retryable: true }),
  ]);
  expect(t.logs().some((line) => line.level === 'error' && /storage is full/.test(line.msg))).toBe(true);
  expect(listFiles(spoolDir(t.dataDir))).toEqual([]);
}

it('under MEDIA_MIN_FREE_BYTES: uploads refused as the server’s failure, /readyz 503, reads still served', async () => {
  const t = await startTestServer();
  try {
    const imageId = await uploadImage(t, 'full', await makeImage(20, 20));
    await t.stop();
    const full = await startTestServer({ MEDIA_MIN_FREE_BYTES: String(Number.MAX_SAFE_INTEGER) }, t.dataDir);
    try {
      const ready = await fetch(`${full.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { reason: string }).reason).toMatch(/MEDIA_MIN_FREE_BYTES/);
      await expectServerBlamed(full, imageId);
      const read = await full.gql(`query($id: ID!) { productImage(id: $id) { width url } }`, { id: imageId });
      expect(read.body.data.productImage.width).toBe(20);
      expect((await fetch(read.body.data.productImage.url)).status).toBe(200);
      const meta = await full.gql(UPDATE_IMAGE, { input: { id: imageId, alt: 'still writable metadata' } });
      expect(meta.body.data.updateImage.userErrors).toEqual([]);
    } finally {
      await full.stop();
    }
  } finally {
    await t.stop();
  }
});

// A real ENOSPC needs a small file system: a tmpfs, which only root may mount (CI and these machines run as root).
const root = process.getuid?.() === 0;
(root ? it : it.skip)(
  'a disk that fills during an upload: 507, nothing half-stored, then uploads work once space is back',
  async () => {
    const mount = mkdtempSync(path.join(os.tmpdir(), 'full-disk-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mount]);
    try {
      const t = await startTestServer({ MEDIA_MIN_FREE_BYTES: '0' }, mount);
      try {
        const imageId = await uploadImage(t, 'enospc', await makeImage(20, 20));
        const { upload } = await requestImage(t, { imageId });
        // Incompressible noise, larger than what is left on the 3 MiB file system.
        const noise = randomBytes(1200 * 1200 * 3);
        const sharp = (await import('sharp')).default;
        const big = await sharp(noise, { raw: { width: 1200, height: 1200, channels: 3 } })
          .png()
          .toBuffer();
        expect(big.length).toBeGreaterThan(3 * 1024 * 1024);
        const put = await putBytes(upload, big);
        expect(put.status).toBe(507);
        expect(t.logs().some((line) => line.level === 'error' && /storage is full/.test(line.msg))).toBe(true);
        expect(listFiles(spoolDir(mount))).toEqual([]);
        const file = await t.gql(REQUEST_FILE_UPLOAD, { input: { productId: 'enospc', fileName: 'a.bin' } });
        const target = file.body.data.requestFileUpload.upload;
        expect((await putBytes(target, big)).status).toBe(507);
        const read = await t.gql(`query($id: ID!) { productImage(id: $id) { width } }`, { id: imageId });
        expect(read.body.data.productImage.width).toBe(20);
        expect((await putBytes(upload, await makeImage(30, 30))).status).toBe(200);
      } finally {
        await t.stop();
      }
    } finally {
      execFileSync('umount', [mount]);
      rmSync(mount, { recursive: true, force: true });
    }
  },
);

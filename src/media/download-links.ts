import path from 'node:path';
import type { Signer } from '../security/signing';

const PURPOSE = 'download-url';

/** Signed, expiring links to LOCAL product files (`/media/files/...?expires=&signature=`). */
export class DownloadLinks {
  constructor(
    private readonly signer: Signer,
    private readonly ttlSeconds: number,
    private readonly publicUrl: () => string,
    private readonly now: () => number = Date.now,
  ) {}

  /** A link to the blob `files/<fileId>/<revision>/data`, named after the file for the browser's sake. */
  create(blobKey: string, fileName: string): string {
    const expires = Math.floor(this.now() / 1000) + this.ttlSeconds;
    const signature = this.signer.mac(PURPOSE, `${blobKey}\n${expires}`);
    const folder = path.posix.dirname(blobKey);
    return `${this.publicUrl()}/media/${folder}/${encodeURIComponent(fileName)}?expires=${expires}&signature=${signature}`;
  }

  verify(blobKey: string, expires: string, signature: string): 'ok' | 'expired' | 'invalid' {
    if (!/^\d{1,12}$/.test(expires) || !this.signer.check(PURPOSE, `${blobKey}\n${expires}`, signature)) {
      return 'invalid';
    }
    return Number(expires) * 1000 > this.now() ? 'ok' : 'expired';
  }
}

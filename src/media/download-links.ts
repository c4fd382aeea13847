import { filePublicPath } from '../providers/local/layout';
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
    // Whole seconds, rounded up: a link lives at least `ttlSeconds`, and links made within one second are the same.
    const expires = Math.ceil(this.now() / 1000) + this.ttlSeconds;
    const signature = this.signer.mac(PURPOSE, `${blobKey}\n${expires}`);
    const publicPath = filePublicPath(blobKey, servedNameSegment(fileName));
    return `${this.publicUrl()}${publicPath}?expires=${expires}&signature=${signature}`;
  }

  verify(blobKey: string, expires: string, signature: string): 'ok' | 'expired' | 'invalid' {
    if (!/^\d{1,12}$/.test(expires) || !this.signer.check(PURPOSE, `${blobKey}\n${expires}`, signature)) {
      return 'invalid';
    }
    return Number(expires) * 1000 > this.now() ? 'ok' : 'expired';
  }
}

/**
 * The file name as the last path segment of a download link, for the browser's
 * sake only (the route ignores it). A segment that URL parsers treat as a dot
 * segment (`.`, `..`, also percent-encoded) would be normalised away and the
 * link would 404, so such names get a neutral segment; `Content-Disposition`
 * still carries the real name.
 */
export function servedNameSegment(fileName: string): string {
  const encoded = encodeURIComponent(fileName);
  return /^(\.|%2e){1,2}$/i.test(encoded) ? 'download' : encoded;
}

import { renditionPublicPath } from '../providers/local/layout';
import type { Signer } from '../security/signing';

const PURPOSE = 'image-rendition';

/**
 * Signed paths of LOCAL renditions on request (`/media/renditions/...?signature=`):
 * the subgraph renders only the specs it handed out, so no one can make it
 * render arbitrary sizes. They do not expire: a revision's renditions never change.
 */
export class RenditionLinks {
  constructor(private readonly signer: Signer) {}

  /** The path (below the public URL) of the rendition `specName` of the image revision `blobKey`. */
  create(blobKey: string, specName: string): string {
    const signature = this.signer.mac(PURPOSE, `${blobKey}\n${specName}`);
    return `${renditionPublicPath(blobKey, specName)}?signature=${signature}`;
  }

  /** Whether `signature` is the one handed out for this rendition. */
  verify(blobKey: string, specName: string, signature: string): boolean {
    return this.signer.check(PURPOSE, `${blobKey}\n${specName}`, signature);
  }
}

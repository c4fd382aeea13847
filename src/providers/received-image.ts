import type { ImageProcessor } from '../media/processing/types';
import type { ImagePatch } from '../store/media-index';
import type { ReceivedBytes } from './provider';

/**
 * What the index records about bytes a remote provider accepted as-is: their
 * type, size, hash and pixel size (read from the header in an image worker,
 * not trusted from the client). Rejects with UNSUPPORTED_MEDIA_TYPE for bytes
 * that do not decode.
 */
export async function receivedImagePatch(bytes: ReceivedBytes, images: ImageProcessor): Promise<ImagePatch> {
  const size = await images.probe(bytes.path);
  return {
    status: 'READY',
    contentType: bytes.contentType,
    byteSize: bytes.byteSize,
    sha256: bytes.sha256,
    width: size.width,
    height: size.height,
  };
}

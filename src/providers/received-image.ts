import { probeImage } from '../media/images';
import type { ImagePatch } from '../store/media-index';
import type { ReceivedBytes } from './provider';

/**
 * What the index records about bytes a remote provider accepted as-is: their
 * type, size, hash and pixel size (read from the header by sharp, not trusted
 * from the client). Throws UNSUPPORTED_MEDIA_TYPE for bytes that do not decode.
 */
export async function receivedImagePatch(bytes: ReceivedBytes, maxPixels: number): Promise<ImagePatch> {
  const size = await probeImage(bytes.path, maxPixels);
  return {
    status: 'READY',
    contentType: bytes.contentType,
    byteSize: bytes.byteSize,
    sha256: bytes.sha256,
    width: size.width,
    height: size.height,
  };
}

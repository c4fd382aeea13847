import { catchMediaError, fail, ok } from '../../domain/errors';
import type { ImageRecord, StoredVariant } from '../../domain/model';
import type { ImagePatch } from '../../store/media-index';
import type { CallPolicy } from '../transport/provider-call';
import type { ImageChanges, ImageContent, MediaCapability, MediaProviderAdapter } from '../provider';
import type { ImageProcessor } from '../../media/processing/types';
import { receivedImagePatch } from '../received-image';
import { REMOTE_PROVIDER_TRAITS } from '../traits';
import { SallaClient, type SallaImageUpdate, type SallaProductImage } from './client';
import type { SallaSettings } from './settings';

/**
 * Salla: many images per product, each replaced whole by one multipart call
 * that always carries `photo` (a file or a URL Salla fetches itself). Its four
 * renditions become the image's variants.
 */
export class SallaProvider implements MediaProviderAdapter {
  readonly name = 'SALLA' as const;
  readonly singleImage = false;
  readonly configured = true;
  readonly fetchesSourceUrls = true;
  readonly capabilities: ReadonlySet<MediaCapability> = new Set(REMOTE_PROVIDER_TRAITS.SALLA.capabilities);
  private readonly client: SallaClient;

  /** Built only when the access token is set; otherwise the provider is listed as not configured. */
  constructor(
    settings: SallaSettings & { accessToken: string },
    policy: CallPolicy,
    private readonly images: ImageProcessor,
  ) {
    this.client = new SallaClient(settings.accessToken, settings.baseUrl, policy);
  }

  idProblem(kind: 'product' | 'image' | 'file', id: string): string | undefined {
    return kind === 'image' && !/^\d{1,20}$/.test(id) ? 'Salla image ids are numeric' : undefined;
  }

  writeImage(image: ImageRecord, changes: ImageChanges, content: ImageContent | undefined) {
    return catchMediaError(async () => {
      let photo: SallaImageUpdate['photo'];
      // What the subgraph knew of the old bytes no longer holds once Salla fetches new ones.
      let bytesPatch: ImagePatch = { contentType: null, byteSize: null, sha256: null, width: null, height: null };
      if (content?.kind === 'bytes') {
        bytesPatch = await receivedImagePatch(content.bytes, this.images);
        photo = { bytes: content.bytes };
      } else if (content?.kind === 'url') {
        photo = { url: content.url };
      } else {
        // Salla requires `photo` even when only metadata changes: re-send the original it gave us.
        const original = image.variants.find((v) => v.kind === 'ORIGINAL')?.location;
        if (!original) {
          return fail<ImagePatch>(
            'INVALID_INPUT',
            'Salla needs the photo on every update and the subgraph knows no original URL for this image yet; send file or sourceUrl',
            { provider: this.name },
          );
        }
        photo = { url: original };
        bytesPatch = {};
      }
      const update: SallaImageUpdate = { photo };
      if (changes.alt !== undefined) update.alt = changes.alt ?? '';
      if (changes.ordering !== undefined) update.sort = changes.ordering;
      if (changes.thumbnail !== undefined) update.default = changes.thumbnail;
      const answered = await this.client.updateImage(image.imageId, update);
      if (!answered.ok) return answered;
      return ok({ ...bytesPatch, ...imagePatchOf(answered.value) });
    });
  }
}

/** Salla's widths and heights are fractional and 0 when unknown: rounded, and 0 read as unknown. */
const dimension = (value: number) => (value > 0 ? Math.round(value) : null);

/** The index's view of the image Salla answered with. */
function imagePatchOf(answer: SallaProductImage): ImagePatch {
  const renditions = [
    ['ORIGINAL', answer.image.original],
    ['STANDARD', answer.image.standard_resolution],
    ['LOW', answer.image.low_resolution],
    ['THUMBNAIL', answer.image.thumbnail],
  ] as const;
  const variants: StoredVariant[] = renditions.map(([kind, r]) => ({
    kind,
    location: r.url,
    width: dimension(r.width),
    height: dimension(r.height),
    contentType: null,
  }));
  const original = answer.image.original;
  const patch: ImagePatch = {
    status: 'READY',
    providerImageId: String(answer.id),
    alt: answer.alt_seo ? answer.alt_seo : null,
    ordering: Math.round(answer.sort),
    isThumbnail: answer.default,
    variants,
  };
  if (dimension(original.width) !== null) patch.width = dimension(original.width);
  if (dimension(original.height) !== null) patch.height = dimension(original.height);
  return patch;
}

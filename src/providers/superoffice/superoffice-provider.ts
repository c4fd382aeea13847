import { catchMediaError, ok, type Result } from '../../domain/errors';
import type { ImageRecord } from '../../domain/model';
import { subgraphUploadTarget, type UploadGrants } from '../../media/upload-grants';
import type { ImagePatch } from '../../store/media-index';
import type { CallPolicy } from '../transport/provider-call';
import type {
  ImageChanges,
  ImageContent,
  ImageUploadRequest,
  IssuedUpload,
  MediaCapability,
  MediaProviderAdapter,
} from '../provider';
import type { ImageProcessor } from '../../media/processing/types';
import { receivedImagePatch } from '../received-image';
import { notOffered, REMOTE_PROVIDER_TRAITS } from '../traits';
import { SuperOfficeClient } from './client';
import type { SuperOfficeCredentials, SuperOfficeSettings } from './settings';

/** The only image types SuperOffice stores (decided from the bytes). */
export const SUPEROFFICE_IMAGE_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/tiff',
]);

const INT32_MAX = 2 ** 31 - 1;

export interface SuperOfficeProviderOptions {
  grants: UploadGrants;
  maxImageBytes: number;
  images: ImageProcessor;
}

/**
 * SuperOffice: one image per product, stored from raw bytes. Clients upload
 * to the subgraph's own URL; the bytes that arrive are forwarded to the
 * raw-image PUT, whose blob id becomes `providerImageId`.
 */
export class SuperOfficeProvider implements MediaProviderAdapter {
  readonly name = 'SUPEROFFICE' as const;
  readonly singleImage = true;
  readonly configured = true;
  readonly capabilities: ReadonlySet<MediaCapability> = new Set(REMOTE_PROVIDER_TRAITS.SUPEROFFICE.capabilities);
  readonly acceptedImageTypes = SUPEROFFICE_IMAGE_TYPES;
  private readonly client: SuperOfficeClient;

  /** Built only when credentials are set; otherwise the provider is listed as not configured. */
  constructor(
    settings: SuperOfficeSettings & { baseUrl: string; credentials: SuperOfficeCredentials },
    policy: CallPolicy,
    private readonly options: SuperOfficeProviderOptions,
  ) {
    this.client = new SuperOfficeClient(settings, policy);
  }

  idProblem(kind: 'product' | 'image' | 'file', id: string): string | undefined {
    if (kind !== 'product') return undefined;
    const valid = /^[1-9]\d{0,9}$/.test(id) && Number(id) <= INT32_MAX;
    return valid ? undefined : 'SuperOffice product ids are positive 32-bit integers';
  }

  async requestImageUpload(request: ImageUploadRequest): Promise<Result<IssuedUpload<ImagePatch>>> {
    const target = await subgraphUploadTarget(
      this.options.grants,
      'image',
      request.image.id,
      request,
      this.options.maxImageBytes,
    );
    return ok({ target, patch: {} });
  }

  async writeImage(image: ImageRecord, _changes: ImageChanges, content: ImageContent | undefined) {
    if (content?.kind !== 'bytes') return notOffered<ImagePatch>(this.name, 'IMAGE_FROM_URL');
    const bytes = content.bytes;
    return catchMediaError(async () => {
      const patch = await receivedImagePatch(bytes, this.options.images);
      const saved = await this.client.saveProductImage(image.productId, bytes);
      if (!saved.ok) return saved;
      return ok<ImagePatch>({ ...patch, providerImageId: String(saved.value) });
    });
  }
}

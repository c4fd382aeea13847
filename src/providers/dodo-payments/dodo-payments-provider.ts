import { catchMediaError, ok, type Result } from '../../domain/errors';
import type { FileRecord, ImageRecord, UploadTarget } from '../../domain/model';
import type { FilePatch, ImagePatch } from '../../store/media-index';
import type { CallPolicy } from '../transport/provider-call';
import type {
  FileUploadRequest,
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
import { DodoPaymentsClient } from './client';
import type { DodoPaymentsSettings } from './settings';

/** Dodo's presigned URLs must be used within 60 seconds. */
const PRESIGNED_URL_SECONDS = 60;

/**
 * Dodo Payments: one image per product. Clients PUT their bytes straight to
 * the presigned S3 URL Dodo hands out; for `updateImage` the subgraph asks for
 * such a URL itself and PUTs the bytes it received.
 */
export class DodoPaymentsProvider implements MediaProviderAdapter {
  readonly name = 'DODO_PAYMENTS' as const;
  readonly singleImage = true;
  readonly capabilities: ReadonlySet<MediaCapability> = new Set(REMOTE_PROVIDER_TRAITS.DODO_PAYMENTS.capabilities);
  readonly configured = true;
  private readonly client: DodoPaymentsClient;

  /** Built only when the API key is set; otherwise the provider is listed as not configured. */
  constructor(
    settings: DodoPaymentsSettings & { apiKey: string },
    policy: CallPolicy,
    private readonly images: ImageProcessor,
  ) {
    this.client = new DodoPaymentsClient(settings.apiKey, settings.baseUrl, policy);
  }

  async requestImageUpload(request: ImageUploadRequest): Promise<Result<IssuedUpload<ImagePatch>>> {
    const presigned = await this.client.requestImageUpload(request.image.productId, request.forceUpdate);
    if (!presigned.ok) return presigned;
    return ok({
      target: handedThrough(presigned.value.url, request.contentType),
      patch: { status: 'AWAITING_UPLOAD', providerImageId: presigned.value.id ?? request.image.providerImageId },
    });
  }

  async requestFileUpload(request: FileUploadRequest): Promise<Result<IssuedUpload<FilePatch>>> {
    const presigned = await this.client.requestFileUpload(request.file.productId, request.file.fileName);
    if (!presigned.ok) return presigned;
    return ok({
      target: handedThrough(presigned.value.url, request.contentType),
      patch: { status: 'AWAITING_UPLOAD', providerFileId: presigned.value.id },
    });
  }

  /**
   * Dodo's S3 bucket cannot be read with the subgraph's credentials, and Dodo's
   * API has no operation that reports an upload: the client's word is taken,
   * with no call (the README says so).
   */
  confirmImageUpload(_image: ImageRecord): Promise<Result<ImagePatch>> {
    return Promise.resolve(ok<ImagePatch>({ status: 'READY' }));
  }

  confirmFileUpload(_file: FileRecord): Promise<Result<FilePatch>> {
    return Promise.resolve(ok<FilePatch>({ status: 'READY' }));
  }

  /** New bytes: a fresh presigned URL (`force_update=true`, as this replaces the image), then the PUT. */
  async writeImage(image: ImageRecord, _changes: ImageChanges, content: ImageContent | undefined) {
    if (content?.kind !== 'bytes') return notOffered<ImagePatch>(this.name, 'IMAGE_FROM_URL');
    const bytes = content.bytes;
    return catchMediaError(async () => {
      const patch = await receivedImagePatch(bytes, this.images);
      const presigned = await this.client.requestImageUpload(image.productId, true);
      if (!presigned.ok) return presigned;
      const put = await this.client.putBytes(presigned.value.url, bytes);
      if (!put.ok) return put;
      return ok<ImagePatch>({ ...patch, providerImageId: presigned.value.id ?? image.providerImageId });
    });
  }
}

/**
 * Dodo's URL as the client's upload target. It expires 60 s after it was
 * issued, or earlier when the URL's own signature says so.
 */
function handedThrough(url: string, contentType: string | undefined): UploadTarget {
  let expires = Date.now() + PRESIGNED_URL_SECONDS * 1000;
  const query = new URL(url).searchParams;
  const signedAt = query.get('X-Amz-Date');
  const lifetime = Number(query.get('X-Amz-Expires'));
  if (signedAt && Number.isFinite(lifetime)) {
    const signed = Date.parse(signedAt.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
    if (!Number.isNaN(signed)) expires = Math.min(expires, signed + lifetime * 1000);
  }
  return {
    url,
    method: 'PUT',
    headers: contentType ? [{ name: 'Content-Type', value: contentType }] : [],
    expiresAt: new Date(expires),
  };
}

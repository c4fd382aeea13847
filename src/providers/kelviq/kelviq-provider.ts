import { fail, ok } from '../../domain/errors';
import type { ImageRecord } from '../../domain/model';
import type { ImagePatch } from '../../store/media-index';
import type { CallPolicy } from '../transport/provider-call';
import type { ImageChanges, ImageContent, MediaCapability, MediaProviderAdapter } from '../provider';
import { notOffered, REMOTE_PROVIDER_TRAITS } from '../traits';
import { KelviqClient, type KelviqImageUpdate, type KelviqProductImage } from './client';
import type { KelviqSettings } from './settings';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Kelviq: many images per product whose metadata can be edited; the file of
 * an image never changes. Setting the thumbnail clears it on the product's
 * other images at Kelviq, and the index does the same.
 */
export class KelviqProvider implements MediaProviderAdapter {
  readonly name = 'KELVIQ' as const;
  readonly singleImage = false;
  readonly configured = true;
  readonly capabilities: ReadonlySet<MediaCapability> = new Set(REMOTE_PROVIDER_TRAITS.KELVIQ.capabilities);
  private readonly client: KelviqClient;

  /** Built only when the API key is set; otherwise the provider is listed as not configured. */
  constructor(settings: KelviqSettings & { apiKey: string }, policy: CallPolicy) {
    this.client = new KelviqClient(settings.apiKey, settings.baseUrl, policy);
  }

  idProblem(kind: 'product' | 'image' | 'file', id: string): string | undefined {
    return UUID.test(id) ? undefined : `Kelviq ${kind} ids are UUIDs`;
  }

  async writeImage(image: ImageRecord, changes: ImageChanges, content: ImageContent | undefined) {
    if (content) return notOffered<ImagePatch>(this.name, 'REPLACE_IMAGE_FILE');
    if (changes.name === null) {
      return fail<ImagePatch>('INVALID_INPUT', 'Kelviq cannot clear an image name; give a new one', {
        field: ['input', 'name'],
        provider: this.name,
      });
    }
    const update: KelviqImageUpdate = {};
    if (changes.name !== undefined) update.name = changes.name;
    if (changes.ordering !== undefined) update.ordering = changes.ordering;
    if (changes.enabled !== undefined) update.enabled = changes.enabled;
    if (changes.thumbnail !== undefined) update.thumbnail = changes.thumbnail;
    const answered = await this.client.updateImage(image.productId, image.imageId, update);
    return answered.ok ? ok(imagePatchOf(answered.value)) : answered;
  }
}

/** The index's view of Kelviq's answer; `image` is kept as the URL only when it is one (it may be a storage key). */
function imagePatchOf(answer: KelviqProductImage): ImagePatch {
  const patch: ImagePatch = { status: 'READY' };
  if (answer.name !== undefined) patch.name = answer.name;
  if (answer.ordering !== undefined) patch.ordering = answer.ordering;
  if (answer.enabled !== undefined) patch.enabled = answer.enabled;
  if (answer.thumbnail !== undefined) patch.isThumbnail = answer.thumbnail;
  if (answer.image && /^https?:\/\//i.test(answer.image)) {
    patch.variants = [{ kind: 'ORIGINAL', location: answer.image, width: null, height: null, contentType: null }];
  }
  return patch;
}

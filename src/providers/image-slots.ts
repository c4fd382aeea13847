import { randomUUID } from 'node:crypto';
import type { ImageChanges, MediaProviderAdapter } from './provider';

/**
 * How many images a provider keeps per product, and what follows from it: the
 * one place the single-image rule lives. Dodo Payments and SuperOffice hold
 * one image per product; its image id is always `primary`, it is always the
 * product's thumbnail, and making it so needs no provider call. The others
 * hold many, with ids the subgraph or the provider makes.
 */

/** The image id of a single-image provider's one image. */
export const PRIMARY_IMAGE_ID = 'primary';

/** The local id a new image of `provider` gets. */
export function newImageId(provider: MediaProviderAdapter): string {
  return provider.singleImage ? PRIMARY_IMAGE_ID : randomUUID();
}

/** Why `localId` cannot name an image of `provider` (checked before any call), or undefined. */
export function imageIdProblem(provider: MediaProviderAdapter, localId: string): string | undefined {
  if (!provider.singleImage) return provider.idProblem?.('image', localId);
  return localId === PRIMARY_IMAGE_ID
    ? undefined
    : `${provider.name} holds one image per product; its image id is "${PRIMARY_IMAGE_ID}"`;
}

/** Whether every image `provider` records is its product's thumbnail. */
export function alwaysThumbnail(provider: MediaProviderAdapter): boolean {
  return provider.singleImage;
}

/** Why `thumbnail: false` cannot be asked of an image of `provider`, or undefined. */
export function unthumbnailProblem(provider: MediaProviderAdapter): string | undefined {
  return provider.singleImage
    ? `${provider.name} holds one image per product, which is always the thumbnail`
    : undefined;
}

/** The changes `provider` itself must make: a single-image provider's thumbnail is implied, never sent. */
export function changesForProvider(provider: MediaProviderAdapter, changes: ImageChanges): ImageChanges {
  return provider.singleImage ? { ...changes, thumbnail: undefined } : changes;
}

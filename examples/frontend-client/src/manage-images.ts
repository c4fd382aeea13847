// Managing a product's gallery with the typed client: deleting an image and
// reordering the gallery, each one mutation, as a media admin screen would.
import { DeleteImage, ReorderImages } from './operations';
import { execute, type UploadImageOptions } from './upload-image';

/** Where and how to send the mutations: the same endpoint and headers as uploads. */
export type ClientOptions = Pick<UploadImageOptions, 'endpoint' | 'headers'>;

/** A refusal in `userErrors`: its code, and the input it names (such as `input.imageIds.1`). */
export class MediaMutationError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field: readonly string[] | null | undefined,
  ) {
    super(`${code}${field ? ` (${field.join('.')})` : ''}: ${message}`);
    this.name = 'MediaMutationError';
  }
}

function refuse(errors: readonly { code: string; message: string; field?: readonly string[] | null }[]): void {
  const first = errors[0];
  if (first) throw new MediaMutationError(first.code, first.message, first.field);
}

/** Deletes an image and returns the ids of the product's images that remain, in order. */
export async function deleteImage(options: ClientOptions, imageId: string): Promise<string[]> {
  const { deleteImage: payload } = await execute(options, DeleteImage, { id: imageId });
  refuse(payload.userErrors);
  return payload.product?.images.map((image) => image.id) ?? [];
}

/** Reorders a product's images (`imageIds` first) and returns the gallery as it now is. */
export async function reorderImages(
  options: ClientOptions,
  productId: string,
  imageIds: string[],
): Promise<{ id: string; ordering: number }[]> {
  const { reorderImages: payload } = await execute(options, ReorderImages, { productId, imageIds });
  refuse(payload.userErrors);
  return payload.product?.images ?? [];
}

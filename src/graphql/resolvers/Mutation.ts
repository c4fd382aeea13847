import type { Result } from '../../domain/errors';
import { forgetReads, type Loaders } from '../loaders';
import type { MutationResolvers } from '../generated/resolvers-types';
import { asBadRequest, payload, userErrorsOf } from './errors';

/** Runs a write; whatever it did, later fields of the operation read the store afresh. */
async function write<T>(loaders: Loaders, run: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await run();
  } finally {
    forgetReads(loaders);
  }
}

export const Mutation: MutationResolvers = {
  requestImageUpload: async (_parent, { input }, { media, loaders }) =>
    payload(await write(loaders, () => media.requestImageUpload(input)), (value) => value),
  requestFileUpload: async (_parent, { input }, { media, loaders }) =>
    payload(await write(loaders, () => media.requestFileUpload(input)), (value) => value),
  updateImage: async (_parent, { input }, { media, loaders }) =>
    payload(await write(loaders, () => asBadRequest(() => media.updateImage(input))), (image) => ({ image })),
  setThumbnail: async (_parent, { input }, { media, loaders }) =>
    payload(await write(loaders, () => media.setThumbnail(input.imageId)), (image) => ({
      image,
      product: { id: image.productId },
    })),
  deleteImage: async (_parent, { input }, { media, loaders }) =>
    payload(await write(loaders, () => media.deleteImage(input.id)), (image) => ({
      deletedImageId: image.id,
      product: { id: image.productId },
    })),
  deleteFile: async (_parent, { input }, { media, loaders }) =>
    payload(await write(loaders, () => media.deleteFile(input.id)), (file) => ({
      deletedFileId: file.id,
      product: { id: file.productId },
    })),
  reorderImages: async (_parent, { input }, { media, loaders }) => {
    const outcome = await media.reorderImages(input);
    forgetReads(loaders);
    return {
      product: outcome.productId === null ? null : { id: outcome.productId },
      userErrors: userErrorsOf(outcome),
    };
  },
  confirmImageUpload: async (_parent, { input }, { media, loaders }) => {
    const outcome = await media.confirmImageUpload(input.id);
    forgetReads(loaders);
    return { image: outcome.record, userErrors: userErrorsOf(outcome) };
  },
  confirmFileUpload: async (_parent, { input }, { media, loaders }) => {
    const outcome = await media.confirmFileUpload(input.id);
    forgetReads(loaders);
    return { file: outcome.record, userErrors: userErrorsOf(outcome) };
  },
};

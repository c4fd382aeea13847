import type { MutationResolvers } from '../generated/resolvers-types';
import { asBadRequest, payload } from './errors';

export const Mutation: MutationResolvers = {
  requestImageUpload: async (_parent, { input }, { media }) =>
    payload(await media.requestImageUpload(input), (value) => value),
  requestFileUpload: async (_parent, { input }, { media }) =>
    payload(await media.requestFileUpload(input), (value) => value),
  updateImage: async (_parent, { input }, { media }) =>
    payload(await asBadRequest(() => media.updateImage(input)), (image) => ({ image })),
  setThumbnail: async (_parent, { input }, { media }) =>
    payload(await media.setThumbnail(input.imageId), (image) => ({ image, product: { id: image.productId } })),
};

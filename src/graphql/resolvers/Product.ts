import { isAcceptableIdText } from '../../domain/ids';
import type { ProductResolvers } from '../generated/resolvers-types';

export const Product: ProductResolvers = {
  // This subgraph can add media to any product the supergraph names.
  __resolveReference: (reference) => (isAcceptableIdText(reference.id) ? { id: reference.id } : null),
  images: async ({ id }, { includeDisabled }, { loaders }) => {
    const images = await loaders.imagesByProductId.load(id);
    return includeDisabled ? images : images.filter((image) => image.enabled);
  },
  thumbnail: async ({ id }, _args, { loaders }) =>
    (await loaders.imagesByProductId.load(id)).find((image) => image.isThumbnail) ?? null,
  files: ({ id }, _args, { loaders }) => loaders.filesByProductId.load(id),
};

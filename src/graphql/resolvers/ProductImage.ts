import { parseGlobalId } from '../../domain/ids';
import type { ImageVariantResolvers, ProductImageResolvers } from '../generated/resolvers-types';

export const ProductImage: ProductImageResolvers = {
  __resolveReference: ({ id }, { loaders }) => (parseGlobalId(id, 'ProductImage') ? loaders.imageById.load(id) : null),
  product: (image) => ({ id: image.productId }),
  url: (image, _args, { media }) => {
    const original = image.variants.find((variant) => variant.kind === 'ORIGINAL');
    return original ? media.absoluteUrl(original.location) : null;
  },
};

export const ImageVariant: ImageVariantResolvers = {
  url: (variant, _args, { media }) => media.absoluteUrl(variant.location),
};

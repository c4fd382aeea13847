import { GraphQLError } from 'graphql';
import { parseGlobalId } from '../../domain/ids';
import type { ImageFormat, ImageVariantResolvers, ProductImageResolvers } from '../generated/resolvers-types';

/** The encoding a variant's type stands for, where `ImageFormat` has one (GIF and TIFF have none). */
const FORMAT_BY_TYPE: Record<string, ImageFormat> = {
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/webp': 'WEBP',
  'image/avif': 'AVIF',
};

export const ProductImage: ProductImageResolvers = {
  __resolveReference: ({ id }, { loaders }) => (parseGlobalId(id, 'ProductImage') ? loaders.imageById.load(id) : null),
  product: (image) => ({ id: image.productId }),
  url: (image, { transform }, { media }) => {
    const url = media.imageUrl(image, transform);
    if (url.ok) return url.value;
    // A query has no userErrors: a bad transform is a typed GraphQL error on this field alone.
    throw new GraphQLError(url.error.message, {
      extensions: { code: url.error.code, field: url.error.field ?? null },
    });
  },
  srcSet: (image, { format }, { media }) => media.srcSet(image, format ?? 'ORIGINAL'),
};

export const ImageVariant: ImageVariantResolvers = {
  url: (variant, _args, { media }) => media.absoluteUrl(variant.location),
  format: (variant) => (variant.contentType ? (FORMAT_BY_TYPE[variant.contentType] ?? null) : null),
};

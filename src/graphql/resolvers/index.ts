import type { Resolvers } from '../generated/resolvers-types';
import { Mutation } from './Mutation';
import { Product } from './Product';
import { ProductFile } from './ProductFile';
import { ImageVariant, ProductImage } from './ProductImage';
import { Query } from './Query';
import { DateTime, Upload } from './scalars';

/** Every resolver, one module per type. */
export const resolvers: Resolvers = {
  Query,
  Mutation,
  Product,
  ProductImage,
  ImageVariant,
  ProductFile,
  DateTime,
  Upload,
};

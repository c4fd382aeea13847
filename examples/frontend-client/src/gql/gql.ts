/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation RequestImageUpload($input: RequestImageUploadInput!) {\n    requestImageUpload(input: $input) {\n      image {\n        id\n        status\n      }\n      upload {\n        url\n        method\n        expiresAt\n        headers {\n          name\n          value\n        }\n      }\n      userErrors {\n        code\n        message\n        field\n        retryable\n      }\n    }\n  }\n": typeof types.RequestImageUploadDocument,
    "\n  mutation ConfirmImageUpload($id: ID!) {\n    confirmImageUpload(input: { id: $id }) {\n      image {\n        id\n        status\n      }\n      userErrors {\n        code\n        message\n        field\n        retryable\n      }\n    }\n  }\n": typeof types.ConfirmImageUploadDocument,
    "\n  query ImageStatus($id: ID!) {\n    productImage(id: $id) {\n      id\n      status\n      url\n      width\n      height\n      variants {\n        kind\n        url\n      }\n    }\n  }\n": typeof types.ImageStatusDocument,
    "\n  query ResponsiveImage($id: ID!) {\n    productImage(id: $id) {\n      id\n      alt\n      width\n      height\n      url(transform: { maxWidth: 640, format: WEBP })\n      srcSet(format: WEBP)\n      thumbhash\n      dominantColor\n    }\n  }\n": typeof types.ResponsiveImageDocument,
    "\n  mutation DeleteImage($id: ID!) {\n    deleteImage(input: { id: $id }) {\n      deletedImageId\n      product {\n        id\n        images {\n          id\n        }\n      }\n      userErrors {\n        code\n        message\n        field\n      }\n    }\n  }\n": typeof types.DeleteImageDocument,
    "\n  mutation ReorderImages($productId: ID!, $imageIds: [ID!]!) {\n    reorderImages(input: { productId: $productId, imageIds: $imageIds }) {\n      product {\n        id\n        images {\n          id\n          ordering\n        }\n      }\n      userErrors {\n        code\n        message\n        field\n      }\n    }\n  }\n": typeof types.ReorderImagesDocument,
    "\n  query ConsoleProduct($productId: ID!) {\n    productMedia(productId: $productId) {\n      id\n      images(includeDisabled: true, includePending: true) {\n        id\n        provider\n        status\n        name\n        alt\n        isThumbnail\n        enabled\n        width\n        height\n        failureReason\n        url\n        tile: url(transform: { maxWidth: 256, maxHeight: 256, crop: CENTER, format: WEBP })\n        dominantColor\n      }\n      files {\n        id\n        fileName\n        contentType\n        byteSize\n        downloadUrl\n      }\n    }\n  }\n": typeof types.ConsoleProductDocument,
    "\n  mutation SetThumbnail($imageId: ID!) {\n    setThumbnail(input: { imageId: $imageId }) {\n      image {\n        id\n        isThumbnail\n      }\n      userErrors {\n        code\n        message\n        field\n      }\n    }\n  }\n": typeof types.SetThumbnailDocument,
};
const documents: Documents = {
    "\n  mutation RequestImageUpload($input: RequestImageUploadInput!) {\n    requestImageUpload(input: $input) {\n      image {\n        id\n        status\n      }\n      upload {\n        url\n        method\n        expiresAt\n        headers {\n          name\n          value\n        }\n      }\n      userErrors {\n        code\n        message\n        field\n        retryable\n      }\n    }\n  }\n": types.RequestImageUploadDocument,
    "\n  mutation ConfirmImageUpload($id: ID!) {\n    confirmImageUpload(input: { id: $id }) {\n      image {\n        id\n        status\n      }\n      userErrors {\n        code\n        message\n        field\n        retryable\n      }\n    }\n  }\n": types.ConfirmImageUploadDocument,
    "\n  query ImageStatus($id: ID!) {\n    productImage(id: $id) {\n      id\n      status\n      url\n      width\n      height\n      variants {\n        kind\n        url\n      }\n    }\n  }\n": types.ImageStatusDocument,
    "\n  query ResponsiveImage($id: ID!) {\n    productImage(id: $id) {\n      id\n      alt\n      width\n      height\n      url(transform: { maxWidth: 640, format: WEBP })\n      srcSet(format: WEBP)\n      thumbhash\n      dominantColor\n    }\n  }\n": types.ResponsiveImageDocument,
    "\n  mutation DeleteImage($id: ID!) {\n    deleteImage(input: { id: $id }) {\n      deletedImageId\n      product {\n        id\n        images {\n          id\n        }\n      }\n      userErrors {\n        code\n        message\n        field\n      }\n    }\n  }\n": types.DeleteImageDocument,
    "\n  mutation ReorderImages($productId: ID!, $imageIds: [ID!]!) {\n    reorderImages(input: { productId: $productId, imageIds: $imageIds }) {\n      product {\n        id\n        images {\n          id\n          ordering\n        }\n      }\n      userErrors {\n        code\n        message\n        field\n      }\n    }\n  }\n": types.ReorderImagesDocument,
    "\n  query ConsoleProduct($productId: ID!) {\n    productMedia(productId: $productId) {\n      id\n      images(includeDisabled: true, includePending: true) {\n        id\n        provider\n        status\n        name\n        alt\n        isThumbnail\n        enabled\n        width\n        height\n        failureReason\n        url\n        tile: url(transform: { maxWidth: 256, maxHeight: 256, crop: CENTER, format: WEBP })\n        dominantColor\n      }\n      files {\n        id\n        fileName\n        contentType\n        byteSize\n        downloadUrl\n      }\n    }\n  }\n": types.ConsoleProductDocument,
    "\n  mutation SetThumbnail($imageId: ID!) {\n    setThumbnail(input: { imageId: $imageId }) {\n      image {\n        id\n        isThumbnail\n      }\n      userErrors {\n        code\n        message\n        field\n      }\n    }\n  }\n": types.SetThumbnailDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestImageUpload($input: RequestImageUploadInput!) {\n    requestImageUpload(input: $input) {\n      image {\n        id\n        status\n      }\n      upload {\n        url\n        method\n        expiresAt\n        headers {\n          name\n          value\n        }\n      }\n      userErrors {\n        code\n        message\n        field\n        retryable\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RequestImageUpload($input: RequestImageUploadInput!) {\n    requestImageUpload(input: $input) {\n      image {\n        id\n        status\n      }\n      upload {\n        url\n        method\n        expiresAt\n        headers {\n          name\n          value\n        }\n      }\n      userErrors {\n        code\n        message\n        field\n        retryable\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConfirmImageUpload($id: ID!) {\n    confirmImageUpload(input: { id: $id }) {\n      image {\n        id\n        status\n      }\n      userErrors {\n        code\n        message\n        field\n        retryable\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ConfirmImageUpload($id: ID!) {\n    confirmImageUpload(input: { id: $id }) {\n      image {\n        id\n        status\n      }\n      userErrors {\n        code\n        message\n        field\n        retryable\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ImageStatus($id: ID!) {\n    productImage(id: $id) {\n      id\n      status\n      url\n      width\n      height\n      variants {\n        kind\n        url\n      }\n    }\n  }\n"): (typeof documents)["\n  query ImageStatus($id: ID!) {\n    productImage(id: $id) {\n      id\n      status\n      url\n      width\n      height\n      variants {\n        kind\n        url\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ResponsiveImage($id: ID!) {\n    productImage(id: $id) {\n      id\n      alt\n      width\n      height\n      url(transform: { maxWidth: 640, format: WEBP })\n      srcSet(format: WEBP)\n      thumbhash\n      dominantColor\n    }\n  }\n"): (typeof documents)["\n  query ResponsiveImage($id: ID!) {\n    productImage(id: $id) {\n      id\n      alt\n      width\n      height\n      url(transform: { maxWidth: 640, format: WEBP })\n      srcSet(format: WEBP)\n      thumbhash\n      dominantColor\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteImage($id: ID!) {\n    deleteImage(input: { id: $id }) {\n      deletedImageId\n      product {\n        id\n        images {\n          id\n        }\n      }\n      userErrors {\n        code\n        message\n        field\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteImage($id: ID!) {\n    deleteImage(input: { id: $id }) {\n      deletedImageId\n      product {\n        id\n        images {\n          id\n        }\n      }\n      userErrors {\n        code\n        message\n        field\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReorderImages($productId: ID!, $imageIds: [ID!]!) {\n    reorderImages(input: { productId: $productId, imageIds: $imageIds }) {\n      product {\n        id\n        images {\n          id\n          ordering\n        }\n      }\n      userErrors {\n        code\n        message\n        field\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation ReorderImages($productId: ID!, $imageIds: [ID!]!) {\n    reorderImages(input: { productId: $productId, imageIds: $imageIds }) {\n      product {\n        id\n        images {\n          id\n          ordering\n        }\n      }\n      userErrors {\n        code\n        message\n        field\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ConsoleProduct($productId: ID!) {\n    productMedia(productId: $productId) {\n      id\n      images(includeDisabled: true, includePending: true) {\n        id\n        provider\n        status\n        name\n        alt\n        isThumbnail\n        enabled\n        width\n        height\n        failureReason\n        url\n        tile: url(transform: { maxWidth: 256, maxHeight: 256, crop: CENTER, format: WEBP })\n        dominantColor\n      }\n      files {\n        id\n        fileName\n        contentType\n        byteSize\n        downloadUrl\n      }\n    }\n  }\n"): (typeof documents)["\n  query ConsoleProduct($productId: ID!) {\n    productMedia(productId: $productId) {\n      id\n      images(includeDisabled: true, includePending: true) {\n        id\n        provider\n        status\n        name\n        alt\n        isThumbnail\n        enabled\n        width\n        height\n        failureReason\n        url\n        tile: url(transform: { maxWidth: 256, maxHeight: 256, crop: CENTER, format: WEBP })\n        dominantColor\n      }\n      files {\n        id\n        fileName\n        contentType\n        byteSize\n        downloadUrl\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetThumbnail($imageId: ID!) {\n    setThumbnail(input: { imageId: $imageId }) {\n      image {\n        id\n        isThumbnail\n      }\n      userErrors {\n        code\n        message\n        field\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation SetThumbnail($imageId: ID!) {\n    setThumbnail(input: { imageId: $imageId }) {\n      image {\n        id\n        isThumbnail\n      }\n      userErrors {\n        code\n        message\n        field\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;
// The console's own documents; uploads, deletes and reorders go through the
// example frontend client's (examples/frontend-client/src/operations.ts).
import { graphql } from '../../frontend-client/src/gql';

/** A product's gallery (placeholders and failed uploads included, so they can be removed) and its files. */
export const ConsoleProduct = graphql(`
  query ConsoleProduct($productId: ID!) {
    productMedia(productId: $productId) {
      id
      images(includeDisabled: true, includePending: true) {
        id
        provider
        status
        name
        alt
        isThumbnail
        enabled
        width
        height
        failureReason
        url
        tile: url(transform: { maxWidth: 256, maxHeight: 256, crop: CENTER, format: WEBP })
        dominantColor
      }
      files {
        id
        fileName
        contentType
        byteSize
        downloadUrl
      }
    }
  }
`);

/** Make an image its product's thumbnail (the previous one stops being it). */
export const SetThumbnail = graphql(`
  mutation SetThumbnail($imageId: ID!) {
    setThumbnail(input: { imageId: $imageId }) {
      image {
        id
        isThumbnail
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

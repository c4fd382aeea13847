import { graphql } from './gql';

/** Step 1: ask product-media (through the router) where to send the bytes. */
export const RequestImageUpload = graphql(`
  mutation RequestImageUpload($input: RequestImageUploadInput!) {
    requestImageUpload(input: $input) {
      image {
        id
        status
      }
      upload {
        url
        method
        expiresAt
        headers {
          name
          value
        }
      }
      userErrors {
        code
        message
        field
        retryable
      }
    }
  }
`);

/**
 * Step 3: tell product-media the PUT succeeded. Required where the bytes go
 * straight to storage (Dodo's S3 URL, `MEDIA_S3_DIRECT_UPLOADS=true`); where
 * the subgraph received them itself it answers the image as it is.
 */
export const ConfirmImageUpload = graphql(`
  mutation ConfirmImageUpload($id: ID!) {
    confirmImageUpload(input: { id: $id }) {
      image {
        id
        status
      }
      userErrors {
        code
        message
        field
        retryable
      }
    }
  }
`);

/** Step 4: read the image until its renditions are ready. */
export const ImageStatus = graphql(`
  query ImageStatus($id: ID!) {
    productImage(id: $id) {
      id
      status
      url
      width
      height
      variants {
        kind
        url
      }
    }
  }
`);

/** What a storefront needs to show an image: WebP renditions for `srcset`, a 640-wide one for `src`, and a placeholder. */
export const ResponsiveImage = graphql(`
  query ResponsiveImage($id: ID!) {
    productImage(id: $id) {
      id
      alt
      width
      height
      url(transform: { maxWidth: 640, format: WEBP })
      srcSet(format: WEBP)
      thumbhash
      dominantColor
    }
  }
`);

/** Remove an image; its URLs answer 404 afterwards. */
export const DeleteImage = graphql(`
  mutation DeleteImage($id: ID!) {
    deleteImage(input: { id: $id }) {
      deletedImageId
      product {
        id
        images {
          id
        }
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

/** Put a product's images in a new order: the listed ones first, the rest after them. */
export const ReorderImages = graphql(`
  mutation ReorderImages($productId: ID!, $imageIds: [ID!]!) {
    reorderImages(input: { productId: $productId, imageIds: $imageIds }) {
      product {
        id
        images {
          id
          ordering
        }
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

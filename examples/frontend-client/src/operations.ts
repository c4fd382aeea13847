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

/** Step 3: read the image until its renditions are ready. */
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

import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { ProductRef, ImageRecord, FileRecord, StoredVariant, UploadTarget as UploadTargetModel } from '../../domain/model';
import type { MediaError } from '../../domain/errors';
import type { GraphQLContext } from '../context';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An instant in time, as an ISO-8601 string in UTC (for example `2026-01-31T12:00:00.000Z`). */
  DateTime: { input: string; output: string; }
  /**
   * A file upload sent as part of a GraphQL multipart request
   * (https://github.com/jaydenseric/graphql-multipart-request-spec).
   * Multipart requests must carry the header `Apollo-Require-Preflight: true`.
   */
  Upload: { input: Promise<import('../../media/media-service').IncomingUpload>; output: Promise<import('../../media/media-service').IncomingUpload>; }
  _FieldSet: { input: unknown; output: unknown; }
};

/** The result of `confirmFileUpload`. */
export type ConfirmFileUploadPayload = {
  __typename?: 'ConfirmFileUploadPayload';
  /** The file as it is now (`FAILED` with `failureReason` when the uploaded bytes failed the checks). */
  file?: Maybe<ProductFile>;
  /** Why the confirmation was refused, or what the uploaded bytes failed. */
  userErrors: Array<MediaUserError>;
};

/** The result of `confirmImageUpload`. */
export type ConfirmImageUploadPayload = {
  __typename?: 'ConfirmImageUploadPayload';
  /** The image as it is now (`FAILED` with `failureReason` when the uploaded bytes failed the checks). */
  image?: Maybe<ProductImage>;
  /** Why the confirmation was refused, or what the uploaded bytes failed. */
  userErrors: Array<MediaUserError>;
};

/** Confirm that the PUT to an upload target succeeded. */
export type ConfirmUploadInput = {
  /** The global id of the image or file the upload target was handed out for. */
  id: Scalars['ID']['input'];
};

/** Delete a downloadable file. */
export type DeleteFileInput = {
  /** The file's global id. */
  id: Scalars['ID']['input'];
};

/** The result of `deleteFile`. */
export type DeleteFilePayload = {
  __typename?: 'DeleteFilePayload';
  /** The id of the file that was deleted. */
  deletedFileId?: Maybe<Scalars['ID']['output']>;
  /** The file's product, as it is now. */
  product?: Maybe<Product>;
  /** Why the file was not deleted, if it was not; nothing was changed then. */
  userErrors: Array<MediaUserError>;
};

/** Delete an image. */
export type DeleteImageInput = {
  /** The image's global id. */
  id: Scalars['ID']['input'];
};

/** The result of `deleteImage`. */
export type DeleteImagePayload = {
  __typename?: 'DeleteImagePayload';
  /** The id of the image that was deleted. */
  deletedImageId?: Maybe<Scalars['ID']['output']>;
  /** The image's product, as it is now. */
  product?: Maybe<Product>;
  /** Why the image was not deleted, if it was not; nothing was changed then. */
  userErrors: Array<MediaUserError>;
};

/** One HTTP header. */
export type HttpHeader = {
  __typename?: 'HttpHeader';
  /** The header's name. */
  name: Scalars['String']['output'];
  /** The header's value. */
  value: Scalars['String']['output'];
};

/** How a transform fills its box. */
export type ImageCropMode =
  /** Cover the box and cut what overflows, keeping the centre. */
  | 'CENTER'
  /** Fit inside the box, keeping the aspect ratio. */
  | 'NONE';

/** Encodings a rendition can be asked for. */
export type ImageFormat =
  | 'AVIF'
  | 'JPEG'
  | 'ORIGINAL'
  | 'PNG'
  | 'WEBP';

/** What `ProductImage.url(transform:)` should fit: a box, a format, a crop. */
export type ImageTransformInput = {
  /** `CENTER` crops to exactly the (snapped) box; it needs both `maxWidth` and `maxHeight`. */
  crop?: InputMaybe<ImageCropMode>;
  /** The encoding wanted; `ORIGINAL` keeps the image's own (TIFF becomes PNG; an animated GIF stays animated). */
  format?: InputMaybe<ImageFormat>;
  /** Tallest the image may be, in pixels (1 to 4096); snapped up to the ladder. Omitted: no bound. */
  maxHeight?: InputMaybe<Scalars['Int']['input']>;
  /** Widest the image may be, in pixels (1 to 4096); snapped up to the ladder. Omitted: no bound. */
  maxWidth?: InputMaybe<Scalars['Int']['input']>;
};

/** One rendition of an image. */
export type ImageVariant = {
  __typename?: 'ImageVariant';
  /** Its encoding, where known and one of `ImageFormat` (null for GIF and TIFF). */
  format?: Maybe<ImageFormat>;
  /** Height in pixels, where known. */
  height?: Maybe<Scalars['Int']['output']>;
  /** Which rendition this is. */
  kind: ImageVariantKind;
  /** Where to fetch it. */
  url: Scalars['String']['output'];
  /** Width in pixels, where known. */
  width?: Maybe<Scalars['Int']['output']>;
};

/** The renditions of an image. */
export type ImageVariantKind =
  /** Fits inside a 500 x 500 box (never enlarged). */
  | 'LOW'
  /** The bytes as uploaded. */
  | 'ORIGINAL'
  /** Fits inside a 1000 x 1000 box (never enlarged). */
  | 'STANDARD'
  /** Fits inside a 120 x 120 box (never enlarged). */
  | 'THUMBNAIL';

/** Operations and fields a provider may support. */
export type MediaCapability =
  /** `confirmImageUpload`/`confirmFileUpload` take a client's word that its PUT to an upload target succeeded. */
  | 'CONFIRM_UPLOAD'
  /** `deleteFile` removes a file with bytes (a placeholder without bytes can be deleted at any provider). */
  | 'DELETE_FILE'
  /** `deleteImage` removes an image with bytes (a placeholder without bytes can be deleted at any provider). */
  | 'DELETE_IMAGE'
  /** `updateImage(input: { sourceUrl })` replaces the image's bytes from a URL. */
  | 'IMAGE_FROM_URL'
  /** Renditions other than the original are available. */
  | 'IMAGE_VARIANTS'
  /** `reorderImages` puts a product's images in a new order. */
  | 'REORDER_IMAGES'
  /** `updateImage(input: { file })` replaces the image's bytes. */
  | 'REPLACE_IMAGE_FILE'
  /** `requestFileUpload` hands out an upload target. */
  | 'REQUEST_FILE_UPLOAD'
  /** `requestImageUpload` hands out an upload target. */
  | 'REQUEST_IMAGE_UPLOAD'
  /** `setThumbnail` and `thumbnail: true` work. */
  | 'SET_THUMBNAIL'
  /** `alt` can be stored. */
  | 'UPDATE_ALT'
  /** `enabled` can be stored. */
  | 'UPDATE_ENABLED'
  /** `name` can be stored. */
  | 'UPDATE_NAME'
  /** `ordering` can be stored. */
  | 'UPDATE_ORDERING';

/** Stable codes of `MediaUserError`. */
export type MediaErrorCode =
  /** The request conflicts with the current state (such as making an image without bytes the thumbnail). */
  | 'CONFLICT'
  /** The bytes are larger than allowed. */
  | 'FILE_TOO_LARGE'
  /** An id does not parse as a product-media global id. */
  | 'INVALID_ID'
  /** An input value is malformed or out of range. */
  | 'INVALID_INPUT'
  /** The request would pass a per-product limit (`MEDIA_MAX_IMAGES_PER_PRODUCT`, `MEDIA_MAX_PENDING_UPLOADS_PER_PRODUCT`); nothing was created. */
  | 'LIMIT_EXCEEDED'
  /** No such image or file. */
  | 'NOT_FOUND'
  /** The provider has no credentials configured. */
  | 'PROVIDER_NOT_CONFIGURED'
  /** The provider refused the request; the message is the provider's. */
  | 'PROVIDER_REJECTED'
  /** The provider could not be reached or kept failing; try again later. */
  | 'PROVIDER_UNAVAILABLE'
  /** The provider refused the subgraph's credentials. */
  | 'UNAUTHORIZED'
  /** The provider cannot store a field or perform the operation; `field` names it. */
  | 'UNSUPPORTED_BY_PROVIDER'
  /** The bytes are not of an allowed or declared type. */
  | 'UNSUPPORTED_MEDIA_TYPE';

/** Where a product's media is held. */
export type MediaProvider =
  /** Dodo Payments: one image and downloadable files per product, uploaded to presigned S3 URLs. */
  | 'DODO_PAYMENTS'
  /** Kelviq: many images per product; metadata can be edited, the file cannot. */
  | 'KELVIQ'
  /** The subgraph's embedded store: SQLite metadata and bytes on the subgraph's own disk. */
  | 'LOCAL'
  /** Salla: many images per product, replaced through multipart requests. */
  | 'SALLA'
  /** SuperOffice CRM: one image per product, saved as a raw bitmap. */
  | 'SUPEROFFICE';

/** A provider and what it can do. */
export type MediaProviderInfo = {
  __typename?: 'MediaProviderInfo';
  /** What it can do. */
  capabilities: Array<MediaCapability>;
  /** Whether its credentials are set, so it can be used. */
  configured: Scalars['Boolean']['output'];
  /** Whether mutations that name no provider use it. */
  isDefault: Scalars['Boolean']['output'];
  /** The provider. */
  provider: MediaProvider;
  /** Whether it holds one image per product. */
  singleImage: Scalars['Boolean']['output'];
};

/** The lifecycle of an image or file. */
export type MediaStatus =
  /** An upload target was handed out; the bytes have not arrived yet. */
  | 'AWAITING_UPLOAD'
  /** Processing failed; upload new bytes to recover. */
  | 'FAILED'
  /** The bytes arrived and are being processed. */
  | 'PROCESSING'
  /** The bytes are stored and every rendition is available. */
  | 'READY';

/** An expected failure of a mutation: bad input, an unknown id, or a provider that cannot or did not do the work. */
export type MediaUserError = {
  __typename?: 'MediaUserError';
  /** What went wrong, as a stable code. */
  code: MediaErrorCode;
  /** Path to the offending input field, such as `["input", "alt"]`. */
  field?: Maybe<Array<Scalars['String']['output']>>;
  /** What went wrong, for people. */
  message: Scalars['String']['output'];
  /** The provider involved, where one was. */
  provider?: Maybe<MediaProvider>;
  /** Whether trying the same request again later can succeed. */
  retryable: Scalars['Boolean']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /** As `confirmImageUpload`, for a file. */
  confirmFileUpload: ConfirmFileUploadPayload;
  /**
   * Tell the subgraph that the PUT to an image's upload target succeeded. Where the subgraph can read what was
   * uploaded (`MEDIA_S3_DIRECT_UPLOADS`) it checks and processes it; where it cannot (Dodo) it records the image as
   * `READY` on the client's word. For uploads the subgraph received itself, it answers the image as it is.
   */
  confirmImageUpload: ConfirmImageUploadPayload;
  /** Delete a file, as `deleteImage` deletes an image. */
  deleteFile: DeleteFilePayload;
  /**
   * Delete an image (LOCAL; at any provider, a placeholder that never received bytes): the row goes in one transaction,
   * its bytes right after, and its URLs answer 404 from then on. Deleting the thumbnail leaves the product without one.
   */
  deleteImage: DeleteImagePayload;
  /**
   * Give a product's images of one provider the orderings 0, 1, 2, ...: `imageIds` first, in that order, the others after
   * them in their present order. LOCAL does it in one transaction; Kelviq and Salla get one call per image whose position
   * changes, in order, stopping at the first refusal (the payload then holds the product as it is and the error).
   */
  reorderImages: ReorderImagesPayload;
  /** Hand out an upload target for a new downloadable file of a product. */
  requestFileUpload: RequestFileUploadPayload;
  /** Hand out an upload target for a new image of a product, or for new bytes of an existing image. */
  requestImageUpload: RequestImageUploadPayload;
  /** Make an image its product's thumbnail; the product's previous thumbnail stops being one. */
  setThumbnail: SetThumbnailPayload;
  /** Change an image's bytes and metadata in one step. */
  updateImage: UpdateImagePayload;
};


export type MutationConfirmFileUploadArgs = {
  input: ConfirmUploadInput;
};


export type MutationConfirmImageUploadArgs = {
  input: ConfirmUploadInput;
};


export type MutationDeleteFileArgs = {
  input: DeleteFileInput;
};


export type MutationDeleteImageArgs = {
  input: DeleteImageInput;
};


export type MutationReorderImagesArgs = {
  input: ReorderImagesInput;
};


export type MutationRequestFileUploadArgs = {
  input: RequestFileUploadInput;
};


export type MutationRequestImageUploadArgs = {
  input: RequestImageUploadInput;
};


export type MutationSetThumbnailArgs = {
  input: SetThumbnailInput;
};


export type MutationUpdateImageArgs = {
  input: UpdateImageInput;
};

/** A product, owned by the products subgraph; this subgraph adds its media. */
export type Product = {
  __typename?: 'Product';
  /** The product's downloadable files, oldest first. */
  files: Array<ProductFile>;
  /** The product's id, shared by every subgraph and used as the provider's product id. */
  id: Scalars['ID']['output'];
  /** The product's images from every provider, by `ordering` and then `createdAt`. */
  images: Array<ProductImage>;
  /** The product's thumbnail image; a product has at most one, and it always has bytes. */
  thumbnail?: Maybe<ProductImage>;
};


/** A product, owned by the products subgraph; this subgraph adds its media. */
export type ProductFilesArgs = {
  includePending?: InputMaybe<Scalars['Boolean']['input']>;
};


/** A product, owned by the products subgraph; this subgraph adds its media. */
export type ProductImagesArgs = {
  includeDisabled?: InputMaybe<Scalars['Boolean']['input']>;
  includePending?: InputMaybe<Scalars['Boolean']['input']>;
};

/** A downloadable file of a product (a manual, a licence, a digital good). */
export type ProductFile = {
  __typename?: 'ProductFile';
  /** Size in bytes. */
  byteSize?: Maybe<Scalars['Float']['output']>;
  /** MIME type, decided from the bytes where they are recognisable, else as declared. */
  contentType?: Maybe<Scalars['String']['output']>;
  /** When the subgraph first recorded the file. */
  createdAt: Scalars['DateTime']['output'];
  /** A signed link to download the file; for LOCAL it expires, and files are never served without it. */
  downloadUrl?: Maybe<Scalars['String']['output']>;
  /** Why the file ended `FAILED` (a direct upload that failed the checks), in words a person can act on; null otherwise. */
  failureReason?: Maybe<Scalars['String']['output']>;
  /** The file's name as given by the uploader (metadata only; never a path on any disk). */
  fileName: Scalars['String']['output'];
  /** Global id: `gid://product-media/ProductFile/<provider>/<productId>/<fileId>`. */
  id: Scalars['ID']['output'];
  /** The product this file belongs to. */
  product: Product;
  /** The provider that holds the file. */
  provider: MediaProvider;
  /** The provider's own id for the file, where it has one. */
  providerFileId?: Maybe<Scalars['String']['output']>;
  /** Whether the bytes have arrived. */
  status: MediaStatus;
  /** When the file last changed. */
  updatedAt: Scalars['DateTime']['output'];
};

/** One image of a product, held by one provider. */
export type ProductImage = {
  __typename?: 'ProductImage';
  /** Alternative text for people who cannot see the image. */
  alt?: Maybe<Scalars['String']['output']>;
  /** Size of the original in bytes. */
  byteSize?: Maybe<Scalars['Int']['output']>;
  /** MIME type of the original, decided from its bytes. */
  contentType?: Maybe<Scalars['String']['output']>;
  /** When the subgraph first recorded the image. */
  createdAt: Scalars['DateTime']['output'];
  /** The image's dominant colour as `#rrggbb`; null until processed. */
  dominantColor?: Maybe<Scalars['String']['output']>;
  /** Whether the image is shown; disabled images are left out of `Product.images` by default. */
  enabled: Scalars['Boolean']['output'];
  /** Why processing ended `FAILED`, in words a person can act on (such as the checks a direct upload failed); null otherwise. */
  failureReason?: Maybe<Scalars['String']['output']>;
  /** Height of the original in pixels, once known. */
  height?: Maybe<Scalars['Int']['output']>;
  /** Global id: `gid://product-media/ProductImage/<provider>/<productId>/<imageId>`. */
  id: Scalars['ID']['output'];
  /** Whether this is the product's thumbnail. */
  isThumbnail: Scalars['Boolean']['output'];
  /** A name for people managing the catalogue. */
  name?: Maybe<Scalars['String']['output']>;
  /** Position among the product's images; lower comes first. */
  ordering: Scalars['Int']['output'];
  /** The product this image belongs to. */
  product: Product;
  /** The provider that holds the image. */
  provider: MediaProvider;
  /** The provider's own latest id for the image (Dodo's `image_id`, SuperOffice's blob id), where it has one. */
  providerImageId?: Maybe<Scalars['String']['output']>;
  /**
   * A `srcset` value: `url 256w, url 384w, ...`, renditions at the ladder's
   * widths below the image's own, and the image at its own width last; null
   * when the width is unknown.
   */
  srcSet?: Maybe<Scalars['String']['output']>;
  /** Whether the bytes have arrived and been processed. */
  status: MediaStatus;
  /** Base64 ThumbHash of the image (from a version of at most 100 px), for a placeholder while it loads; null until processed. */
  thumbhash?: Maybe<Scalars['String']['output']>;
  /** When the image last changed. */
  updatedAt: Scalars['DateTime']['output'];
  /**
   * URL of the original rendition, once known; with `transform`, of a rendition
   * that fits the box in the format asked for (contract section 8). Sizes snap up
   * to a fixed ladder, images are never enlarged, and the URL is signed: the
   * subgraph renders only what it handed out. For providers whose bytes the
   * subgraph does not hold, the best available URL (never an error).
   */
  url?: Maybe<Scalars['String']['output']>;
  /** The renditions available for this image (empty until it is READY). */
  variants: Array<ImageVariant>;
  /** Width of the original in pixels, once known. */
  width?: Maybe<Scalars['Int']['output']>;
};


/** One image of a product, held by one provider. */
export type ProductImageSrcSetArgs = {
  format?: InputMaybe<ImageFormat>;
};


/** One image of a product, held by one provider. */
export type ProductImageUrlArgs = {
  transform?: InputMaybe<ImageTransformInput>;
};

export type Query = {
  __typename?: 'Query';
  /** Every provider, whether it is configured, and what it can do. */
  mediaProviders: Array<MediaProviderInfo>;
  /** One file by its global id; null when the subgraph has not recorded it. */
  productFile?: Maybe<ProductFile>;
  /** One image by its global id; null when the subgraph has not recorded it. */
  productImage?: Maybe<ProductImage>;
  /** A product's media, by the product's id. */
  productMedia: Product;
};


export type QueryProductFileArgs = {
  id: Scalars['ID']['input'];
};


export type QueryProductImageArgs = {
  id: Scalars['ID']['input'];
};


export type QueryProductMediaArgs = {
  productId: Scalars['ID']['input'];
};

/** Put a product's images of one provider in a new order. */
export type ReorderImagesInput = {
  /** Global ids of the product's images in the new order; the product's other images of the provider follow in their present order. */
  imageIds: Array<Scalars['ID']['input']>;
  /** The product whose images are reordered. */
  productId: Scalars['ID']['input'];
  /** The provider whose images these are; by default the provider of the ids (or the default provider when none are given). */
  provider?: InputMaybe<MediaProvider>;
};

/** The result of `reorderImages`. */
export type ReorderImagesPayload = {
  __typename?: 'ReorderImagesPayload';
  /** The product as it is now (after a partial reorder at a remote provider too). */
  product?: Maybe<Product>;
  /** Why the order was refused or where a remote provider stopped; `field` names the image's place in `imageIds`. */
  userErrors: Array<MediaUserError>;
};

/** Ask for somewhere to upload a product file's bytes. */
export type RequestFileUploadInput = {
  /** When given, the upload must be exactly this many bytes. */
  byteSize?: InputMaybe<Scalars['Float']['input']>;
  /** The file's MIME type; used when the bytes are not of a recognisable type. */
  contentType?: InputMaybe<Scalars['String']['input']>;
  /** The file's name, as shown to people downloading it. */
  fileName: Scalars['String']['input'];
  /** The product the file belongs to. */
  productId: Scalars['ID']['input'];
  /** Where to keep the file; default: the configured default provider. */
  provider?: InputMaybe<MediaProvider>;
};

/** The result of `requestFileUpload`. */
export type RequestFileUploadPayload = {
  __typename?: 'RequestFileUploadPayload';
  /** The file the upload is for. */
  file?: Maybe<ProductFile>;
  /** Where and how to send the bytes. */
  upload?: Maybe<UploadTarget>;
  /** Why the request was refused, if it was. */
  userErrors: Array<MediaUserError>;
};

/** Ask for somewhere to upload an image's bytes. */
export type RequestImageUploadInput = {
  /** Alternative text for the image. */
  alt?: InputMaybe<Scalars['String']['input']>;
  /** When given, the upload must be exactly this many bytes. */
  byteSize?: InputMaybe<Scalars['Int']['input']>;
  /** When given, the upload must be of this type. */
  contentType?: InputMaybe<Scalars['String']['input']>;
  /** The uploader's file name; used as the image's `name` when no `name` is given. */
  fileName?: InputMaybe<Scalars['String']['input']>;
  /** Passed to providers that have it (Dodo's `force_update`). */
  forceUpdate?: InputMaybe<Scalars['Boolean']['input']>;
  /** New bytes for this existing image (also re-issues an expired URL). */
  imageId?: InputMaybe<Scalars['ID']['input']>;
  /** A name for the image. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** A new image for this product. Give `productId` or `imageId`, not both. */
  productId?: InputMaybe<Scalars['ID']['input']>;
  /** Where to keep the new image; default: the configured default provider. Ignored with `imageId`. */
  provider?: InputMaybe<MediaProvider>;
};

/** The result of `requestImageUpload`. */
export type RequestImageUploadPayload = {
  __typename?: 'RequestImageUploadPayload';
  /** The image the upload is for. */
  image?: Maybe<ProductImage>;
  /** Where and how to send the bytes. */
  upload?: Maybe<UploadTarget>;
  /** Why the request was refused, if it was. */
  userErrors: Array<MediaUserError>;
};

/** Make an image its product's thumbnail. */
export type SetThumbnailInput = {
  /** The image's global id. */
  imageId: Scalars['ID']['input'];
};

/** The result of `setThumbnail`. */
export type SetThumbnailPayload = {
  __typename?: 'SetThumbnailPayload';
  /** The new thumbnail. */
  image?: Maybe<ProductImage>;
  /** The image's product. */
  product?: Maybe<Product>;
  /** Why the change was refused, if it was; nothing was changed then. */
  userErrors: Array<MediaUserError>;
};

/** Change an image: its bytes, its metadata, or both, in one step. */
export type UpdateImageInput = {
  /** New alternative text; null clears it. */
  alt?: InputMaybe<Scalars['String']['input']>;
  /** Show or hide the image. */
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  /** New bytes, sent as a multipart request. */
  file?: InputMaybe<Scalars['Upload']['input']>;
  /** The image's global id. */
  id: Scalars['ID']['input'];
  /** A new name; null clears it. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** A new position among the product's images: a whole number from 0 to 2147483647. */
  ordering?: InputMaybe<Scalars['Int']['input']>;
  /** Or: new bytes fetched from this http(s) URL. */
  sourceUrl?: InputMaybe<Scalars['String']['input']>;
  /** true: make this the product's thumbnail (as `setThumbnail`); false: stop it being the thumbnail. */
  thumbnail?: InputMaybe<Scalars['Boolean']['input']>;
};

/** The result of `updateImage`. */
export type UpdateImagePayload = {
  __typename?: 'UpdateImagePayload';
  /** The image as it is now. */
  image?: Maybe<ProductImage>;
  /** Why the change was refused, if it was; nothing was changed then. */
  userErrors: Array<MediaUserError>;
};

/** Where and how to send the bytes of an upload. */
export type UploadTarget = {
  __typename?: 'UploadTarget';
  /** The URL stops working at this instant. */
  expiresAt: Scalars['DateTime']['output'];
  /** Send exactly these headers with the bytes. */
  headers: Array<HttpHeader>;
  /** The HTTP method to use: `PUT`. */
  method: Scalars['String']['output'];
  /** The URL to send the bytes to. */
  url: Scalars['String']['output'];
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
      type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
      export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };
    

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

/** Mapping of federation types */
export type FederationTypes = ResolversObject<{
  Product: Product;
  ProductFile: ProductFile;
  ProductImage: ProductImage;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  Product:
    ( { __typename: 'Product' }
    & GraphQLRecursivePick<FederationTypes['Product'], {"id":true}> );
  ProductFile:
    ( { __typename: 'ProductFile' }
    & GraphQLRecursivePick<FederationTypes['ProductFile'], {"id":true}> );
  ProductImage:
    ( { __typename: 'ProductImage' }
    & GraphQLRecursivePick<FederationTypes['ProductImage'], {"id":true}> );
}>;



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  ConfirmFileUploadPayload: ResolverTypeWrapper<Omit<ConfirmFileUploadPayload, 'file' | 'userErrors'> & { file?: Maybe<ResolversTypes['ProductFile']>, userErrors: Array<ResolversTypes['MediaUserError']> }>;
  ConfirmImageUploadPayload: ResolverTypeWrapper<Omit<ConfirmImageUploadPayload, 'image' | 'userErrors'> & { image?: Maybe<ResolversTypes['ProductImage']>, userErrors: Array<ResolversTypes['MediaUserError']> }>;
  ConfirmUploadInput: ConfirmUploadInput;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  DeleteFileInput: DeleteFileInput;
  DeleteFilePayload: ResolverTypeWrapper<Omit<DeleteFilePayload, 'product' | 'userErrors'> & { product?: Maybe<ResolversTypes['Product']>, userErrors: Array<ResolversTypes['MediaUserError']> }>;
  DeleteImageInput: DeleteImageInput;
  DeleteImagePayload: ResolverTypeWrapper<Omit<DeleteImagePayload, 'product' | 'userErrors'> & { product?: Maybe<ResolversTypes['Product']>, userErrors: Array<ResolversTypes['MediaUserError']> }>;
  HttpHeader: ResolverTypeWrapper<HttpHeader>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  ImageCropMode: ImageCropMode;
  ImageFormat: ImageFormat;
  ImageTransformInput: ImageTransformInput;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  ImageVariant: ResolverTypeWrapper<StoredVariant>;
  ImageVariantKind: ImageVariantKind;
  MediaCapability: MediaCapability;
  MediaErrorCode: MediaErrorCode;
  MediaProvider: MediaProvider;
  MediaProviderInfo: ResolverTypeWrapper<MediaProviderInfo>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  MediaStatus: MediaStatus;
  MediaUserError: ResolverTypeWrapper<MediaError>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Product: ResolverTypeWrapper<ProductRef>;
  ProductFile: ResolverTypeWrapper<FileRecord>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  ProductImage: ResolverTypeWrapper<ImageRecord>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  ReorderImagesInput: ReorderImagesInput;
  ReorderImagesPayload: ResolverTypeWrapper<Omit<ReorderImagesPayload, 'product' | 'userErrors'> & { product?: Maybe<ResolversTypes['Product']>, userErrors: Array<ResolversTypes['MediaUserError']> }>;
  RequestFileUploadInput: RequestFileUploadInput;
  RequestFileUploadPayload: ResolverTypeWrapper<Omit<RequestFileUploadPayload, 'file' | 'upload' | 'userErrors'> & { file?: Maybe<ResolversTypes['ProductFile']>, upload?: Maybe<ResolversTypes['UploadTarget']>, userErrors: Array<ResolversTypes['MediaUserError']> }>;
  RequestImageUploadInput: RequestImageUploadInput;
  RequestImageUploadPayload: ResolverTypeWrapper<Omit<RequestImageUploadPayload, 'image' | 'upload' | 'userErrors'> & { image?: Maybe<ResolversTypes['ProductImage']>, upload?: Maybe<ResolversTypes['UploadTarget']>, userErrors: Array<ResolversTypes['MediaUserError']> }>;
  SetThumbnailInput: SetThumbnailInput;
  SetThumbnailPayload: ResolverTypeWrapper<Omit<SetThumbnailPayload, 'image' | 'product' | 'userErrors'> & { image?: Maybe<ResolversTypes['ProductImage']>, product?: Maybe<ResolversTypes['Product']>, userErrors: Array<ResolversTypes['MediaUserError']> }>;
  UpdateImageInput: UpdateImageInput;
  UpdateImagePayload: ResolverTypeWrapper<Omit<UpdateImagePayload, 'image' | 'userErrors'> & { image?: Maybe<ResolversTypes['ProductImage']>, userErrors: Array<ResolversTypes['MediaUserError']> }>;
  Upload: ResolverTypeWrapper<Scalars['Upload']['output']>;
  UploadTarget: ResolverTypeWrapper<UploadTargetModel>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  ConfirmFileUploadPayload: Omit<ConfirmFileUploadPayload, 'file' | 'userErrors'> & { file?: Maybe<ResolversParentTypes['ProductFile']>, userErrors: Array<ResolversParentTypes['MediaUserError']> };
  ConfirmImageUploadPayload: Omit<ConfirmImageUploadPayload, 'image' | 'userErrors'> & { image?: Maybe<ResolversParentTypes['ProductImage']>, userErrors: Array<ResolversParentTypes['MediaUserError']> };
  ConfirmUploadInput: ConfirmUploadInput;
  ID: Scalars['ID']['output'];
  DateTime: Scalars['DateTime']['output'];
  DeleteFileInput: DeleteFileInput;
  DeleteFilePayload: Omit<DeleteFilePayload, 'product' | 'userErrors'> & { product?: Maybe<ResolversParentTypes['Product']>, userErrors: Array<ResolversParentTypes['MediaUserError']> };
  DeleteImageInput: DeleteImageInput;
  DeleteImagePayload: Omit<DeleteImagePayload, 'product' | 'userErrors'> & { product?: Maybe<ResolversParentTypes['Product']>, userErrors: Array<ResolversParentTypes['MediaUserError']> };
  HttpHeader: HttpHeader;
  String: Scalars['String']['output'];
  ImageTransformInput: ImageTransformInput;
  Int: Scalars['Int']['output'];
  ImageVariant: StoredVariant;
  MediaProviderInfo: MediaProviderInfo;
  Boolean: Scalars['Boolean']['output'];
  MediaUserError: MediaError;
  Mutation: Record<PropertyKey, never>;
  Product: ProductRef;
  ProductFile: FileRecord;
  Float: Scalars['Float']['output'];
  ProductImage: ImageRecord;
  Query: Record<PropertyKey, never>;
  ReorderImagesInput: ReorderImagesInput;
  ReorderImagesPayload: Omit<ReorderImagesPayload, 'product' | 'userErrors'> & { product?: Maybe<ResolversParentTypes['Product']>, userErrors: Array<ResolversParentTypes['MediaUserError']> };
  RequestFileUploadInput: RequestFileUploadInput;
  RequestFileUploadPayload: Omit<RequestFileUploadPayload, 'file' | 'upload' | 'userErrors'> & { file?: Maybe<ResolversParentTypes['ProductFile']>, upload?: Maybe<ResolversParentTypes['UploadTarget']>, userErrors: Array<ResolversParentTypes['MediaUserError']> };
  RequestImageUploadInput: RequestImageUploadInput;
  RequestImageUploadPayload: Omit<RequestImageUploadPayload, 'image' | 'upload' | 'userErrors'> & { image?: Maybe<ResolversParentTypes['ProductImage']>, upload?: Maybe<ResolversParentTypes['UploadTarget']>, userErrors: Array<ResolversParentTypes['MediaUserError']> };
  SetThumbnailInput: SetThumbnailInput;
  SetThumbnailPayload: Omit<SetThumbnailPayload, 'image' | 'product' | 'userErrors'> & { image?: Maybe<ResolversParentTypes['ProductImage']>, product?: Maybe<ResolversParentTypes['Product']>, userErrors: Array<ResolversParentTypes['MediaUserError']> };
  UpdateImageInput: UpdateImageInput;
  UpdateImagePayload: Omit<UpdateImagePayload, 'image' | 'userErrors'> & { image?: Maybe<ResolversParentTypes['ProductImage']>, userErrors: Array<ResolversParentTypes['MediaUserError']> };
  Upload: Scalars['Upload']['output'];
  UploadTarget: UploadTargetModel;
}>;

export type ConfirmFileUploadPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ConfirmFileUploadPayload'] = ResolversParentTypes['ConfirmFileUploadPayload']> = ResolversObject<{
  file?: Resolver<Maybe<ResolversTypes['ProductFile']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['MediaUserError']>, ParentType, ContextType>;
}>;

export type ConfirmImageUploadPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ConfirmImageUploadPayload'] = ResolversParentTypes['ConfirmImageUploadPayload']> = ResolversObject<{
  image?: Resolver<Maybe<ResolversTypes['ProductImage']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['MediaUserError']>, ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type DeleteFilePayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['DeleteFilePayload'] = ResolversParentTypes['DeleteFilePayload']> = ResolversObject<{
  deletedFileId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  product?: Resolver<Maybe<ResolversTypes['Product']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['MediaUserError']>, ParentType, ContextType>;
}>;

export type DeleteImagePayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['DeleteImagePayload'] = ResolversParentTypes['DeleteImagePayload']> = ResolversObject<{
  deletedImageId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  product?: Resolver<Maybe<ResolversTypes['Product']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['MediaUserError']>, ParentType, ContextType>;
}>;

export type HttpHeaderResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['HttpHeader'] = ResolversParentTypes['HttpHeader']> = ResolversObject<{
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  value?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type ImageVariantResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ImageVariant'] = ResolversParentTypes['ImageVariant']> = ResolversObject<{
  format?: Resolver<Maybe<ResolversTypes['ImageFormat']>, ParentType, ContextType>;
  height?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['ImageVariantKind'], ParentType, ContextType>;
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  width?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
}>;

export type MediaProviderInfoResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['MediaProviderInfo'] = ResolversParentTypes['MediaProviderInfo']> = ResolversObject<{
  capabilities?: Resolver<Array<ResolversTypes['MediaCapability']>, ParentType, ContextType>;
  configured?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  isDefault?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['MediaProvider'], ParentType, ContextType>;
  singleImage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type MediaUserErrorResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['MediaUserError'] = ResolversParentTypes['MediaUserError']> = ResolversObject<{
  code?: Resolver<ResolversTypes['MediaErrorCode'], ParentType, ContextType>;
  field?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  provider?: Resolver<Maybe<ResolversTypes['MediaProvider']>, ParentType, ContextType>;
  retryable?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
}>;

export type MutationResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = ResolversObject<{
  confirmFileUpload?: Resolver<ResolversTypes['ConfirmFileUploadPayload'], ParentType, ContextType, RequireFields<MutationConfirmFileUploadArgs, 'input'>>;
  confirmImageUpload?: Resolver<ResolversTypes['ConfirmImageUploadPayload'], ParentType, ContextType, RequireFields<MutationConfirmImageUploadArgs, 'input'>>;
  deleteFile?: Resolver<ResolversTypes['DeleteFilePayload'], ParentType, ContextType, RequireFields<MutationDeleteFileArgs, 'input'>>;
  deleteImage?: Resolver<ResolversTypes['DeleteImagePayload'], ParentType, ContextType, RequireFields<MutationDeleteImageArgs, 'input'>>;
  reorderImages?: Resolver<ResolversTypes['ReorderImagesPayload'], ParentType, ContextType, RequireFields<MutationReorderImagesArgs, 'input'>>;
  requestFileUpload?: Resolver<ResolversTypes['RequestFileUploadPayload'], ParentType, ContextType, RequireFields<MutationRequestFileUploadArgs, 'input'>>;
  requestImageUpload?: Resolver<ResolversTypes['RequestImageUploadPayload'], ParentType, ContextType, RequireFields<MutationRequestImageUploadArgs, 'input'>>;
  setThumbnail?: Resolver<ResolversTypes['SetThumbnailPayload'], ParentType, ContextType, RequireFields<MutationSetThumbnailArgs, 'input'>>;
  updateImage?: Resolver<ResolversTypes['UpdateImagePayload'], ParentType, ContextType, RequireFields<MutationUpdateImageArgs, 'input'>>;
}>;

export type ProductResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Product'] = ResolversParentTypes['Product'], FederationReferenceType extends FederationReferenceTypes['Product'] = FederationReferenceTypes['Product']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Product']> | FederationReferenceType, FederationReferenceType, ContextType>;
  files?: Resolver<Array<ResolversTypes['ProductFile']>, ParentType, ContextType, RequireFields<ProductFilesArgs, 'includePending'>>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  images?: Resolver<Array<ResolversTypes['ProductImage']>, ParentType, ContextType, RequireFields<ProductImagesArgs, 'includeDisabled' | 'includePending'>>;
  thumbnail?: Resolver<Maybe<ResolversTypes['ProductImage']>, ParentType, ContextType>;
}>;

export type ProductFileResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ProductFile'] = ResolversParentTypes['ProductFile'], FederationReferenceType extends FederationReferenceTypes['ProductFile'] = FederationReferenceTypes['ProductFile']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['ProductFile']> | FederationReferenceType, FederationReferenceType, ContextType>;
  byteSize?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  contentType?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  downloadUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  failureReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  fileName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  product?: Resolver<ResolversTypes['Product'], ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['MediaProvider'], ParentType, ContextType>;
  providerFileId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['MediaStatus'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
}>;

export type ProductImageResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ProductImage'] = ResolversParentTypes['ProductImage'], FederationReferenceType extends FederationReferenceTypes['ProductImage'] = FederationReferenceTypes['ProductImage']> = ResolversObject<{
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['ProductImage']> | FederationReferenceType, FederationReferenceType, ContextType>;
  alt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  byteSize?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  contentType?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  dominantColor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  enabled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  failureReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  height?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  isThumbnail?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  name?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  ordering?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  product?: Resolver<ResolversTypes['Product'], ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['MediaProvider'], ParentType, ContextType>;
  providerImageId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  srcSet?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType, RequireFields<ProductImageSrcSetArgs, 'format'>>;
  status?: Resolver<ResolversTypes['MediaStatus'], ParentType, ContextType>;
  thumbhash?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  url?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType, Partial<ProductImageUrlArgs>>;
  variants?: Resolver<Array<ResolversTypes['ImageVariant']>, ParentType, ContextType>;
  width?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
}>;

export type QueryResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = ResolversObject<{
  mediaProviders?: Resolver<Array<ResolversTypes['MediaProviderInfo']>, ParentType, ContextType>;
  productFile?: Resolver<Maybe<ResolversTypes['ProductFile']>, ParentType, ContextType, RequireFields<QueryProductFileArgs, 'id'>>;
  productImage?: Resolver<Maybe<ResolversTypes['ProductImage']>, ParentType, ContextType, RequireFields<QueryProductImageArgs, 'id'>>;
  productMedia?: Resolver<ResolversTypes['Product'], ParentType, ContextType, RequireFields<QueryProductMediaArgs, 'productId'>>;
}>;

export type ReorderImagesPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ReorderImagesPayload'] = ResolversParentTypes['ReorderImagesPayload']> = ResolversObject<{
  product?: Resolver<Maybe<ResolversTypes['Product']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['MediaUserError']>, ParentType, ContextType>;
}>;

export type RequestFileUploadPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RequestFileUploadPayload'] = ResolversParentTypes['RequestFileUploadPayload']> = ResolversObject<{
  file?: Resolver<Maybe<ResolversTypes['ProductFile']>, ParentType, ContextType>;
  upload?: Resolver<Maybe<ResolversTypes['UploadTarget']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['MediaUserError']>, ParentType, ContextType>;
}>;

export type RequestImageUploadPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RequestImageUploadPayload'] = ResolversParentTypes['RequestImageUploadPayload']> = ResolversObject<{
  image?: Resolver<Maybe<ResolversTypes['ProductImage']>, ParentType, ContextType>;
  upload?: Resolver<Maybe<ResolversTypes['UploadTarget']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['MediaUserError']>, ParentType, ContextType>;
}>;

export type SetThumbnailPayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['SetThumbnailPayload'] = ResolversParentTypes['SetThumbnailPayload']> = ResolversObject<{
  image?: Resolver<Maybe<ResolversTypes['ProductImage']>, ParentType, ContextType>;
  product?: Resolver<Maybe<ResolversTypes['Product']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['MediaUserError']>, ParentType, ContextType>;
}>;

export type UpdateImagePayloadResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['UpdateImagePayload'] = ResolversParentTypes['UpdateImagePayload']> = ResolversObject<{
  image?: Resolver<Maybe<ResolversTypes['ProductImage']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['MediaUserError']>, ParentType, ContextType>;
}>;

export interface UploadScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['Upload'], any> {
  name: 'Upload';
}

export type UploadTargetResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['UploadTarget'] = ResolversParentTypes['UploadTarget']> = ResolversObject<{
  expiresAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  headers?: Resolver<Array<ResolversTypes['HttpHeader']>, ParentType, ContextType>;
  method?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = GraphQLContext> = ResolversObject<{
  ConfirmFileUploadPayload?: ConfirmFileUploadPayloadResolvers<ContextType>;
  ConfirmImageUploadPayload?: ConfirmImageUploadPayloadResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  DeleteFilePayload?: DeleteFilePayloadResolvers<ContextType>;
  DeleteImagePayload?: DeleteImagePayloadResolvers<ContextType>;
  HttpHeader?: HttpHeaderResolvers<ContextType>;
  ImageVariant?: ImageVariantResolvers<ContextType>;
  MediaProviderInfo?: MediaProviderInfoResolvers<ContextType>;
  MediaUserError?: MediaUserErrorResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Product?: ProductResolvers<ContextType>;
  ProductFile?: ProductFileResolvers<ContextType>;
  ProductImage?: ProductImageResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  ReorderImagesPayload?: ReorderImagesPayloadResolvers<ContextType>;
  RequestFileUploadPayload?: RequestFileUploadPayloadResolvers<ContextType>;
  RequestImageUploadPayload?: RequestImageUploadPayloadResolvers<ContextType>;
  SetThumbnailPayload?: SetThumbnailPayloadResolvers<ContextType>;
  UpdateImagePayload?: UpdateImagePayloadResolvers<ContextType>;
  Upload?: GraphQLScalarType;
  UploadTarget?: UploadTargetResolvers<ContextType>;
}>;


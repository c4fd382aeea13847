// Showing a product image on a storefront with the typed client: WebP
// renditions for `srcset`, a 640-wide one for `src`, and the ThumbHash as the
// background while the bytes arrive, so the page neither jumps nor flashes.
import { thumbHashToDataURL } from 'thumbhash';
import type { ResponsiveImageQuery } from './gql/graphql';
import type { ClientOptions } from './manage-images';
import { ResponsiveImage } from './operations';
import { execute } from './upload-image';

/** The image's fields a responsive `<img>` is made of. */
export type ResponsiveImageFields = NonNullable<ResponsiveImageQuery['productImage']>;

/** The widest the image is shown, in CSS pixels: the `maxWidth` the `ResponsiveImage` query asks `url` for. */
export const DISPLAY_WIDTH = 640;

/** Reads what a responsive `<img>` needs of an image; null when the subgraph does not know it. */
export async function getResponsiveImage(
  options: ClientOptions,
  imageId: string,
): Promise<ResponsiveImageFields | null> {
  return (await execute(options, ResponsiveImage, { id: imageId })).productImage;
}

/** The CSS `background` shown until the image loads: its ThumbHash as a PNG data URL, else its dominant colour. */
export function placeholder(image: Pick<ResponsiveImageFields, 'thumbhash' | 'dominantColor'>): string | null {
  if (!image.thumbhash) return image.dominantColor;
  const hash = Uint8Array.from(atob(image.thumbhash), (c) => c.charCodeAt(0));
  return `center / cover no-repeat url(${thumbHashToDataURL(hash)})`;
}

/**
 * The attributes of a lazily loaded responsive `<img>`, named as in HTML:
 * shown at most {@link DISPLAY_WIDTH} wide (the whole viewport below that),
 * `width` and `height` of that size so the page keeps its place, and the
 * placeholder as `style`. Those the image does not have yet are left out.
 */
export function imgAttributes(image: ResponsiveImageFields, alt = image.alt ?? ''): Record<string, string> {
  const width = image.width === null ? null : Math.min(image.width, DISPLAY_WIDTH);
  const height = width === null || image.height === null ? null : Math.round((image.height * width) / image.width!);
  const background = placeholder(image);
  const attributes: Record<string, string | null> = {
    src: image.url,
    srcset: image.srcSet,
    sizes: image.srcSet && width ? `(max-width: ${width}px) 100vw, ${width}px` : null,
    width: width === null ? null : String(width),
    height: height === null ? null : String(height),
    alt,
    loading: 'lazy',
    style: background && `background: ${background}`,
  };
  return Object.fromEntries(Object.entries(attributes).filter((entry): entry is [string, string] => entry[1] !== null));
}

const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

/** The `<img>` as HTML, for a page made on the server; in a browser, set {@link imgAttributes} on an element instead. */
export function imgHtml(image: ResponsiveImageFields, alt?: string): string {
  const attributes = Object.entries(imgAttributes(image, alt)).map(
    ([name, value]) => `${name}="${escapeAttribute(value)}"`,
  );
  return `<img ${attributes.join(' ')}>`;
}

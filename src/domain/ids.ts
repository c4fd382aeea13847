import { PROVIDER_SLUGS, providerFromSlug, type ProviderName } from './model';

/** The entity kinds that have global ids. */
export type GlobalIdKind = 'ProductImage' | 'ProductFile';

/** A parsed global id: `gid://product-media/<kind>/<provider>/<productId>/<localId>`. */
export interface GlobalId {
  kind: GlobalIdKind;
  provider: ProviderName;
  productId: string;
  /** The image id (`primary` for single-image providers) or the file id. */
  localId: string;
}

const PREFIX = 'gid://product-media/';
/** Ids longer than this are refused outright; no provider id comes near it. */
export const MAX_GLOBAL_ID_LENGTH = 2048;
/** Longest product, image or file id accepted (after decoding). */
export const MAX_SEGMENT_LENGTH = 512;

export function formatGlobalId(id: GlobalId): string {
  return `${PREFIX}${id.kind}/${PROVIDER_SLUGS[id.provider]}/${encodeURIComponent(id.productId)}/${encodeURIComponent(id.localId)}`;
}

/** Decodes one percent-encoded segment; only the canonical `encodeURIComponent` form is accepted, so ids round-trip. */
function decodeSegment(segment: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return undefined;
  }
  // Checked before re-encoding: encodeURIComponent throws on a lone surrogate.
  if (!isAcceptableIdText(decoded)) return undefined;
  if (encodeURIComponent(decoded) !== segment) return undefined;
  return decoded;
}

/** Product, image and file ids are opaque, but never contain control characters. */
export function isAcceptableIdText(text: unknown): text is string {
  // Representations from a router are arbitrary JSON: a number or an object where an id belongs is no id.
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_SEGMENT_LENGTH) return false;
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u001f\u007f]/.test(text) && text.isWellFormed();
}

/** Parses a global id of the given kind; `undefined` when it is not one. */
export function parseGlobalId(text: unknown, kind: GlobalIdKind): GlobalId | undefined {
  if (typeof text !== 'string' || text.length > MAX_GLOBAL_ID_LENGTH || !text.startsWith(PREFIX)) return undefined;
  const parts = text.slice(PREFIX.length).split('/');
  if (parts.length !== 4 || parts[0] !== kind) return undefined;
  const provider = providerFromSlug(parts[1]!);
  if (!provider) return undefined;
  const productId = decodeSegment(parts[2]!);
  const localId = decodeSegment(parts[3]!);
  if (productId === undefined || localId === undefined) return undefined;
  return { kind, provider, productId, localId };
}

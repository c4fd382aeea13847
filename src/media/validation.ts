import { isAllowedImageType, normaliseDeclaredType } from '../domain/content-type';
import { fail, ok, type Result } from '../domain/errors';

/** Longest `name` and `fileName` accepted. */
export const MAX_NAME_LENGTH = 255;
/** Longest `alt` accepted. */
export const MAX_ALT_LENGTH = 1000;

// C0/C1 controls, DEL, and the bidirectional overrides that can disguise a name.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Cleans a free-text field given by a client: unsafe characters are removed,
 * white space trimmed; too long is refused rather than cut.
 */
export function cleanText(value: string, field: string[], maxLength: number, required = false): Result<string | null> {
  if (!value.isWellFormed()) return fail('INVALID_INPUT', `${field.at(-1)} is not valid text`, { field });
  const cleaned = value.replace(UNSAFE_CHARACTERS, '').trim();
  if (cleaned.length > maxLength) {
    return fail('INVALID_INPUT', `${field.at(-1)} is longer than ${maxLength} characters`, { field });
  }
  if (cleaned.length === 0) {
    return required ? fail('INVALID_INPUT', `${field.at(-1)} must not be empty`, { field }) : ok(null);
  }
  return ok(cleaned);
}

/** A declared content type for an image: well formed and one of the allowed image types. */
export function declaredImageType(value: string, field: string[]): Result<string> {
  const type = normaliseDeclaredType(value);
  if (!type) return fail('INVALID_INPUT', 'contentType is not a MIME type', { field });
  if (!isAllowedImageType(type)) {
    return fail('UNSUPPORTED_MEDIA_TYPE', `${type} is not an allowed image type`, { field });
  }
  return ok(type);
}

/** A declared byte size: a whole number from 1 up to `max`. */
export function declaredByteSize(value: number, max: number, field: string[]): Result<number> {
  if (!Number.isSafeInteger(value) || value < 1) {
    return fail('INVALID_INPUT', 'byteSize must be a whole number above 0', { field });
  }
  if (value > max) return fail('FILE_TOO_LARGE', `byteSize is over the limit of ${max} bytes`, { field });
  return ok(value);
}

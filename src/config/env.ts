import { z } from 'zod';

/** Zod pieces for reading environment variables; an empty value counts as unset. */
export const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
export const optionalText = z.preprocess(emptyAsUndefined, z.string().optional());
export const int = (min: number, max: number, fallback: number) =>
  z.preprocess(emptyAsUndefined, z.coerce.number().int().min(min).max(max).default(fallback));
export const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });
export const optionalUrl = z.preprocess(emptyAsUndefined, httpUrl.optional());
export const urlWithDefault = (fallback: string) => z.preprocess(emptyAsUndefined, httpUrl.default(fallback));
export const bool = (fallback: boolean) =>
  z.preprocess(
    emptyAsUndefined,
    z
      .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1'),
  );

export const stripSlash = (url: string) => url.replace(/\/+$/, '');

/** A problem with the combination of a provider's variables, naming them. */
export class EnvProblem {
  constructor(readonly message: string) {}
}

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

/**
 * A comma-separated list of web origins (`scheme://host[:port]`, no path), or
 * `*` for any; empty or unset is none. Each is kept in its canonical form
 * (lower-case, default port dropped), as browsers send `Origin`.
 */
export const originList = z.preprocess(
  emptyAsUndefined,
  z
    .string()
    .optional()
    .transform((value, ctx): string[] | '*' => {
      if (value === undefined) return [];
      if (value.trim() === '*') return '*';
      const origins: string[] = [];
      for (const item of value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean)) {
        let url: URL | undefined;
        try {
          url = new URL(item);
        } catch {
          url = undefined;
        }
        const bare = url && url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
        if (!url || !bare || !/^https?:$/.test(url.protocol) || item.endsWith('/')) {
          ctx.addIssue({ code: 'custom', message: `"${item}" is not an origin such as http://localhost:5173` });
          return z.NEVER;
        }
        origins.push(url.origin);
      }
      return origins;
    }),
);

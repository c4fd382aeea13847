import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Readable } from 'node:stream';
import { MediaFailure, ok, type Result } from '../domain/errors';

/** Addresses a `sourceUrl` may not reach unless private fetching is allowed (SSRF protection). */
const BLOCKED = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  BLOCKED.addSubnet(prefix, bits, 'ipv4');
}
for (const [prefix, bits] of [
  ['::', 128],
  ['::1', 128],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED.addSubnet(prefix, bits, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  return BLOCKED.check(address, net.isIPv6(address) ? 'ipv6' : 'ipv4');
}

export interface SourceFetchOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  maxRedirects?: number;
}

const invalid = (message: string) => MediaFailure.of('INVALID_INPUT', message, { field: ['input', 'sourceUrl'] });

/**
 * Opens an http(s) URL for `updateImage.sourceUrl`. The address is checked
 * after DNS resolution, inside the connection itself (so a second lookup
 * cannot swap it), and again on each redirect.
 */
export async function openSourceUrl(url: string, options: SourceFetchOptions): Promise<Readable> {
  const maxRedirects = options.maxRedirects ?? 3;
  const deadline = Date.now() + options.timeoutMs;
  let current = url;
  for (let hop = 0; hop <= maxRedirects; hop += 1) {
    const response = await getOnce(current, options, deadline);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      current = new URL(response.headers.location, current).toString();
      continue;
    }
    if (status !== 200) {
      response.resume();
      throw invalid(`Fetching sourceUrl answered HTTP ${status}`);
    }
    return response;
  }
  throw invalid(`sourceUrl redirected more than ${maxRedirects} times`);
}

/** The URL's form alone: http(s), parseable, no credentials in it. */
function parseSourceUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('sourceUrl is not a URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalid('sourceUrl must be http or https');
  if (parsed.username || parsed.password) throw invalid('sourceUrl must not carry credentials');
  return parsed;
}

/** Checks a `sourceUrl` that a provider fetches itself (the subgraph never connects to it). */
export function checkSourceUrl(url: string): Result<string> {
  try {
    return ok(parseSourceUrl(url).toString());
  } catch (err) {
    if (err instanceof MediaFailure) return { ok: false, error: err.error };
    throw err;
  }
}

function getOnce(url: string, options: SourceFetchOptions, deadline: number): Promise<http.IncomingMessage> {
  const parsed = parseSourceUrl(url);
  const lookup: net.LookupFunction = (hostname, lookupOptions, callback) => {
    dns.lookup(hostname, { ...lookupOptions, all: false }, (err, address, family) => {
      if (err) return callback(err, '', 0);
      if (!options.allowPrivate && isPrivateAddress(address)) {
        return callback(Object.assign(new Error('refused address'), { code: 'EADDRBLOCKED' }), '', 0);
      }
      callback(null, address, family);
    });
  };
  const literal = parsed.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(literal) && !options.allowPrivate && isPrivateAddress(literal)) {
    throw invalid('sourceUrl points at a private or loopback address');
  }
  const client = parsed.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(parsed, { lookup, timeout: Math.max(1, deadline - Date.now()) }, resolve);
    request.on('timeout', () => request.destroy(invalid('Fetching sourceUrl timed out')));
    request.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof MediaFailure) return reject(err);
      if (err.code === 'EADDRBLOCKED') return reject(invalid('sourceUrl points at a private or loopback address'));
      reject(invalid(`sourceUrl could not be fetched (${err.code ?? 'error'})`));
    });
  });
}

import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Readable } from 'node:stream';
import { MediaFailure, ok, type Result } from '../domain/errors';

function blockList(v4: readonly (readonly [string, number])[], v6: readonly (readonly [string, number])[]) {
  const list = new net.BlockList();
  for (const [prefix, bits] of v4) list.addSubnet(prefix, bits, 'ipv4');
  for (const [prefix, bits] of v6) list.addSubnet(prefix, bits, 'ipv6');
  return list;
}

/**
 * Never reachable from a `sourceUrl`, even in development: "this host",
 * link-local (where cloud metadata services live, 169.254.169.254 and
 * fd00:ec2::254), multicast, reserved and broadcast.
 */
const NEVER = blockList(
  [
    ['0.0.0.0', 8],
    ['169.254.0.0', 16],
    ['224.0.0.0', 4],
    ['240.0.0.0', 4],
  ],
  [
    ['::', 128],
    ['fe80::', 10],
    ['ff00::', 8],
    ['fd00:ec2::254', 128],
  ],
);

/** Loopback and private networks: refused unless `MEDIA_FETCH_ALLOW_PRIVATE=true` (development). */
const PRIVATE = blockList(
  [
    ['10.0.0.0', 8],
    ['100.64.0.0', 10],
    ['127.0.0.0', 8],
    ['172.16.0.0', 12],
    ['192.0.0.0', 24],
    ['192.168.0.0', 16],
    ['198.18.0.0', 15],
  ],
  [
    ['::1', 128],
    ['64:ff9b::', 96],
    ['fc00::', 7],
  ],
);

/** An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`, `::ffff:7f00:1`) as the IPv4 address it is; others unchanged. */
export function unmapAddress(address: string): string {
  const mapped = /^::ffff:(?:0:)?([0-9a-f.:]+)$/i.exec(address);
  if (!mapped || !net.isIPv6(address)) return address;
  const rest = mapped[1]!;
  if (net.isIPv4(rest)) return rest;
  const groups = rest.split(':');
  if (groups.length !== 2) return address;
  const [high, low] = groups.map((g) => parseInt(g, 16)) as [number, number];
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** Why an address may not be fetched, or undefined when it may. */
export function addressRefusal(address: string, allowPrivate: boolean): string | undefined {
  const plain = unmapAddress(address);
  const family = net.isIPv6(plain) ? 'ipv6' : 'ipv4';
  if (NEVER.check(plain, family)) return 'sourceUrl points at a link-local, metadata or reserved address';
  if (!allowPrivate && PRIVATE.check(plain, family)) return 'sourceUrl points at a private or loopback address';
  return undefined;
}

export interface SourceFetchOptions {
  /** For the whole fetch, redirects and body included. */
  timeoutMs: number;
  allowPrivate: boolean;
  /** Largest body accepted; a larger `Content-Length` is refused before reading. */
  maxBytes: number;
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
      response.destroy();
      current = new URL(response.headers.location, current).toString();
      continue;
    }
    if (status !== 200) {
      response.destroy();
      throw invalid(`Fetching sourceUrl answered HTTP ${status}`);
    }
    const length = Number(response.headers['content-length']);
    if (Number.isFinite(length) && length > options.maxBytes) {
      response.destroy();
      throw MediaFailure.of('FILE_TOO_LARGE', `sourceUrl holds ${length} bytes; the limit is ${options.maxBytes}`, {
        field: ['input', 'sourceUrl'],
      });
    }
    // The deadline covers the body too: a server dripping bytes cannot hold the request open.
    const timer = setTimeout(
      () => response.destroy(invalid('Fetching sourceUrl timed out')),
      Math.max(1, deadline - Date.now()),
    );
    response.once('close', () => clearTimeout(timer));
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
  // The address is checked where the connection is made, after DNS resolution, so no second lookup can swap it.
  const lookup: net.LookupFunction = (hostname, lookupOptions, callback) => {
    dns.lookup(hostname, { ...lookupOptions, all: false }, (err, address, family) => {
      if (err) return callback(err, '', 0);
      const refusal = addressRefusal(address, options.allowPrivate);
      if (refusal) return callback(Object.assign(new Error(refusal), { code: 'EADDRBLOCKED' }), '', 0);
      callback(null, address, family);
    });
  };
  const literal = parsed.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(literal)) {
    const refusal = addressRefusal(literal, options.allowPrivate);
    if (refusal) throw invalid(refusal);
  }
  const remaining = deadline - Date.now();
  if (remaining <= 0) throw invalid('Fetching sourceUrl timed out');
  const client = parsed.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(parsed, { lookup, timeout: remaining }, resolve);
    const timer = setTimeout(() => request.destroy(invalid('Fetching sourceUrl timed out')), remaining);
    request.once('response', () => clearTimeout(timer));
    request.on('timeout', () => request.destroy(invalid('Fetching sourceUrl timed out')));
    request.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (err instanceof MediaFailure) return reject(err);
      if (err.code === 'EADDRBLOCKED') return reject(invalid(err.message));
      reject(invalid(`sourceUrl could not be fetched (${err.code ?? 'error'})`));
    });
  });
}

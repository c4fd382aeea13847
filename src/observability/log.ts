import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** How the process logs: `LOG_LEVEL` and `LOG_FORMAT`. */
export interface LogSettings {
  level: string;
  /** `json` (one object per line, for machines) or `pretty` (for a person at a terminal; `npm run dev`). */
  format: 'json' | 'pretty';
}

/** What is known about the request being served; every line logged while serving it carries its id. */
export interface RequestScope {
  requestId: string;
  log: Logger;
  /** Set by the GraphQL layer once the operation is resolved. */
  operationName?: string;
  /** The error codes of the GraphQL answer, if it had errors. */
  graphqlErrors?: string[];
}

const scopes = new AsyncLocalStorage<RequestScope>();

/** Where lines go when no request is being served (start-up, shutdown); replaced by the server's logger. */
let processLog: Logger = pino({ level: 'info' });

/**
 * The subgraph's logger. Lines are JSON with an ISO time and a textual level;
 * nothing here logs headers or bodies, so credentials cannot reach the log by
 * way of it (URLs are logged by path only, see {@link loggedPath}).
 */
export function createLogger(settings: LogSettings, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: settings.level,
    base: { service: 'product-media' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  if (destination) return pino(options, destination);
  if (settings.format === 'pretty' && prettyAvailable()) {
    return pino(
      options,
      pino.transport({
        target: 'pino-pretty',
        // Colours for a terminal only: a file or a pipe gets the text without escape codes.
        options: {
          colorize: Boolean(process.stdout.isTTY),
          translateTime: 'SYS:HH:MM:ss.l',
          ignore: 'pid,hostname,service',
        },
      }),
    );
  }
  return pino(options);
}

/** pino-pretty is a dev dependency: after `npm ci --omit=dev`, `LOG_FORMAT=pretty` falls back to JSON rather than fail. */
function prettyAvailable(): boolean {
  try {
    require.resolve('pino-pretty');
    return true;
  } catch {
    process.stderr.write('LOG_FORMAT=pretty needs the dev dependency pino-pretty; logging JSON instead\n');
    return false;
  }
}

/** Makes `logger` the one used outside requests. */
export function useProcessLogger(logger: Logger): void {
  processLog = logger;
}

/** The logger of the request being served (its lines carry the request id), or the process's. */
export function currentLog(): Logger {
  return scopes.getStore()?.log ?? processLog;
}

/** The scope of the request being served, if any. */
export function currentScope(): RequestScope | undefined {
  return scopes.getStore();
}

/** Runs `fn` inside `scope`, so that everything it starts logs with the request's id. */
export function runInScope<T>(scope: RequestScope, fn: () => T): T {
  return scopes.run(scope, fn);
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request's id: the router's (or a proxy's) `x-request-id` when it looks
 * like one, so one id follows a request across the supergraph; otherwise a new one.
 */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * The path of a request target without its query: an absolute-form target
 * (`PUT http://host/uploads/<token>`, which Express routes like the path)
 * is reduced to its path, so whatever names or redacts paths sees the same
 * one the router matched.
 */
export function requestPath(url: string | undefined): string {
  const target = url ?? '';
  if (target.startsWith('/') || target === '') return target.split('?', 1)[0]!;
  try {
    return new URL(target).pathname;
  } catch {
    return target.split('?', 1)[0]!;
  }
}

/** Path segments longer than this are never logged: no id the subgraph makes comes near it, a token does. */
const MAX_LOGGED_SEGMENT = 64;

/**
 * A request's path as it may be logged: no query string (download URLs carry
 * their signature there), no upload token (the token is the credential) in
 * whatever case the client spelled the path, and no segment long enough to
 * be a credential on a path that matched no route.
 */
export function loggedPath(url: string | undefined): string {
  const path = requestPath(url);
  if (/^\/uploads\//i.test(path)) return '/uploads/:token';
  return path
    .split('/')
    .map((segment) => (segment.length > MAX_LOGGED_SEGMENT ? ':redacted' : segment))
    .join('/');
}

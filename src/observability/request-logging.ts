import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { loggedPath, requestIdOf, runInScope, type Logger, type RequestScope } from './log';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const SCOPE = Symbol('product-media request scope');
type ScopedRequest = IncomingMessage & { [SCOPE]?: RequestScope };

/** Probes and Prometheus's scrapes hit these every few seconds; their lines are debug so they do not drown the rest. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Gives every request an id (answered in `x-request-id`), runs its handling in
 * a scope whose logger carries that id, and logs one line when it ends: method,
 * path (no query, no upload token), status, duration, and the GraphQL operation
 * name and error codes when it was a GraphQL request.
 */
export function withRequestLogging(logger: Logger, handler: Handler): Handler {
  return (req, res) => {
    const requestId = requestIdOf(req);
    const scope: RequestScope = { requestId, log: logger.child({ requestId }) };
    (req as ScopedRequest)[SCOPE] = scope;
    res.setHeader('x-request-id', requestId);
    const started = process.hrtime.bigint();
    // Read now: Express rewrites req.url under a mounted path (`/uploads`, `/graphql`) while it routes.
    const path = loggedPath(req.url);
    res.once('close', () => {
      const line = {
        method: req.method,
        path,
        status: res.statusCode,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        operationName: scope.operationName,
        graphqlErrors: scope.graphqlErrors,
        // The client went away before the answer was sent.
        aborted: res.writableFinished ? undefined : true,
      };
      if (QUIET_PATHS.has(path)) scope.log.debug(line, 'request');
      else scope.log.info(line, 'request');
    });
    runInScope(scope, () => handler(req, res));
  };
}

/** The scope {@link withRequestLogging} gave `req`. */
export function scopeOf(req: IncomingMessage): RequestScope | undefined {
  return (req as ScopedRequest)[SCOPE];
}

/**
 * Runs `next` back inside the request's scope. Needed after anything that
 * reads the body with stream events (body parsers): Node emits those in the
 * socket's async context, not in the one the request handler started in.
 */
export function rescope(req: IncomingMessage, _res: ServerResponse, next: (err?: unknown) => void): void {
  const scope = scopeOf(req);
  if (scope) runInScope(scope, () => next());
  else next();
}

/** Tells the request's scope which operation ran and which error codes it answered. */
export function operationLoggingPlugin<TContext extends BaseContext>(
  scopeOfRequest: () => RequestScope | undefined,
): ApolloServerPlugin<TContext> {
  return {
    requestDidStart() {
      const scope = scopeOfRequest();
      if (!scope) return Promise.resolve({});
      return Promise.resolve({
        didResolveOperation({ operationName, operation }) {
          scope.operationName = operationName ?? `(anonymous ${operation?.operation ?? 'operation'})`;
          return Promise.resolve();
        },
        willSendResponse({ response }) {
          // The errors as answered (masked), so the log names what the client saw.
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          const codes = errors.map((e) => (typeof e.extensions?.code === 'string' ? e.extensions.code : 'UNKNOWN'));
          if (codes.length) scope.graphqlErrors = codes;
          return Promise.resolve();
        },
      });
    },
  };
}

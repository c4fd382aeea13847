import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import express from 'express';
import { sendHttpError } from './errors';
import { requireRouterSecret, type NodeMiddleware } from './graphql-guards';
import { rescope } from '../observability/request-logging';

export interface GraphQLEndpointOptions<TContext extends BaseContext> {
  /** `ROUTER_SECRET`: when set, requests without the matching `router-authorization` header get 401. */
  routerSecret: string | undefined;
  /** Largest JSON body accepted, in body-parser's notation (`1mb`). */
  maxJsonBody: string;
  context: () => Promise<TContext>;
}

const pathOf = (url: string | undefined) => (url ?? '').split('?', 1)[0];
const isJson = (type: string | undefined) => /^application\/json\s*(;|$)/i.test(type ?? '');

/**
 * Serves JSON `POST /graphql` (every router and browser query) straight from
 * Node's http server, and answers false for anything else, which goes on to
 * Express. Express's per-request router costs more than the whole GraphQL
 * execution of a small `_entities` call (bench/RESULTS.md), and this path needs
 * none of it: the same router-secret check, the same JSON parser and limit,
 * the same error bodies, then Apollo.
 */
export function graphqlJsonEndpoint<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  options: GraphQLEndpointOptions<TContext>,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  apollo.assertStarted('graphqlJsonEndpoint()');
  const checkSecret = requireRouterSecret(options.routerSecret);
  const parseJson = express.json({ limit: options.maxJsonBody }) as unknown as NodeMiddleware;

  const answer = async (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const search = req.url!.includes('?') ? req.url!.slice(req.url!.indexOf('?')) : '';
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers, search, body: req.body },
      context: options.context,
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      // A string body goes out with the headers in one write.
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };

  return (req, res) => {
    if (req.method !== 'POST' || pathOf(req.url) !== '/graphql' || !isJson(req.headers['content-type'])) return false;
    const fail = (err: unknown) => {
      if (res.headersSent) res.destroy();
      else sendHttpError(typeof err === 'object' && err !== null ? err : { message: String(err) }, req, res);
    };
    checkSecret(req, res, (secretError) => {
      if (secretError) return fail(secretError);
      parseJson(req, res, (parseError) => {
        if (parseError) return fail(parseError);
        rescope(req, res, () => void answer(req, res).catch(fail));
      });
    });
    return true;
  };
}

// The local gateway of `npm run supergraph`: composes supergraph.yaml's subgraphs
// with @apollo/composition and serves them through @apollo/gateway, honouring the
// header and CORS rules of router.yaml, so what works here works behind Apollo Router.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type RequestHandler } from 'express';
import { parse } from 'graphql';
import YAML from 'yaml';
import { graphiqlRouter } from '../../src/http/graphiql';
import type { Logger } from '../../src/observability/log';

export const ROOT = path.resolve(__dirname, '../..');

/** supergraph.yaml, as rover reads it (only `file` schemas are used here). */
export interface SupergraphConfig {
  federation_version: string;
  subgraphs: Record<string, { routing_url: string; schema: { file: string } }>;
}

/** One of router.yaml's subgraph request-header rules, in the subset this gateway applies. */
export type HeaderRule = { insert: { name: string; value: string } } | { propagate: { named: string } };

/** The parts of router.yaml this gateway honours. */
export interface RouterPolicy {
  listen: string;
  corsOrigins: string[];
  corsHeaders: string[];
  headers: Record<string, HeaderRule[]>;
}

interface RouterYaml {
  supergraph?: { listen?: string };
  cors?: { policies?: { origins?: string[]; allow_headers?: string[] }[] };
  headers?: { subgraphs?: Record<string, { request?: HeaderRule[] }> };
}

export function readSupergraphConfig(file = path.join(ROOT, 'supergraph.yaml')): SupergraphConfig {
  return YAML.parse(readFileSync(file, 'utf8')) as SupergraphConfig;
}

export function readRouterPolicy(file = path.join(ROOT, 'router.yaml')): RouterPolicy {
  const doc = YAML.parse(readFileSync(file, 'utf8')) as RouterYaml;
  const policies = doc.cors?.policies ?? [];
  return {
    listen: doc.supergraph?.listen ?? '127.0.0.1:4000',
    corsOrigins: policies.flatMap((p) => p.origins ?? []),
    corsHeaders: policies.flatMap((p) => p.allow_headers ?? []),
    headers: Object.fromEntries(
      Object.entries(doc.headers?.subgraphs ?? {}).map(([name, rules]) => [name, rules.request ?? []]),
    ),
  };
}

/**
 * Composes the supergraph from the schema files supergraph.yaml names, routed
 * to `routingUrls` where given (the ports a test picked) and to the file's
 * `routing_url` otherwise. Throws with composition's messages when it fails.
 */
export function composeSupergraph(config: SupergraphConfig, routingUrls: Record<string, string> = {}): string {
  const services = Object.entries(config.subgraphs).map(([name, subgraph]) => ({
    name,
    url: routingUrls[name] ?? subgraph.routing_url,
    typeDefs: parse(readFileSync(path.resolve(ROOT, subgraph.schema.file), 'utf8')),
  }));
  const result = composeServices(services);
  if (result.errors) throw new Error(`Composition failed:\n${result.errors.map((e) => e.message).join('\n')}`);
  return result.supergraphSdl;
}

/** `${env.NAME}` expanded the way Apollo Router expands it; undefined when the variable is unset. */
function expand(value: string, env: NodeJS.ProcessEnv): string | undefined {
  let missing = false;
  const out = value.replace(/\$\{env\.([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
    const v = env[name];
    if (v === undefined || v === '') missing = true;
    return v ?? '';
  });
  return missing ? undefined : out;
}

/** The gateway's request context: the client's headers, for the propagate rules. */
interface GatewayContext {
  headers: http.IncomingHttpHeaders;
}

/** CORS for the origins router.yaml allows; other origins get no CORS headers, so browsers refuse them. */
function corsFor(policy: RouterPolicy): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin && policy.corsOrigins.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Vary', 'Origin');
      if (req.method === 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
        res.setHeader('Access-Control-Allow-Headers', policy.corsHeaders.join(', '));
        res.status(204).end();
        return;
      }
    }
    next();
  };
}

const DEFAULT_QUERY = `# The local supergraph: products (examples/products-subgraph) + product-media.
# One query, two subgraphs: the name comes from products, the media from product-media.
query ProductWithMedia {
  product(id: "1") {
    id
    name
    priceCents
    thumbnail { url }
    images { id status url variants { kind url } }
    files { fileName downloadUrl }
  }
}

# Then ask for an upload URL (PUT the bytes to it; see examples/frontend-client).
mutation RequestUpload {
  requestImageUpload(input: { productId: "1", contentType: "image/png" }) {
    image { id status }
    upload { url method headers { name value } expiresAt }
    userErrors { code message }
  }
}
`;

export interface GatewayOptions {
  port: number;
  host?: string;
  /** Where each subgraph really listens, by supergraph.yaml name. */
  routingUrls?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
  supergraph?: SupergraphConfig;
  policy?: RouterPolicy;
  /** Where Apollo's and the gateway's own lines go (pino, as the subgraph's); by default Apollo's console logger. */
  logger?: Logger;
}

export interface RunningGateway {
  url: string;
  stop(): Promise<void>;
}

/** Starts the gateway with a GraphiQL page at `GET /graphql` (and `/`), working with no internet access. */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const env = options.env ?? process.env;
  const policy = options.policy ?? readRouterPolicy();
  const supergraphSdl = composeSupergraph(options.supergraph ?? readSupergraphConfig(), options.routingUrls);
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger: options.logger,
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource<GatewayContext>({
        url,
        willSendRequest({ request, context }) {
          for (const rule of policy.headers[name] ?? []) {
            if ('insert' in rule) {
              const value = expand(rule.insert.value, env);
              if (value !== undefined) request.http?.headers.set(rule.insert.name, value);
            } else {
              const value = (context as GatewayContext).headers?.[rule.propagate.named.toLowerCase()];
              if (typeof value === 'string') request.http?.headers.set(rule.propagate.named, value);
            }
          }
        },
      }),
  });
  const app = express();
  app.disable('x-powered-by');
  const httpServer = http.createServer(app);
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    logger: options.logger,
    // start.ts stops all three servers on a signal; Apollo's own handler would end the process before the others.
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();
  app.use(corsFor(policy));
  app.get('/', (_req, res) => res.redirect('/graphql'));
  app.use(graphiqlRouter('/graphql', DEFAULT_QUERY));
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, { context: ({ req }) => Promise.resolve({ headers: req.headers }) }),
  );
  await new Promise<void>((resolve) => httpServer.listen(options.port, options.host ?? '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  return { url: `http://${options.host ?? '127.0.0.1'}:${port}`, stop: () => apollo.stop() };
}

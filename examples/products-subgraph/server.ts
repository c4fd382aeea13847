// A small products subgraph for the local supergraph (`npm run supergraph`):
// it owns the Product entity's catalogue fields; product-media adds the media.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { Logger } from '../../src/observability/log';

interface Product {
  id: string;
  name: string;
  priceCents: number;
  currency: string;
}

/** The sample catalogue; ids are the ones product-media is asked about (GraphiQL's examples use "1"). */
export const PRODUCTS: readonly Product[] = [
  { id: '1', name: 'Walnut desk', priceCents: 54900, currency: 'EUR' },
  { id: '2', name: 'Linen lamp shade', priceCents: 3900, currency: 'EUR' },
  { id: '3', name: 'Stoneware mug', priceCents: 1450, currency: 'EUR' },
];

export const PRODUCTS_SCHEMA_FILE = path.join(__dirname, 'schema.graphql');

const byId = (id: string) => PRODUCTS.find((p) => p.id === id) ?? null;

/** A running products subgraph. */
export interface ProductsSubgraph {
  url: string;
  stop(): Promise<void>;
}

/** Starts the products subgraph on `host:port` (port 0 picks a free one); Apollo's notices go to `logger` when given. */
export async function startProductsSubgraph(
  port: number,
  host = '127.0.0.1',
  logger?: Logger,
): Promise<ProductsSubgraph> {
  const schema = buildSubgraphSchema({
    typeDefs: parse(readFileSync(PRODUCTS_SCHEMA_FILE, 'utf8')),
    resolvers: {
      Query: {
        products: () => PRODUCTS,
        product: (_: unknown, args: { id: string }) => byId(args.id),
      },
      Product: {
        __resolveReference: (ref: { id: string }) => byId(ref.id),
      },
    },
  });
  // Whoever started it stops it on a signal (start.ts); Apollo's own handler would end the process first.
  const server = new ApolloServer({
    schema,
    logger,
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginLandingPageDisabled()],
  });
  const { url } = await startStandaloneServer(server, { listen: { port, host } });
  return { url: url.replace(/\/$/, ''), stop: () => server.stop() };
}

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { resolvers } from './resolvers';

/** Folder of the `.graphql` files; found from source (`src/`) and from the build (`dist/`). */
export const SCHEMA_DIR = path.resolve(__dirname, '../../schema');

/** The subgraph's type definitions, as written in `schema/`. */
export function loadTypeDefs(dir = SCHEMA_DIR): DocumentNode {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort();
  return parse(files.map((f) => readFileSync(path.join(dir, f), 'utf8')).join('\n'));
}

/** The executable federation v2 subgraph schema. */
export function buildSchema(): GraphQLSchema {
  return buildSubgraphSchema([{ typeDefs: loadTypeDefs(), resolvers: resolvers as GraphQLResolverMap<unknown> }]);
}

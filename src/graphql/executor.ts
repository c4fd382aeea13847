import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import { execute, GraphQLError, OperationTypeNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

type Gateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;
type ExecutorRequest = Parameters<Executor>[0];

/** How one operation was executed: a compiled query from the cache, one compiled for it, or graphql-js. */
export type ExecutionPath = 'compiled-cache-hit' | 'compiled' | 'graphql-js';

/** Compiled documents kept by default (least recently used go first). */
export const DEFAULT_MAX_COMPILED = 500;

/** What {@link compiledExecutor} takes beside the schema. */
export interface CompiledExecutorOptions {
  /** Off: every operation runs through graphql-js, as Apollo would run it (`PipelineTuning.jit` in server.ts). */
  jit?: boolean;
  /** Most compiled documents kept. */
  maxCompiled?: number;
  /** Told how each operation was executed (the metrics count it). */
  observe?: (path: ExecutionPath) => void;
}

/**
 * Apollo marks a request's context with this symbol when a plugin wants
 * per-field hooks (`willResolveField`: federated inline traces, cache control).
 * Those hooks live in graphql-js's field resolvers, so such a request runs there.
 */
const PER_FIELD_HOOKS = 'apolloServerExecutionDispatcherWillResolveField';

function wantsPerFieldHooks(context: object): boolean {
  for (const symbol of Object.getOwnPropertySymbols(context)) if (symbol.description === PER_FIELD_HOOKS) return true;
  return false;
}

/**
 * graphql-jit's errors as graphql-js makes them: graphql-jit leaves out
 * `extensions` when the resolver's error had none, where Apollo's error
 * formatting (and so the masking in protection.ts) expects an object.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const located = new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError ?? undefined,
    extensions: error.extensions,
  });
  return Object.assign(located, { locations: error.locations });
}

/**
 * An Apollo Server `gateway` that serves `schema` as it is (a subgraph, not a
 * supergraph) and executes queries with graphql-jit: each document is compiled
 * once, against `compileSchema` (a second copy of the same schema, which
 * Apollo's per-field instrumentation never wraps), and kept in a bounded LRU.
 * Mutations, requests that need per-field hooks, documents graphql-jit cannot
 * compile, and requests it refuses before running (variable errors, whose
 * wording is graphql-js's) run through graphql-js `execute` on `schema`.
 * Parsing, validation, every plugin and error formatting stay Apollo's.
 */
export function compiledExecutor(
  schema: GraphQLSchema,
  compileSchema: GraphQLSchema,
  { jit = true, maxCompiled = DEFAULT_MAX_COMPILED, observe = () => {} }: CompiledExecutorOptions = {},
): Gateway {
  /** Compiled queries by query hash and operation name; `null` for a document graphql-jit could not compile. */
  const compiled = new Map<string, CompiledQuery | null>();

  const compiledFor = (request: ExecutorRequest): CompiledQuery | null => {
    const key = `${request.request.operationName ?? ''}\0${request.queryHash}`;
    let query = compiled.get(key);
    if (query !== undefined) {
      // Most recently used last: Map keeps insertion order.
      compiled.delete(key);
      compiled.set(key, query);
      if (query) observe('compiled-cache-hit');
      return query;
    }
    let result: CompiledQuery | ExecutionResult | undefined;
    try {
      result = compileQuery<Record<string, unknown>>(
        compileSchema,
        request.document,
        request.request.operationName ?? undefined,
      );
    } catch {
      result = undefined;
    }
    query = result && isCompiledQuery(result) ? result : null;
    compiled.set(key, query);
    if (compiled.size > maxCompiled) compiled.delete(compiled.keys().next().value!);
    if (query) observe('compiled');
    return query;
  };

  const viaGraphqlJs = (request: ExecutorRequest) => {
    observe('graphql-js');
    return execute({
      schema,
      document: request.document,
      operationName: request.request.operationName,
      contextValue: request.context,
      variableValues: request.request.variables,
    });
  };

  const executor: Executor = async (request) => {
    const query =
      // No operation (none of the name asked for): graphql-js answers the error Apollo reports.
      jit && request.operation?.operation === OperationTypeNode.QUERY && !wantsPerFieldHooks(request.context)
        ? compiledFor(request)
        : null;
    if (!query) return viaGraphqlJs(request);
    const result: ExecutionResult = await query.query(undefined, request.context, request.request.variables);
    // Refused before running (bad variables): nothing ran, so graphql-js may answer it in its own words.
    if (result.data === undefined) return viaGraphqlJs(request);
    return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
  };

  let listeners: Parameters<Gateway['onSchemaLoadOrUpdate']>[0][] = [];
  return {
    onSchemaLoadOrUpdate: (listener) => {
      listeners.push(listener);
      return () => (listeners = listeners.filter((l) => l !== listener));
    },
    load: () => {
      // The schema never changes; there is no supergraph, so no supergraph SDL.
      for (const listener of listeners) listener({ apiSchema: schema, coreSupergraphSdl: '' });
      return Promise.resolve({ executor });
    },
    stop: () => Promise.resolve(),
  };
}

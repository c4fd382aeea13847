import type { ApolloServerOptionsWithSchema, ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, Kind, type GraphQLFormattedError, type OperationDefinitionNode } from 'graphql';
import type { GraphQLContext } from './context';
import { RESPONSE_TOO_LARGE } from './response-budget';
import { currentLog } from '../observability/log';

/** Shape limits applied to every operation before it runs; each has an environment variable (see SECURITY.md). */
export interface GraphQLLimits {
  /** Deepest field nesting (introspection excluded). */
  maxDepth: number;
  /** Most aliases in one operation. */
  maxAliases: number;
  /** Most lexical tokens in the document, counted while parsing so a huge document is not parsed whole. */
  maxTokens: number;
  /** Highest static cost (graphql-armor's cost model: objects 2, scalars 1, times 1.5 per level). */
  maxCost: number;
  /** Most directives in one operation. */
  maxDirectives: number;
  /** Most `_entities` representations in one request. */
  maxEntities: number;
}

/** How many representations the operation's `_entities` fields ask for, whatever the variable is called. */
function countRepresentations(
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
): number {
  let count = 0;
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || selection.name.value !== '_entities') continue;
    const argument = selection.arguments?.find((a) => a.name.value === 'representations')?.value;
    if (argument?.kind === Kind.LIST) count += argument.values.length;
    if (argument?.kind === Kind.VARIABLE) {
      const value = variables?.[argument.name.value];
      if (Array.isArray(value)) count += value.length;
    }
  }
  return count;
}

/** Refuses `_entities` calls with more representations than the cap, before any resolver runs. */
function entitiesCap(max: number): ApolloServerPlugin<GraphQLContext> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        didResolveOperation: ({ operation, request }) => {
          if (operation && countRepresentations(operation, request.variables) > max) {
            throw new GraphQLError(`At most ${max} entity representations per request`, {
              extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
            });
          }
          return Promise.resolve();
        },
      }),
  };
}

/**
 * Error codes whose messages are written for clients: Apollo's request errors
 * and the contract's typed query errors. Anything else is an unexpected failure
 * whose message may carry internal paths or a provider's words, so it is masked.
 */
export const CLIENT_FACING_CODES: ReadonlySet<string> = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'UNAUTHENTICATED',
  'INVALID_ID',
  'INVALID_INPUT',
  RESPONSE_TOO_LARGE,
]);

/** What a client sees of an unexpected failure. */
export const MASKED_MESSAGE = 'Internal server error';

/**
 * Keeps client-facing errors as they are (minus anything but their code and
 * documented extensions) and replaces the rest with a generic message; the
 * original goes to the log, which the operator can read and the client cannot.
 */
export function maskError(formatted: GraphQLFormattedError, original: unknown): GraphQLFormattedError {
  const code = typeof formatted.extensions?.code === 'string' ? formatted.extensions.code : undefined;
  if (code && CLIENT_FACING_CODES.has(code)) {
    const extensions = { ...formatted.extensions };
    delete extensions.stacktrace;
    delete extensions.exception;
    return { ...formatted, extensions };
  }
  const cause = original instanceof GraphQLError && original.originalError ? original.originalError : original;
  currentLog().error(
    { path: formatted.path, error: cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause) },
    'unexpected error in a GraphQL request',
  );
  return {
    message: MASKED_MESSAGE,
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  };
}

type ProtectionOptions = Pick<
  ApolloServerOptionsWithSchema<GraphQLContext>,
  | 'plugins'
  | 'validationRules'
  | 'introspection'
  | 'hideSchemaDetailsFromClientErrors'
  | 'allowBatchedHttpRequests'
  | 'includeStacktraceInErrorResponses'
  | 'formatError'
  | 'csrfPrevention'
  | 'parseOptions'
>;

/**
 * The Apollo Server options that keep hostile operations out: graphql-armor's
 * depth, alias, token, cost and directive limits, the `_entities` cap, no
 * batching, CSRF prevention, masked errors; in production also no
 * introspection and no "did you mean" suggestions.
 */
export function graphqlProtection(
  limits: GraphQLLimits,
  production: boolean,
  { armor: withArmor = true }: { armor?: boolean } = {},
): ProtectionOptions {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth },
    maxAliases: { n: limits.maxAliases },
    // graphql-js counts tokens itself (`parseOptions` below) and answers 400; armor's counter throws before
    // Apollo's parse step, which Apollo reports as a 500.
    maxTokens: { enabled: false },
    costLimit: { maxCost: limits.maxCost },
    maxDirectives: { n: limits.maxDirectives },
    // Apollo's own `hideSchemaDetailsFromClientErrors` below removes suggestions more cleanly.
    blockFieldSuggestion: { enabled: false },
  }).protect();
  return {
    plugins: [
      ...(withArmor ? (armor.plugins as ApolloServerPlugin<GraphQLContext>[]) : []),
      entitiesCap(limits.maxEntities),
    ],
    validationRules: withArmor ? armor.validationRules : [],
    introspection: !production,
    hideSchemaDetailsFromClientErrors: production,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    parseOptions: { maxTokens: limits.maxTokens },
    formatError: (formatted, original) => maskError(formatted, original),
  };
}

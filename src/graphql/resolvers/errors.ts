import { GraphQLError } from 'graphql';
import { MalformedRequestError, type MediaError, type Result } from '../../domain/errors';

/** A mutation payload from a result: the value's fields on success, the error in `userErrors` otherwise. */
export function payload<T, P extends object>(result: Result<T>, onSuccess: (value: T) => P) {
  return result.ok ? { ...onSuccess(result.value), userErrors: [] } : { userErrors: [result.error] };
}

/** The `userErrors` of an outcome that holds its result beside an error (a confirmation whose bytes failed the checks, a reorder a remote provider stopped). */
export function userErrorsOf(outcome: { error?: MediaError }): MediaError[] {
  return outcome.error ? [outcome.error] : [];
}

/** Queries have no `userErrors`: a malformed id is a typed GraphQL error (code INVALID_ID), never a server error. */
export function invalidIdError(argument: string): GraphQLError {
  return new GraphQLError(`${argument} is not a valid id`, {
    extensions: { code: 'INVALID_ID', argumentName: argument },
  });
}

/** Runs `fn`; a malformed request found on the way (a broken multipart file part) becomes an HTTP 400 GraphQL error. */
export async function asBadRequest<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof MalformedRequestError)) throw err;
    throw new GraphQLError(err.message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
  }
}

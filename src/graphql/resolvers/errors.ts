import { GraphQLError } from 'graphql';
import type { Result } from '../../domain/errors';

/** A mutation payload from a result: the value's fields on success, the error in `userErrors` otherwise. */
export function payload<T, P extends object>(result: Result<T>, onSuccess: (value: T) => P) {
  return result.ok ? { ...onSuccess(result.value), userErrors: [] } : { userErrors: [result.error] };
}

/** Queries have no `userErrors`: a malformed id is a typed GraphQL error (code INVALID_ID), never a server error. */
export function invalidIdError(argument: string): GraphQLError {
  return new GraphQLError(`${argument} is not a valid id`, {
    extensions: { code: 'INVALID_ID', argumentName: argument },
  });
}

/**
 * The rule for integers the subgraph stores and hands out (contract section 6):
 * every one must fit GraphQL's `Int`, and `ordering` is a position from 0 up.
 */

/** GraphQL's `Int` is a signed 32-bit integer. */
export const GRAPHQL_INT_MAX = 2_147_483_647;
/** Largest `ordering`; the next image after it gets the same value, never more. */
export const MAX_ORDERING = GRAPHQL_INT_MAX;

/** Whether a client may ask for this `ordering`: a whole number from 0 to {@link MAX_ORDERING}. */
export function isValidOrdering(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= MAX_ORDERING;
}

/** An ordering a provider reported, brought inside 0..{@link MAX_ORDERING}. */
export function clampOrdering(value: number): number {
  if (!Number.isFinite(value)) return value > 0 ? MAX_ORDERING : 0;
  return Math.min(Math.max(Math.round(value), 0), MAX_ORDERING);
}

/** A size a provider reported (width, height, bytes), or null when GraphQL's `Int` cannot carry it. */
export function asGraphQLInt(value: number | null | undefined): number | null | undefined {
  if (value === null || value === undefined) return value;
  return Number.isInteger(value) && Math.abs(value) <= GRAPHQL_INT_MAX ? value : null;
}

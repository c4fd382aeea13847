import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';
import { currentLog } from '../observability/log';

/** The error code of a response refused for its size. */
export const RESPONSE_TOO_LARGE = 'RESPONSE_TOO_LARGE';

/** What a value the estimate cannot see (a computed URL, a nested object) is taken to cost, in bytes. */
const UNSEEN_VALUE_BYTES = 160;

/**
 * Bounds the size of one GraphQL response (`MEDIA_MAX_RESPONSE_BYTES`,
 * contract section 6). The lists whose length a client does not choose
 * (`Product.images`, `Product.files`) are charged, as they resolve, with an
 * estimate of their JSON size for the fields selected; once the estimate
 * passes the limit, every further charge throws and the response is replaced
 * by one `RESPONSE_TOO_LARGE` error ({@link responseBudgetPlugin}), so memory
 * stays near the limit however many representations name a large product.
 */
export class ResponseBudget {
  private spent = 0;
  /**
   * Estimates by record and selection, for this request: a product named many
   * times is measured once. Per request, not global: the records are the
   * request's own (its DataLoaders'), and a global WeakMap of every record ever
   * measured made the garbage collector walk it on every collection.
   */
  private readonly estimates = new Map<object, Map<SelectionSetNode | undefined, number>>();
  /** True once the estimate passed the limit. */
  exceeded = false;

  constructor(readonly maxBytes: number) {}

  /**
   * Charges a resolved list for every selection of its field (a query may
   * select `images` several times under one response key; each renders);
   * throws `RESPONSE_TOO_LARGE` once the budget is spent.
   */
  chargeList(items: readonly object[], info: GraphQLResolveInfo): void {
    if (!this.exceeded) {
      for (const node of info.fieldNodes) {
        for (const item of items) this.spent += this.estimate(item, node.selectionSet, info.fragments);
      }
      this.exceeded = this.spent > this.maxBytes;
    }
    if (this.exceeded) throw this.error();
  }

  private estimate(
    item: object,
    selection: SelectionSetNode | undefined,
    fragments: Record<string, FragmentDefinitionNode>,
  ): number {
    let bySelection = this.estimates.get(item);
    if (!bySelection) this.estimates.set(item, (bySelection = new Map<SelectionSetNode | undefined, number>()));
    let bytes = bySelection.get(selection);
    if (bytes === undefined) {
      bytes = estimateValue(item, selection, fragments);
      bySelection.set(selection, bytes);
    }
    return bytes;
  }

  error(): GraphQLError {
    return new GraphQLError(
      `The response would be larger than ${this.maxBytes} bytes (MEDIA_MAX_RESPONSE_BYTES); ask for fewer entities or fields`,
      { extensions: { code: RESPONSE_TOO_LARGE } },
    );
  }
}

/** The JSON size of `value` as the selection would render it, roughly (keys, quotes and commas counted). */
function estimateValue(
  value: unknown,
  selection: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
): number {
  if (value === null || value === undefined) return 4;
  // UTF-8 bytes, as the response is sent; control characters are escaped as \uXXXX.
  if (typeof value === 'string') return Buffer.byteLength(value) + 2 + countControls(value) * 5;
  if (typeof value === 'number') return 12;
  if (typeof value === 'boolean') return 5;
  if (Array.isArray(value)) {
    // A frozen list is shared by every request that reads it (an image's variants, parsed once by the index):
    // measured once per selection, like the records of one request.
    if (!Object.isFrozen(value)) return estimateList(value, selection, fragments);
    let bySelection = sharedListEstimates.get(value);
    if (!bySelection) sharedListEstimates.set(value, (bySelection = new Map<SelectionSetNode | undefined, number>()));
    let bytes = bySelection.get(selection);
    if (bytes === undefined) bySelection.set(selection, (bytes = estimateList(value, selection, fragments)));
    return bytes;
  }
  if (!selection) return UNSEEN_VALUE_BYTES;
  let bytes = 2;
  for (const field of selectedFields(selection, fragments)) {
    const key = field.alias?.value ?? field.name.value;
    const own = (value as Record<string, unknown>)[field.name.value];
    bytes += key.length + 4;
    bytes += own === undefined ? UNSEEN_VALUE_BYTES : estimateValue(own, field.selectionSet, fragments);
  }
  return bytes;
}

/** Estimates of frozen (shared) lists, by selection; they go when the list goes. */
const sharedListEstimates = new WeakMap<readonly unknown[], Map<SelectionSetNode | undefined, number>>();

function estimateList(
  list: readonly unknown[],
  selection: SelectionSetNode | undefined,
  fragments: Record<string, FragmentDefinitionNode>,
): number {
  return 2 + list.reduce<number>((sum, element) => sum + estimateValue(element, selection, fragments) + 1, 0);
}

function countControls(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20 || text.charCodeAt(i) === 0x22) count++;
  return count;
}

/** The fields of each selection, flattened once per document (its nodes live as long as Apollo caches it). */
const fieldsOfSelection = new WeakMap<SelectionSetNode, FieldNode[]>();

function selectedFields(selection: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>): FieldNode[] {
  let fields = fieldsOfSelection.get(selection);
  if (!fields) fieldsOfSelection.set(selection, (fields = flattenFields(selection, fragments)));
  return fields;
}

function flattenFields(selection: SelectionSetNode, fragments: Record<string, FragmentDefinitionNode>): FieldNode[] {
  const fields: FieldNode[] = [];
  for (const node of selection.selections) {
    if (node.kind === Kind.FIELD) fields.push(node);
    else if (node.kind === Kind.INLINE_FRAGMENT) fields.push(...flattenFields(node.selectionSet, fragments));
    else {
      const fragment = fragments[node.name.value];
      if (fragment) fields.push(...flattenFields(fragment.selectionSet, fragments));
    }
  }
  return fields;
}

/** Replaces a response whose budget ran out with one `RESPONSE_TOO_LARGE` error and no data. */
export function responseBudgetPlugin<C extends { budget: ResponseBudget }>(): ApolloServerPlugin<C> {
  return {
    requestDidStart: () =>
      Promise.resolve({
        willSendResponse: ({ response, contextValue }) => {
          if (contextValue.budget.exceeded && response.body.kind === 'single') {
            // One line per refused request, not one per resolver that hit the limit.
            currentLog().info({ maxResponseBytes: contextValue.budget.maxBytes }, 'response refused as too large');
            response.body.singleResult = { errors: [contextValue.budget.error()] };
          }
          return Promise.resolve();
        },
      }),
  };
}

import { type DocumentNode, type GraphQLSchema, getOperationAST, getVariableValues } from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';

/** Which executor runs queries (GRAPHQL_EXECUTOR): graphql-jit's compiled functions, or graphql-js. */
export type GraphQLExecutor = 'jit' | 'graphql-js';

/** Compiled queries kept; beyond this the least recently used is compiled again when it returns. */
const MAX_COMPILED = 1_000;

type Compiled = CompiledQuery['query'] | null;

/**
 * Runs queries with graphql-jit, which compiles each document into a function
 * once and then skips graphql-js's per-field interpretation: a page of 50
 * bindings with ten fields each resolves 500 leaves, and that interpretation
 * was the largest cost left in a GraphQL request (`npm --prefix bench run cpu`
 * compares the executors, GRAPHQL_EXECUTOR=graphql-js switching back).
 *
 * graphql-js stays the reference, and answers whatever jit might word
 * differently: mutations and subscriptions, variables that do not fit their
 * types, documents jit cannot compile, and any result with errors (a query
 * only reads, so answering it again is safe; the per-request loaders already
 * hold what the first run read). The suites compare every query they send
 * under both executors (test/helpers/app.ts).
 */
export function jitExecutorPlugin(schema: GraphQLSchema): Plugin {
  // Keyed by document: yoga hands out the same parsed document for the same text.
  const compiled = new LruMap<DocumentNode, Map<string, Compiled>>(MAX_COMPILED);
  const compile = (document: DocumentNode, operationName: string | undefined): Compiled => {
    let byOperation = compiled.get(document);
    if (!byOperation) compiled.set(document, (byOperation = new Map()));
    const key = operationName ?? '';
    let query = byOperation.get(key);
    if (query === undefined) {
      const result = compileQuery(schema, document, operationName);
      query = isCompiledQuery(result) ? result.query.bind(result) : null;
      byOperation.set(key, query);
    }
    return query;
  };
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      if (args.schema !== schema) return;
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'query') return;
      const query = compile(args.document, args.operationName ?? undefined);
      if (!query) return;
      const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], args.variableValues ?? {});
      if (coerced.errors) return;
      setExecuteFn(async (executionArgs) => {
        const result = await query(executionArgs.rootValue, executionArgs.contextValue, executionArgs.variableValues);
        if (!result.errors?.length) return result;
        return executeFn(executionArgs);
      });
    },
  };
}

/** A Map that forgets its least recently used entry beyond `max`. */
class LruMap<K, V> {
  readonly #entries = new Map<K, V>();
  constructor(readonly max: number) {}

  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.max) this.#entries.delete(this.#entries.keys().next().value as K);
  }
}

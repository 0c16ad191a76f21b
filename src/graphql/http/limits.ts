/**
 * Limits on GraphQL documents, checked before anything executes (so before any
 * SQL beyond the credential check, if the credential is not cached): tokens while parsing, then depth, aliases
 * and directives as validation rules (graphql-armor), then the cost of the
 * chosen operation with its variables (Pothos complexity, where a connection
 * counts `first`/`last` times what it selects).
 */
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { createComplexityRule } from '@pothos/plugin-complexity';
import { type DocumentNode, GraphQLError, type GraphQLSchema, type ValidationContext, validate } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Limits } from '../../platform/config.js';
import { PRICING_CONTEXT } from '../schema/builder.js';

/** Directives one document may use (@include/@skip are all our schema has); not configurable. */
export const MAX_DIRECTIVES = 50;

type DocumentLimits = Pick<Limits, 'graphqlMaxDepth' | 'graphqlMaxAliases' | 'graphqlMaxTokens' | 'graphqlMaxCost'>;

export function graphqlLimitPlugins(schema: GraphQLSchema, limits: DocumentLimits): Plugin[] {
  // graphql-armor throws "Syntax Error: …" out of validation by default; reported
  // as validation errors instead they get yoga's GRAPHQL_VALIDATION_FAILED / 400
  // like any other invalid document.
  const asValidationError = {
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, '')));
      },
    ],
  };
  return [
    // Raised from the parser: GRAPHQL_PARSE_FAILED, "Syntax Error: Token limit of N exceeded."
    maxTokensPlugin({ n: limits.graphqlMaxTokens }),
    // Depth counts fields, not fragments; the introspection query (`__schema`) is exempt.
    maxDepthPlugin({ n: limits.graphqlMaxDepth, flattenFragments: true, ignoreIntrospection: true, ...asValidationError }),
    maxAliasesPlugin({ n: limits.graphqlMaxAliases, ...asValidationError }),
    maxDirectivesPlugin({ n: MAX_DIRECTIVES, ...asValidationError }),
    costLimitPlugin(schema, limits.graphqlMaxCost),
  ];
}

/**
 * The cost depends on the variables (`first: $n`), so it cannot be a cached
 * validation rule (yoga caches validation per document). It is priced right
 * before execution instead, for the operation actually chosen, and the
 * operation does not start when it is over the limit. Prices are remembered
 * per document (yoga hands out the same parsed document for the same text)
 * and variables, since dashboards repeat the same few requests.
 */
function costLimitPlugin(schema: GraphQLSchema, maxCost: number): Plugin {
  const prices = new WeakMap<DocumentNode, Map<string, number>>();
  const price = (document: DocumentNode, variableValues: Record<string, unknown>, operationName: string | undefined) => {
    let byVariables = prices.get(document);
    if (!byVariables) prices.set(document, (byVariables = new Map()));
    const key = JSON.stringify([operationName, variableValues]);
    let cost = byVariables.get(key);
    if (cost === undefined) {
      cost = 0;
      const rule = createComplexityRule({
        variableValues,
        operationName,
        context: PRICING_CONTEXT,
        validate: ({ complexity }) => {
          cost = complexity;
        },
      });
      // Other findings of the rule (bad variable values, an unknown operation
      // name) are left to execution, which reports them in its usual words.
      validate(schema, document, [rule]);
      if (key.length <= MAX_REMEMBERED_KEY_LENGTH) {
        if (byVariables.size >= MAX_PRICES_PER_DOCUMENT) byVariables.clear();
        byVariables.set(key, cost);
      }
    }
    return cost;
  };
  /** The refusal of an operation over the limit (undefined: within it). */
  const refusal = (args: { document: DocumentNode; variableValues?: unknown; operationName?: string | null | undefined }) => {
    const complexity = price(args.document, (args.variableValues ?? {}) as Record<string, unknown>, args.operationName ?? undefined);
    if (complexity <= maxCost) return undefined;
    return {
      errors: [
        new GraphQLError(`Query cost of ${complexity} exceeds the maximum cost of ${maxCost}`, {
          extensions: {
            code: 'COST_LIMIT_EXCEEDED',
            cost: { max: maxCost, actual: complexity },
            // Refused before execution, like an invalid document: 400 under the
            // GraphQL-over-HTTP media type, 200 for application/json clients.
            http: { status: 400, spec: true },
          },
        }),
      ],
    };
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const refused = refusal(args);
      if (refused) setResultAndStopExecution(refused);
    },
    // A subscription is priced once, before it starts: each of its events runs the same selection.
    onSubscribe({ args, setResultAndStopExecution }) {
      const refused = refusal(args);
      if (refused) setResultAndStopExecution(refused);
    },
  };
}

/** Variable sets whose price is remembered per document (a client paging with cursors makes new ones). */
const MAX_PRICES_PER_DOCUMENT = 100;
/** Longer variable sets (e.g. `nodes(ids:)` with many ids) are priced every time rather than kept. */
const MAX_REMEMBERED_KEY_LENGTH = 2048;

import { type DocumentNode, Kind } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { metricsEnabled, NO_OPERATION, operationLabel } from '../../platform/metrics.js';

/** Operation label of each request whose document was parsed, until its response is built. */
const operationByRequest = new WeakMap<Request, string>();
/** Operation label of each response to a parsed document, for the request metrics (see operationOf). */
const operationByResponse = new WeakMap<Response, string>();

/**
 * Remembers the GraphQL operation of each request whose document parsed, for
 * the `operation` label of the request metrics (src/platform/metrics.ts). Last
 * in yoga's plugin list, so that the response it tags is the one yoga returns.
 */
export function metricsPlugin(): Plugin {
  return {
    onParse({ context }) {
      if (!metricsEnabled()) return;
      const { request, params } = context as { request?: Request; params?: { operationName?: string | null } };
      if (!request) return;
      return ({ result }) => {
        if (isDocument(result)) operationByRequest.set(request, operationOf(result, params?.operationName ?? undefined));
      };
    },
    onResponse({ request, response }) {
      const operation = operationByRequest.get(request);
      if (operation !== undefined) operationByResponse.set(response, operation);
    },
  };
}

/** The `operation` label of a response of the GraphQL door: NO_OPERATION unless its document parsed. */
export function operationLabelOf(response: Response): string {
  return operationByResponse.get(response) ?? NO_OPERATION;
}

function isDocument(result: unknown): result is DocumentNode {
  return typeof result === 'object' && result !== null && (result as { kind?: unknown }).kind === Kind.DOCUMENT;
}

/** The label of the operation that `operationName` selects in `document`, as GraphQL selects it; NO_OPERATION when none is. */
function operationOf(document: DocumentNode, operationName: string | undefined): string {
  let selected: { name?: { value: string } | undefined } | undefined;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operationName === undefined) {
      // Without operationName the document must hold exactly one operation.
      if (selected) return NO_OPERATION;
      selected = definition;
    } else if (definition.name?.value === operationName) {
      selected = definition;
      break;
    }
  }
  return selected ? operationLabel(selected.name?.value) : NO_OPERATION;
}

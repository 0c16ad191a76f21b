import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { type DocumentNode, GraphQLError, getOperationAST, Kind, type SelectionSetNode } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { isDatabaseUnavailable, UNAVAILABLE_MESSAGE, UNAVAILABLE_RETRY_AFTER_SECONDS } from '../../db/unavailable.js';
import { BadInputError, DomainError } from '../../domain/errors.js';
import type { FailureLog } from '../../platform/failure-log.js';
import type { Logger } from '../../platform/logger.js';
import type { GraphQLContext } from '../loading/context.js';

/**
 * GET requests and the "simple" POST bodies a cross-site form can send
 * (form-urlencoded, multipart, text/plain) must carry this header; JSON POSTs
 * need not (a browser cannot send them cross-site without a CORS preflight).
 */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';

/** Yoga's CSRF check, refusing with a code and a message that names the header to send. */
export function csrfPreventionPlugin(): Plugin {
  const check = useCSRFPrevention({ requestHeaders: [CSRF_HEADER] }).onRequestParse!;
  return {
    onRequestParse(payload) {
      try {
        check(payload);
      } catch {
        throw new GraphQLError(`Only JSON POST requests may leave out the ${CSRF_HEADER} header (CSRF protection)`, {
          extensions: { code: 'CSRF_HEADER_REQUIRED', http: { status: 403 } },
        });
      }
    },
  };
}

/**
 * Request parsing, with answers that say what to send: a body yoga has no
 * parser for (yoga: a bare 415), and `variables`/`extensions` that are not JSON
 * (yoga: a JSON SyntaxError, which would be masked as an unexpected error).
 */
export function requestParsingPlugin(): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, endResponse }) {
      if (!requestParser) {
        const type = request.headers.get('content-type') ?? 'none';
        endResponse(
          Response.json(
            {
              errors: [
                {
                  message: `Unsupported content type ${JSON.stringify(type.slice(0, 100))}: send application/json`,
                  extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' },
                },
              ],
            },
            { status: 415 },
          ),
        );
        return;
      }
      setRequestParser(async (req) => {
        try {
          return await requestParser(req);
        } catch (err) {
          if (err instanceof GraphQLError && err.extensions.originalError !== undefined) {
            // Yoga's "POST body sent invalid JSON." carries the JSON parser's
            // message as `originalError`, which quotes the body back. Without
            // it, and without yoga's `spec` flag, it stays a 400 under every
            // accepted media type: a body that is not JSON is no GraphQL request.
            throw new GraphQLError(err.message, { extensions: { code: err.extensions.code ?? 'BAD_REQUEST', http: { status: 400 } } });
          }
          if (!(err instanceof SyntaxError)) throw err;
          throw new GraphQLError('The request is not valid JSON: `variables` and `extensions` must be JSON objects', {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        }
      });
    },
  };
}

/**
 * Logs, with the request id, every error that is about to be masked for the
 * client; database outages go to `failures` (once per request), and an
 * operation that read data without any error tells `failures` the database
 * answered.
 */
export function errorLoggingPlugin(logger: Logger, failures: FailureLog): Plugin<GraphQLContext> {
  return {
    onExecute({ args }) {
      return {
        onExecuteDone({ result }) {
          if (Symbol.asyncIterator in result) return;
          const requestId = args.contextValue.requestId;
          let outage: { err: unknown; path: string | undefined } | undefined;
          for (const error of result.errors ?? []) {
            const original = error.originalError;
            if (!original || original instanceof DomainError || original instanceof GraphQLError) continue;
            if (isDatabaseUnavailable(original)) outage ??= { err: original, path: error.path?.join('.') };
            else logger.error('unexpected error in a resolver', { requestId, path: error.path?.join('.'), err: original });
          }
          if (outage) failures.unavailable(outage.err, { requestId, door: 'graphql', path: outage.path });
          else if (failures.failing && !result.errors?.length && readsData(args.document, args.operationName)) failures.available();
        },
      };
    },
  };
}

/**
 * A variable whose value does not fit its type (e.g. a malformed DateTime)
 * fails before execution; graphql-js gives that error no code. It is the
 * client's input at fault, so it gets BAD_USER_INPUT like an invalid argument.
 */
export function variableErrorsPlugin(): Plugin<GraphQLContext> {
  return {
    onExecute() {
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result || result.data !== undefined || !result.errors?.length) return;
          const coded = result.errors.map((error) =>
            error.extensions?.code === undefined && error.nodes?.[0]?.kind === Kind.VARIABLE_DEFINITION
              ? new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, code: 'BAD_USER_INPUT' } })
              : error,
          );
          setResult({ ...result, errors: coded });
        },
      };
    },
  };
}

/**
 * Whether the operation selects anything but `__typename` and introspection
 * at its root (every other root field reads the database): only then does a
 * success tell that the database answered.
 */
function readsData(document: DocumentNode, operationName: string | null | undefined): boolean {
  const operation = getOperationAST(document, operationName);
  if (!operation) return false;
  const fragments = new Map<string, SelectionSetNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition.selectionSet);
  }
  const visited = new Set<string>();
  const selects = (set: SelectionSetNode): boolean =>
    set.selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return !selection.name.value.startsWith('__');
      if (selection.kind === Kind.INLINE_FRAGMENT) return selects(selection.selectionSet);
      const name = selection.name.value;
      if (visited.has(name)) return false;
      visited.add(name);
      const fragment = fragments.get(name);
      return fragment !== undefined && selects(fragment);
    });
  return selects(operation.selectionSet);
}

/** The one error of an answer to a database outage (see serviceUnavailablePlugin). */
const SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE';

/** The answer of the GraphQL door to a database outage, whether a gate or a resolver met it. */
export function serviceUnavailableResponse(ResponseClass: typeof Response = Response): Response {
  return new ResponseClass(JSON.stringify({ errors: [{ message: UNAVAILABLE_MESSAGE, extensions: { code: SERVICE_UNAVAILABLE } }] }), {
    status: 503,
    headers: { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(UNAVAILABLE_RETRY_AFTER_SECONDS) },
  });
}

/**
 * A database outage met anywhere in a request makes the whole answer a 503
 * (serviceUnavailableResponse), under any Accept header: partial data next to
 * it would be a guess, a 200 would tell clients and load balancers that all is
 * well, and a 500 that the gateway itself is at fault. maskError turns the outage into
 * a SERVICE_UNAVAILABLE error; this replaces the result processor yoga chose
 * (so it must come after yoga's own, which it does as a user plugin).
 */
export function serviceUnavailablePlugin(): Plugin {
  return {
    onResultProcess({ result, setResult, setResultProcessor }) {
      if (Array.isArray(result) || isAsyncIterable(result)) return;
      const outage = result.errors?.find((error) => error.extensions?.code === SERVICE_UNAVAILABLE);
      if (!outage) return;
      setResult({ errors: [outage] });
      setResultProcessor((_result, fetchAPI) => serviceUnavailableResponse(fetchAPI.Response), 'application/json');
    },
  };
}

/**
 * The GraphQL words for an error: a domain error keeps its message and gets
 * its code (and a BadInputError the argument or input field at fault, e.g.
 * `input.identity`, as `argument`); GraphQL's own errors pass; anything else
 * is unexpected and only says so (errorLoggingPlugin logged it in full).
 */
export function maskError(error: unknown, message: string): Error {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (!(original instanceof DomainError) && isDatabaseUnavailable(original)) {
    // serviceUnavailablePlugin answers the whole request with it.
    return new GraphQLError(UNAVAILABLE_MESSAGE, {
      extensions: { code: SERVICE_UNAVAILABLE, http: { status: 503, headers: { 'retry-after': String(UNAVAILABLE_RETRY_AFTER_SECONDS) } } },
    });
  }
  if (original instanceof DomainError && error instanceof GraphQLError) {
    const argument = original instanceof BadInputError ? original.argument : undefined;
    return new GraphQLError(original.message, {
      nodes: error.nodes,
      path: error.path,
      extensions: argument === undefined ? { code: original.code } : { code: original.code, argument },
    });
  }
  if (error instanceof GraphQLError && (!original || original instanceof GraphQLError)) return error;
  return new GraphQLError(message, {
    ...(error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR' },
  });
}

import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { BadInputError, DomainError } from '../../domain/errors.js';
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
          if (!(err instanceof SyntaxError)) throw err;
          throw new GraphQLError('The request is not valid JSON: `variables` and `extensions` must be JSON objects', {
            extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
          });
        }
      });
    },
  };
}

/** Logs, with the request id, every error that is about to be masked for the client. */
export function errorLoggingPlugin(logger: Logger): Plugin<GraphQLContext> {
  return {
    onExecute({ args }) {
      return {
        onExecuteDone({ result }) {
          if (Symbol.asyncIterator in result) return;
          for (const error of result.errors ?? []) {
            const original = error.originalError;
            if (original && !(original instanceof DomainError) && !(original instanceof GraphQLError)) {
              logger.error('unexpected error in a resolver', {
                requestId: args.contextValue.requestId,
                path: error.path?.join('.'),
                err: original,
              });
            }
          }
        },
      };
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

import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { GraphQLError } from 'graphql';
import { createYoga, type Plugin, renderGraphiQL, type YogaServerInstance } from 'graphql-yoga';
import type { Caller } from '../../security/auth.js';
import type { Limits } from '../../platform/config.js';
import type { DataContext } from '../../domain/data-context.js';
import { DomainError } from '../../domain/errors.js';
import type { Logger } from '../../platform/logger.js';
import { requestIdOf } from '../../platform/request-id.js';
import { createLoaders, type GraphQLContext } from '../loading/context.js';
import { graphqlLimitPlugins } from './limits.js';
import { schema } from '../schema/index.js';

export const GRAPHQL_PATH = '/graphql';

/**
 * GET requests and the "simple" POST bodies a cross-site form can send
 * (form-urlencoded, multipart, text/plain) must carry this header; JSON POSTs
 * need not (a browser cannot send them cross-site without a CORS preflight).
 */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';

export interface YogaOptions {
  data: DataContext;
  logger: Logger;
  limits: Limits;
  /** The request's authenticated caller, or null (shared with the other gates, so it runs once). */
  callerOf: (request: Request) => Promise<Caller | null>;
}

export type GatewayYoga = YogaServerInstance<Record<string, never>, GraphQLContext>;

/** Builds the GraphQL endpoint (it never listens: app.ts routes to it, after the body limit and the other gates). */
export function createGatewayYoga({ data, logger, limits, callerOf }: YogaOptions): GatewayYoga {
  return createYoga<Record<string, never>, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    // One operation per request (an array body is refused).
    batching: false,
    // app.ts has already read the body within limits.maxBodyBytes (limitBody);
    // yoga's own limit would stream it a second time, through a pipeline and
    // an AbortController per request (an authenticated `{ __typename }` cost
    // 289 µs of CPU with it, 162 without).
    maxRequestBodySize: false,
    // No cross-origin access: yoga's default CORS would echo any Origin with
    // credentials allowed. Clients are servers and same-origin GraphiQL.
    cors: false,
    graphiql: {
      title: 'Bindings gateway',
      defaultQuery: DEFAULT_QUERY,
      // GraphiQL POSTs JSON; the header keeps it working should it use GET.
      additionalHeaders: { [CSRF_HEADER]: 'graphiql' },
    },
    // Yoga's page, with an inline icon instead of one from raw.githubusercontent.com.
    renderGraphiQL: (options) => renderGraphiQL(options).replace(/<link rel=icon [^>]*>/, `<link rel=icon href="${FAVICON}">`),
    logging: {
      debug: (...args) => logger.debug(String(args[0])),
      info: (...args) => logger.info(String(args[0])),
      warn: (...args) => logger.warn(String(args[0])),
      // Unexpected errors are logged with their request id by errorLoggingPlugin.
      error: (...args) => logger.debug(String(args[0])),
    },
    plugins: [
      requestIdPlugin(),
      csrfPreventionPlugin(),
      requestParsingPlugin(),
      // GRAPHQL_INTROSPECTION=false: no __schema/__type, and no "Did you mean …?" hints either.
      ...(limits.graphqlIntrospection ? [] : [useDisableIntrospection(), blockFieldSuggestionsPlugin({ mask: '' })]),
      ...graphqlLimitPlugins(schema, limits),
      errorLoggingPlugin(logger),
    ],
    maskedErrors: {
      maskError(error, message) {
        const original = error instanceof GraphQLError ? error.originalError : error;
        if (original instanceof DomainError && error instanceof GraphQLError) {
          return new GraphQLError(original.message, {
            nodes: error.nodes,
            path: error.path,
            extensions: { code: original.code },
          });
        }
        if (error instanceof GraphQLError && (!original || original instanceof GraphQLError)) return error;
        return new GraphQLError(message, {
          ...(error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {}),
          extensions: { code: 'INTERNAL_SERVER_ERROR' },
        });
      },
    },
    context: async ({ request }): Promise<GraphQLContext> => {
      const requestId = requestIdOf(request);
      let caller;
      try {
        caller = await callerOf(request);
      } catch (err) {
        logger.error('authentication failed unexpectedly', { requestId, err });
        throw new GraphQLError('Unexpected error.', { extensions: { code: 'INTERNAL_SERVER_ERROR', http: { status: 503 } } });
      }
      if (!caller) {
        throw new GraphQLError('Authentication required: HTTP Basic with AccountSid:AuthToken', {
          extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="bindings-gateway"' } } },
        });
      }
      return { caller, data, loaders: createLoaders(data, caller), requestId };
    },
  });
}

/** Gives every request an id (kept from a sane incoming X-Request-Id) and returns it in the response. */
function requestIdPlugin(): Plugin {
  return {
    onRequest({ request }) {
      requestIdOf(request);
    },
    onResponse({ request, response }) {
      // Also for responses that earlier plugins (GraphiQL) ended before our onRequest ran.
      response.headers.set('x-request-id', requestIdOf(request));
    },
  };
}

/** Yoga's CSRF check, refusing with a code and a message that names the header to send. */
function csrfPreventionPlugin(): Plugin {
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
function requestParsingPlugin(): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, endResponse }) {
      if (!requestParser) {
        const type = request.headers.get('content-type') ?? 'none';
        endResponse(
          Response.json(
            { errors: [{ message: `Unsupported content type ${JSON.stringify(type.slice(0, 100))}: send application/json`, extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }] },
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
function errorLoggingPlugin(logger: Logger): Plugin<GraphQLContext> {
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

const FAVICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#e10098"/></svg>',
)}`;

export const DEFAULT_QUERY = `# Set the Authorization header below (Headers tab), e.g.
# { "Authorization": "Basic <base64 of AccountSid:AuthToken>" }
# npm start prints the exact line for the demo account.

query FirstBindings {
  services(first: 5) {
    totalCount
    nodes {
      sid
      friendlyName
      bindings(first: 10, bindingType: [APN, FCM]) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges {
          node { sid identity bindingType endpoint messageTypes user { sid } credential { type } }
        }
      }
    }
  }
}
`;

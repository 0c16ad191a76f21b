import { GraphQLError } from 'graphql';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Caller } from '../auth.js';
import type { Limits } from '../config.js';
import type { DataContext } from '../domain/data-context.js';
import { DomainError } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import { requestIdOf } from '../request-id.js';
import { createLoaders, type GraphQLContext } from './context.js';
import { schema } from './schema.js';

export const GRAPHQL_PATH = '/graphql';

export interface YogaOptions {
  data: DataContext;
  logger: Logger;
  limits: Limits;
  /** The request's authenticated caller, or null (shared with the other gates, so it runs once). */
  callerOf: (request: Request) => Promise<Caller | null>;
}

export type GatewayYoga = YogaServerInstance<Record<string, never>, GraphQLContext>;

/** Builds the GraphQL endpoint (it never listens; server.ts mounts it, tests call `yoga.fetch`). */
export function createGatewayYoga({ data, logger, callerOf }: YogaOptions): GatewayYoga {
  return createYoga<Record<string, never>, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    graphiql: {
      title: 'Bindings gateway',
      defaultQuery: DEFAULT_QUERY,
    },
    logging: {
      debug: (...args) => logger.debug(String(args[0])),
      info: (...args) => logger.info(String(args[0])),
      warn: (...args) => logger.warn(String(args[0])),
      // Unexpected errors are logged with their request id by errorLoggingPlugin.
      error: (...args) => logger.debug(String(args[0])),
    },
    plugins: [requestIdPlugin(), errorLoggingPlugin(logger)],
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

const DEFAULT_QUERY = `# Set the Authorization header below (Headers tab), e.g.
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

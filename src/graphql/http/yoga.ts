import { useOpenTelemetry } from '@envelop/opentelemetry';
import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { SpanKind, trace } from '@opentelemetry/api';
import { GraphQLError } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { DataContext } from '../../domain/data-context.js';
import type { BindingEventHub } from '../../events/hub.js';
import type { Limits } from '../../platform/config.js';
import type { FailureLog } from '../../platform/failure-log.js';
import type { RequestFacts } from '../../platform/front-door.js';
import type { Logger } from '../../platform/logger.js';
import { TRACER_NAME, tracingEnabled } from '../../platform/tracing.js';
import { createLoaders, type GraphQLContext } from '../loading/context.js';
import { schema } from '../schema/index.js';
import { graphiqlPage } from './graphiql.js';
import { type GraphQLExecutor, jitExecutorPlugin } from './jit.js';
import { graphqlLimitPlugins } from './limits.js';
import { metricsPlugin } from './metrics-plugin.js';
import { csrfPreventionPlugin, errorLoggingPlugin, maskError, requestParsingPlugin, serviceUnavailablePlugin, variableErrorsPlugin } from './plugins.js';

export const GRAPHQL_PATH = '/graphql';

export interface YogaOptions {
  data: DataContext;
  /** The process's binding events, for `Subscription.bindingEvents`. */
  events: BindingEventHub;
  logger: Logger;
  /** Where database outages are logged (one per app, shared by the doors). */
  failures: FailureLog;
  limits: Limits;
  /** See GraphQLContext.readAhead (default true). */
  readAhead?: boolean | undefined;
  /** What runs queries (default jit). */
  executor?: GraphQLExecutor | undefined;
}

/** Yoga, with the gates' facts about each request as its server context. */
type GatewayYoga = YogaServerInstance<RequestFacts, GraphQLContext>;

/** Builds the GraphQL endpoint (it never listens: the GraphQL front door hands it requests that passed the gates). */
export function createGatewayYoga({ data, events, logger, failures, limits, readAhead = true, executor = 'jit' }: YogaOptions): GatewayYoga {
  const graphiql = graphiqlPage(GRAPHQL_PATH);
  return createYoga<RequestFacts, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    // One operation per request (an array body is refused).
    batching: false,
    // The body-size gate has already read the body within limits.maxBodyBytes;
    // yoga's own limit would stream it a second time, through a pipeline and
    // an AbortController per request (an authenticated `{ __typename }` cost
    // about 1.8 times the CPU with it: bench/cpu.mjs).
    maxRequestBodySize: false,
    // No cross-origin access: yoga's default CORS would echo any Origin with
    // credentials allowed. Clients are servers and same-origin GraphiQL.
    cors: false,
    ...graphiql.options,
    logging: {
      debug: (...args) => logger.debug(String(args[0])),
      info: (...args) => logger.info(String(args[0])),
      warn: (...args) => logger.warn(String(args[0])),
      // Unexpected errors are logged with their request id by errorLoggingPlugin.
      error: (...args) => logger.debug(String(args[0])),
    },
    plugins: [
      // GraphiQL's scripts and stylesheet (GET /graphql/graphiql/…), before any GraphQL handling.
      graphiql.plugin,
      csrfPreventionPlugin(),
      requestParsingPlugin(),
      // GRAPHQL_INTROSPECTION=false: no __schema/__type, and no "Did you mean …?" hints either.
      ...(limits.graphqlIntrospection ? [] : [useDisableIntrospection(), blockFieldSuggestionsPlugin({ mask: '' })]),
      ...graphqlLimitPlugins(schema, limits),
      errorLoggingPlugin(logger, failures),
      variableErrorsPlugin(),
      serviceUnavailablePlugin(),
      metricsPlugin(),
      ...(executor === 'jit' ? [jitExecutorPlugin(schema)] : []),
      // The operation's span, inside the request's (src/platform/tracing.ts). No
      // variables, results or per-field spans: they may carry tenant data, and
      // a span per field would cost more than the field.
      ...(tracingEnabled()
        ? [useOpenTelemetry({ resolvers: false, variables: false, result: false }, trace.getTracerProvider(), SpanKind.INTERNAL, {}, TRACER_NAME)]
        : []),
    ],
    maskedErrors: { maskError },
    context: ({ caller, requestId }): GraphQLContext => {
      if (!caller) {
        throw new GraphQLError('Authentication required: HTTP Basic with AccountSid:AuthToken', {
          extensions: { code: 'UNAUTHENTICATED', http: { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="bindings-gateway"' } } },
        });
      }
      return { caller, data, events, loaders: createLoaders(data, caller), requestId, readAhead };
    },
  });
}

import type { Database } from './db/database.js';
import { serverSecret } from './db/server-secrets.js';
import { isDatabaseUnavailable } from './db/unavailable.js';
import type { DataContext } from './domain/data-context.js';
import { CursorCodec } from './domain/paging.js';
import { BindingEventHub } from './events/hub.js';
import { createGraphQLDoor } from './graphql/http/door.js';
import type { GraphQLExecutor } from './graphql/http/jit.js';
import { operationLabelOf } from './graphql/http/metrics-plugin.js';
import { GRAPHQL_PATH } from './graphql/http/yoga.js';
import { DEFAULT_LIMITS, DEFAULT_RATE_LIMIT, type Limits } from './platform/config.js';
import { createFailureLog } from './platform/failure-log.js';
import type { FrontDoor, Refusal, RequestFacts } from './platform/front-door.js';
import { createHealth } from './platform/health.js';
import type { Logger } from './platform/logger.js';
import {
  addMetricsSource,
  enableMetrics,
  METRICS_PATH,
  metricsResponse,
  NO_OPERATION,
  recordRateLimited,
  recordRequest,
  runningImports,
} from './platform/metrics.js';
import { requestIdFrom } from './platform/request-id.js';
import { traceRequest } from './platform/tracing.js';
import { createRestShim } from './rest/shim.js';
import { createAuthenticator } from './security/auth.js';
import { limitBody } from './security/body-limit.js';
import { CREDENTIALS_CHANNEL, CredentialCache } from './security/credential-cache.js';
import { withSecurityHeaders } from './security/headers.js';
import { createRateLimiter, type RateLimiterSettings } from './security/rate-limit.js';
import { redactPath } from './security/redact.js';

export interface App {
  /** Answers any request of the gateway (both front doors), in-process. */
  fetch(request: Request): Promise<Response>;
  /**
   * Readiness turns false and every answer from now on carries
   * `Connection: close`, so clients leave kept-alive connections.
   */
  beginShutdown(): void;
  close(): Promise<void>;
}

export interface AppOptions {
  /** Origin for absolute URLs in REST bodies (PUBLIC_URL); the request's own when unset. */
  publicUrl?: string | undefined;
  limits?: Partial<Limits>;
  /** RATE_LIMIT_* and REDIS_URL settings (DEFAULT_RATE_LIMIT where left out); `requests: 0` turns limiting off. */
  rateLimit?: Partial<RateLimiterSettings>;
  /** GraphQL `service(sid)` reads its first list in the same statement (default true; tests turn it off to compare answers with the plain path). */
  readAhead?: boolean;
  /** METRICS_TOKEN: `/metrics` answers `Authorization: Bearer <token>`; metrics are off (not recorded, 404) when unset. */
  metricsToken?: string | undefined;
  /** GRAPHQL_EXECUTOR (default jit). */
  graphqlExecutor?: GraphQLExecutor;
}

/**
 * Wires the domain layer to the front doors over an opened, migrated database.
 * Every request to a front door passes the same gates first: body size,
 * authentication (once per request; verified credentials are cached while the
 * database notifies every change to them), rate limit per credential. The
 * door gets what the gates found out (RequestFacts) and words their refusals.
 */
export async function createApp(db: Database, logger: Logger, options: AppOptions = {}): Promise<App> {
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const data: DataContext = { prisma: db.prisma, reader: db.reader, cursors: new CursorCodec(await serverSecret(db.prisma, 'cursor-key')) };
  const credentials = new CredentialCache();
  const authenticate = createAuthenticator(db.prisma, { cache: credentials });
  const rateLimiter = createRateLimiter({ ...DEFAULT_RATE_LIMIT, ...options.rateLimit }, logger);
  const failures = createFailureLog(logger);
  // Listens (one connection per process) from the first `bindingEvents` subscription on.
  const events = new BindingEventHub(db, data, logger, {
    maxPerCredential: limits.eventsMaxSubscriptionsPerCredential,
    queueSize: limits.eventsQueueSize,
  });
  const doors: FrontDoor[] = [
    createGraphQLDoor({ data, events, logger, failures, limits, readAhead: options.readAhead, executor: options.graphqlExecutor }),
    createRestShim({ data, logger, failures, publicUrl: options.publicUrl }),
  ];
  const stopListening = await listenForCredentialChanges(db, credentials, events, logger);
  const health = createHealth(() => db.prisma.$queryRaw`SELECT 1`);
  // Metrics are process-wide (see src/platform/metrics.ts): the scrape reads readiness and imports of the latest app.
  const metricsToken = options.metricsToken;
  if (metricsToken !== undefined) enableMetrics();
  const stopMetrics =
    metricsToken === undefined
      ? () => {}
      : addMetricsSource({
          ready: async () => (await health.ready()).status === 200,
          poolStats: db.poolStats,
          runningImports: () => runningImports(db.prisma),
        });

  /** The gates, then the door; a refusal in the door's words. */
  async function pass(door: FrontDoor, request: Request, requestId: string): Promise<Response | Refusal> {
    const bounded = await limitBody(request, limits.maxBodyBytes);
    if (!bounded) return { reason: 'body-too-large', maxBytes: limits.maxBodyBytes };
    const caller = await authenticate(bounded.headers.get('authorization'));
    if (caller) {
      const verdict = await rateLimiter.consume(caller.credentialSid);
      if (!verdict.allowed) {
        recordRateLimited(door.name);
        return { reason: 'rate-limited', retryAfterSeconds: verdict.retryAfterSeconds };
      }
    }
    const facts: RequestFacts = { requestId, caller };
    return door.serve(bounded, facts);
  }

  async function serve(door: FrontDoor | undefined, request: Request, requestId: string): Promise<Response> {
    if (!door) {
      const { pathname } = new URL(request.url);
      // `/health` is the older name of `/livez`, kept for existing probes.
      if (pathname === '/livez' || pathname === '/health') return health.live();
      if (pathname === '/readyz') return health.ready();
      if (pathname === METRICS_PATH) return metricsResponse(request, metricsToken);
      return Response.json({ error: 'not found', graphql: GRAPHQL_PATH }, { status: 404 });
    }
    try {
      const outcome = await pass(door, request, requestId);
      return 'reason' in outcome ? door.refuse(outcome) : outcome;
    } catch (err) {
      // A client that hangs up while its body is read is not the gateway's failure.
      if (request.signal.aborted) logger.debug('client went away before its request was read', { requestId });
      else if (isDatabaseUnavailable(err)) failures.unavailable(err, { requestId, door: door.name });
      else logger.error('request failed before reaching a front door', { requestId, err });
      return door.refuse({ reason: 'unavailable' });
    }
  }

  return {
    async fetch(request) {
      const started = performance.now();
      const requestId = requestIdFrom(request.headers.get('x-request-id'));
      const { pathname } = new URL(request.url);
      const door = doors.find((d) => d.owns(pathname));
      // Probes and scrapes are not traced: only what reaches a front door.
      const response = door
        ? await traceRequest(request, door.name, redactPath(pathname), () => serve(door, request, requestId))
        : await serve(door, request, requestId);
      const operation = door?.name === 'graphql' ? operationLabelOf(response) : NO_OPERATION;
      recordRequest(door?.name ?? 'other', operation, request.method, response.status, (performance.now() - started) / 1000);
      response.headers.set('x-request-id', requestId);
      if (health.shuttingDown) response.headers.set('connection', 'close');
      logger.info('request', {
        requestId,
        method: request.method,
        path: redactPath(pathname),
        status: response.status,
        ms: Math.round(performance.now() - started),
      });
      return withSecurityHeaders(response);
    },
    beginShutdown: () => {
      health.shutDown();
      // Open event streams would hold their connections until the shutdown timeout.
      events.shutDown();
    },
    async close() {
      stopMetrics();
      try {
        await Promise.all([stopListening(), events.close()]);
      } finally {
        await rateLimiter.close();
      }
    },
  };
}

/**
 * Keeps `cache` in use exactly while the database reports every change to
 * accounts and API keys (the credentials_changed trigger), whoever makes it,
 * and has open event streams re-check their credential on every change.
 * Without notifications every request checks the database, as without cache.
 */
async function listenForCredentialChanges(db: Database, cache: CredentialCache, events: BindingEventHub, logger: Logger): Promise<() => Promise<void>> {
  let deaf = false;
  try {
    return await db.listen(CREDENTIALS_CHANNEL, {
      onNotify: () => {
        cache.invalidate();
        events.credentialsChanged();
      },
      onReset: (listening) => {
        cache.setListening(listening);
        // Changes may have been missed while not listening.
        if (listening) events.credentialsChanged();
        if (listening && deaf) logger.info('credential cache on again: listening for credential changes');
        if (listening) deaf = false;
      },
      onError: (err) => {
        if (!deaf) logger.warn('credential cache off: not listening for credential changes, every request checks the database', { err });
        deaf = true;
      },
    });
  } catch (err) {
    cache.setListening(false);
    logger.warn('credential cache off: cannot listen for credential changes, every request checks the database', { err });
    return async () => {};
  }
}

import { type Caller, createAuthenticator } from './security/auth.js';
import { DEFAULT_LIMITS, DEFAULT_RATE_LIMIT, type Limits } from './platform/config.js';
import { CREDENTIALS_CHANNEL, CredentialCache } from './security/credential-cache.js';
import type { Database } from './db/database.js';
import { serverSecret } from './db/server-secrets.js';
import type { DataContext } from './domain/data-context.js';
import { CursorCodec } from './domain/paging.js';
import { createGatewayYoga, GRAPHQL_PATH, type GatewayYoga } from './graphql/http/yoga.js';
import { limitBody } from './security/body-limit.js';
import { withSecurityHeaders } from './security/headers.js';
import type { Logger } from './platform/logger.js';
import { createRateLimiter, type RateLimiter, type RateLimiterSettings } from './security/rate-limit.js';
import { requestIdOf } from './platform/request-id.js';
import { TwilioError } from './rest/errors.js';
import { createRestShim, REST_PREFIX } from './rest/shim.js';

export interface App {
  data: DataContext;
  yoga: GatewayYoga;
  /** Answers any request of the gateway (both front doors), in-process. */
  fetch(request: Request): Promise<Response>;
  close(): Promise<void>;
}

export interface AppOptions {
  /** Origin for absolute URLs in REST bodies (PUBLIC_URL); the request's own when unset. */
  publicUrl?: string | undefined;
  limits?: Partial<Limits>;
  /** RATE_LIMIT_* and REDIS_URL settings (DEFAULT_RATE_LIMIT where left out); `requests: 0` turns limiting off. */
  rateLimit?: Partial<RateLimiterSettings>;
}

type FrontDoor = 'graphql' | 'rest';

/**
 * Wires the domain layer to the front doors over an opened, migrated database.
 * Every request to a front door passes the same gates first: body size,
 * authentication (once per request; verified credentials are cached while the
 * database notifies every change to them), rate limit per credential.
 */
export async function createApp(db: Database, logger: Logger, options: AppOptions = {}): Promise<App> {
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const data: DataContext = { prisma: db.prisma, cursors: new CursorCodec(await serverSecret(db.prisma, 'cursor-key')) };
  const credentials = new CredentialCache();
  const callerOf = createAuthenticator(db.prisma, { cache: credentials });
  const rateLimiter: RateLimiter = createRateLimiter({ ...DEFAULT_RATE_LIMIT, ...options.rateLimit }, logger);
  const yoga = createGatewayYoga({ data, logger, limits, callerOf });
  const rest = createRestShim({ data, logger, publicUrl: options.publicUrl, callerOf, Response: yoga.fetchAPI.Response });
  const stopListening = await listenForCredentialChanges(db, credentials, logger);

  async function route(request: Request, frontDoor: FrontDoor | undefined): Promise<Response> {
    if (!frontDoor) {
      const { pathname } = new URL(request.url);
      if (pathname === '/health') return Response.json({ status: 'ok' });
      return Response.json({ error: 'not found', graphql: GRAPHQL_PATH }, { status: 404 });
    }
    const bounded = await limitBody(request, limits.maxBodyBytes, yoga.fetchAPI);
    if (!bounded) return refuse(frontDoor, 413, `Request body larger than ${limits.maxBodyBytes} bytes`);
    const caller: Caller | null = await callerOf(bounded);
    if (caller) {
      const verdict = await rateLimiter.consume(caller.credentialSid);
      if (!verdict.allowed) {
        return refuse(frontDoor, 429, 'Too many requests for this credential; retry later', {
          'retry-after': String(verdict.retryAfterSeconds),
        });
      }
    }
    return frontDoor === 'graphql' ? graphqlShaped(await yoga.fetch(bounded)) : rest(bounded);
  }

  return {
    data,
    yoga,
    async fetch(request) {
      const started = performance.now();
      const requestId = requestIdOf(request);
      const { pathname } = new URL(request.url);
      const frontDoor = frontDoorOf(pathname);
      let response: Response;
      try {
        response = await route(request, frontDoor);
      } catch (err) {
        // A client that hangs up while its body is read is not the gateway's failure.
        if (request.signal.aborted) logger.debug('client went away before its request was read', { requestId });
        else logger.error('request failed before reaching a front door', { requestId, err });
        response = refuse(frontDoor ?? 'graphql', 503, 'Unexpected error.');
      }
      response.headers.set('x-request-id', requestId);
      logger.info('request', {
        requestId,
        method: request.method,
        path: redactPath(pathname),
        status: response.status,
        ms: Math.round(performance.now() - started),
      });
      return withSecurityHeaders(response);
    },
    async close() {
      try {
        await stopListening();
      } finally {
        await rateLimiter.close();
      }
    },
  };
}

/**
 * Keeps `cache` in use exactly while the database reports every change to
 * accounts and API keys (the credentials_changed trigger), whoever makes it.
 * Without notifications every request checks the database, as without cache.
 */
async function listenForCredentialChanges(db: Database, cache: CredentialCache, logger: Logger): Promise<() => Promise<void>> {
  let deaf = false;
  try {
    return await db.listen(CREDENTIALS_CHANNEL, {
      onNotify: () => cache.invalidate(),
      onReset: (listening) => {
        cache.setListening(listening);
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

function frontDoorOf(pathname: string): FrontDoor | undefined {
  if (pathname === GRAPHQL_PATH || pathname.startsWith(`${GRAPHQL_PATH}/`)) return 'graphql';
  if (pathname === REST_PREFIX || pathname.startsWith(`${REST_PREFIX}/`)) return 'rest';
  return undefined;
}

const GRAPHQL_STATUS_CODES: Record<number, string> = {
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** Yoga answers some transport errors (404, 405, 406) with an empty body; give them the GraphQL error shape. */
function graphqlShaped(response: Response): Response {
  if (response.status < 400 || response.headers.get('content-type')) return response;
  const code = GRAPHQL_STATUS_CODES[response.status] ?? 'BAD_REQUEST';
  const message =
    response.status === 406
      ? 'Not acceptable: accept application/json or application/graphql-response+json'
      : `${code.toLowerCase().replaceAll('_', ' ')}`;
  const headers = new Headers(response.headers);
  headers.set('content-type', 'application/json; charset=utf-8');
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), { status: response.status, headers });
}

/** A gate's refusal in the shape of the front door it guards. */
function refuse(frontDoor: FrontDoor, status: number, message: string, headers: Record<string, string> = {}): Response {
  if (frontDoor === 'rest') {
    const code = status === 429 ? 20429 : status === 413 ? 20001 : 20500;
    return Response.json(new TwilioError(status, code, message).body(), { status, headers });
  }
  const code = status === 429 ? 'RATE_LIMITED' : status === 413 ? 'PAYLOAD_TOO_LARGE' : 'INTERNAL_SERVER_ERROR';
  return Response.json({ errors: [{ message, extensions: { code } }] }, { status, headers });
}

/** User identities can appear in REST paths (`/Users/{identity}/…`); logs keep only SIDs. */
export function redactPath(pathname: string): string {
  return pathname.replace(/(\/Users\/)([^/]+)/, (_m, prefix: string, segment: string) =>
    /^US[0-9a-f]{32}$/.test(segment) ? prefix + segment : `${prefix}[identity]`,
  );
}

import { Response } from '@whatwg-node/fetch';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import type { DataContext } from '../domain/data-context.js';
import { BadInputError, NotFoundError } from '../domain/errors.js';
import type { FailureLog } from '../platform/failure-log.js';
import type { FrontDoor, Refusal, RequestFacts } from '../platform/front-door.js';
import type { Logger } from '../platform/logger.js';
import { redactPath } from '../security/redact.js';
import { TwilioError, twilioErrors } from './errors.js';
import { handlerFor, matchRoute } from './router.js';

export const REST_PREFIX = '/v2';

export interface RestShimOptions {
  data: DataContext;
  logger: Logger;
  /** Where database outages are logged (one per app, shared by the doors). */
  failures: FailureLog;
  /** Origin for absolute URLs in bodies; the request's own origin when unset. */
  publicUrl?: string | undefined;
}

/**
 * The Twilio-shaped front door: `/v2/Services/{ServiceSid}/Bindings…` answered
 * the way chat.twilio.com answers them, so Twilio's helper libraries work
 * unchanged. Every failure is a Twilio error body; none is a 500 with details.
 * Answers are built with the HTTP adapter's own Response class, which is
 * cheaper than Node's built-in one.
 */
export function createRestShim({ data, logger, failures, publicUrl }: RestShimOptions): FrontDoor {
  async function serve(request: Request, { caller, requestId }: RequestFacts): Promise<Response> {
    const url = new URL(request.url);
    let result: { status: number; body: unknown; headers?: Record<string, string> };
    try {
      if (!caller) throw twilioErrors.unauthenticated();
      const match = matchRoute(url.pathname);
      const handler = handlerFor(match, request.method, url.pathname);
      result = await handler({
        caller,
        data,
        params: match?.params ?? {},
        query: url.searchParams,
        origin: publicUrl ?? url.origin,
        path: url.pathname,
        requestId,
      });
      // Every handler reads the database: it answered.
      failures.available();
    } catch (err) {
      const error = toTwilioError(err, url.pathname, logger, failures, requestId);
      result = { status: error.status, body: error.body(), headers: error.headers };
    }
    return answer(result.status, result.body, result.headers);
  }

  return {
    name: 'rest',
    owns: (pathname) => pathname === REST_PREFIX || pathname.startsWith(`${REST_PREFIX}/`),
    serve,
    refuse: (refusal) => {
      const error = refusalError(refusal);
      return globalThis.Response.json(error.body(), { status: error.status, headers: error.headers });
    },
  };
}

function answer(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  if (body === null) return new Response(null, { status });
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
}

function refusalError(refusal: Refusal): TwilioError {
  switch (refusal.reason) {
    case 'body-too-large':
      return new TwilioError(413, 20001, `Request body larger than ${refusal.maxBytes} bytes`);
    case 'rate-limited':
      return new TwilioError(429, 20429, 'Too many requests for this credential; retry later', undefined, {
        'retry-after': String(refusal.retryAfterSeconds),
      });
    case 'unavailable':
      return twilioErrors.serviceUnavailable();
  }
}

function toTwilioError(err: unknown, path: string, logger: Logger, failures: FailureLog, requestId: string): TwilioError {
  if (err instanceof TwilioError) return err;
  if (err instanceof NotFoundError) return twilioErrors.notFound(path);
  if (err instanceof BadInputError) return twilioErrors.invalidParameter(err.message);
  if (isDatabaseUnavailable(err)) {
    failures.unavailable(err, { requestId, door: 'rest', path: redactPath(path) });
    return twilioErrors.serviceUnavailable();
  }
  logger.error('unexpected error in the REST shim', { requestId, path, err });
  return new TwilioError(500, 20500, 'Internal Server Error');
}

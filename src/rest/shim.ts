import type { Caller } from '../security/auth.js';
import type { DataContext } from '../domain/data-context.js';
import { BadInputError, NotFoundError } from '../domain/errors.js';
import type { Logger } from '../platform/logger.js';
import { requestIdOf } from '../platform/request-id.js';
import { TwilioError, twilioErrors } from './errors.js';
import { handlerFor, matchRoute } from './router.js';

export const REST_PREFIX = '/v2';

export interface RestShimOptions {
  data: DataContext;
  logger: Logger;
  /** Origin for absolute URLs in bodies; the request's own origin when unset. */
  publicUrl?: string | undefined;
  /** The request's authenticated caller, or null (shared with the other gates, so it runs once). */
  callerOf: (request: Request) => Promise<Caller | null>;
  /** The Response class to answer with (the HTTP adapter's own is cheaper than the built-in one); the built-in by default. */
  Response?: typeof Response;
}

/**
 * The Twilio-shaped front door: `/v2/Services/{ServiceSid}/Bindings…` answered
 * the way chat.twilio.com answers them, so Twilio's helper libraries work
 * unchanged. Every failure is a Twilio error body; none is a 500 with details.
 */
export function createRestShim({ data, logger, publicUrl, callerOf, Response: ResponseClass = Response }: RestShimOptions) {
  return async function handle(request: Request): Promise<Response> {
    const requestId = requestIdOf(request);
    const url = new URL(request.url);
    let result: { status: number; body: unknown; headers?: Record<string, string> };
    try {
      const caller = await callerOf(request);
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
    } catch (err) {
      const error = toTwilioError(err, url.pathname, logger, requestId);
      result = { status: error.status, body: error.body(), headers: error.headers };
    }
    if (result.body === null) return new ResponseClass(null, { status: result.status });
    return new ResponseClass(JSON.stringify(result.body), {
      status: result.status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...result.headers },
    });
  };
}

function toTwilioError(err: unknown, path: string, logger: Logger, requestId: string): TwilioError {
  if (err instanceof TwilioError) return err;
  if (err instanceof NotFoundError) return twilioErrors.notFound(path);
  if (err instanceof BadInputError) return twilioErrors.invalidParameter(err.message);
  logger.error('unexpected error in the REST shim', { requestId, path, err });
  return new TwilioError(500, 20500, 'Internal Server Error');
}

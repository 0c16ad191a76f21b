import { UNAVAILABLE_MESSAGE, UNAVAILABLE_RETRY_AFTER_SECONDS } from '../db/unavailable.js';

/**
 * Twilio's legacy error body, exactly the keys twilio-node reads into a
 * RestException. Never add `type`/`title`: twilio-node would then throw a
 * different exception class (RFC 9457 shape).
 */
export class TwilioError extends Error {
  override name = 'TwilioError';
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly detail?: string,
    /** Extra response headers (e.g. `Allow` on a 405). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      more_info: `https://www.twilio.com/docs/errors/${this.code}`,
      status: this.status,
      ...(this.detail !== undefined ? { detail: this.detail } : {}),
    };
  }
}

/** Chat words resource paths without the `/v2` prefix in its messages. */
function resourcePath(path: string): string {
  return path.replace(/^\/v2(?=\/|$)/, '') || '/';
}

export const twilioErrors = {
  unauthenticated: () =>
    new TwilioError(401, 20003, 'Authenticate', 'Your AccountSid or AuthToken was incorrect.', {
      'www-authenticate': 'Basic realm="Twilio API"',
    }),
  notFound: (path: string) => new TwilioError(404, 20404, `The requested resource ${resourcePath(path)} was not found`),
  methodNotAllowed: (path: string, method: string, allowed: string[]) =>
    new TwilioError(405, 20004, `The requested resource ${resourcePath(path)} does not support the attempted HTTP method ${method}`, undefined, {
      allow: allowed.join(', '),
    }),
  invalidParameter: (message: string) => new TwilioError(400, 20001, message),
  forbidden: (message: string) => new TwilioError(403, 20403, message),
  invalidPageToken: () => new TwilioError(400, 21481, 'Invalid PageToken'),
  /**
   * The database is unavailable. 20503 is Twilio's own "Service unavailable"
   * ("The requested Twilio Service is temporarily unavailable"; its advice:
   * retry with back-off), the 503 counterpart of 20500 in the same 20xxx
   * family of generic API errors as 20003/20404/20429. twilio-node reads it
   * into a RestException like any other code.
   */
  serviceUnavailable: () => new TwilioError(503, 20503, UNAVAILABLE_MESSAGE, undefined, { 'retry-after': String(UNAVAILABLE_RETRY_AFTER_SECONDS) }),
};

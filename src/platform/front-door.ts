import type { Caller } from '../domain/caller.js';

/** What the gates worked out about a request, handed down to the front door that serves it. */
export interface RequestFacts {
  requestId: string;
  /** The authenticated caller; null without a valid credential (the door refuses in its own words, or serves a public page). */
  caller: Caller | null;
}

/** Why a gate stopped a request before its front door. */
export type Refusal =
  | { reason: 'body-too-large'; maxBytes: number }
  | { reason: 'rate-limited'; retryAfterSeconds: number }
  /** Something the gates depend on (the credential check's database) failed. */
  | { reason: 'unavailable' };

/** One way into the gateway: it serves its own paths, and words the gates' refusals in its own error format. */
export interface FrontDoor {
  /** Its name in logs and metrics (the `door` label). */
  readonly name: 'graphql' | 'rest';
  owns(pathname: string): boolean;
  serve(request: Request, facts: RequestFacts): Promise<Response>;
  refuse(refusal: Refusal): Response;
}

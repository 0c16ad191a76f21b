import type { Caller } from '../domain/caller.js';
import type { DataContext } from '../domain/data-context.js';

/** What a handler gets: the caller (authenticated by the gates) and the request's parts, parsed. */
export interface RestRequest {
  caller: Caller;
  data: DataContext;
  /** Path parameters, percent-decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** Absolute origin for the URLs put in bodies (PUBLIC_URL, or the request's own). */
  origin: string;
  /** The request path as received, for error messages. */
  path: string;
  requestId: string;
}

/** What a handler answers: a status and a JSON body (null: no body). The shim makes the HTTP response. */
export interface RestResult {
  status: number;
  body: unknown;
}

export type Handler = (request: RestRequest) => Promise<RestResult>;

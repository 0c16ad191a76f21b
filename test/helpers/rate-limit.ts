/** Requests through both front doors of an app, for the rate-limit tests. */
import type { App } from '../../src/app.js';
import { GRAPHQL_URL } from './app.js';

export const RATE_LIMIT_MESSAGE = 'Too many requests for this credential; retry later';

export const GRAPHQL_REFUSAL = { errors: [{ message: RATE_LIMIT_MESSAGE, extensions: { code: 'RATE_LIMITED' } }] };

export const REST_REFUSAL = {
  code: 20429,
  message: RATE_LIMIT_MESSAGE,
  more_info: 'https://www.twilio.com/docs/errors/20429',
  status: 429,
};

export interface Answer {
  status: number;
  retryAfter: string | null;
  body: any;
}

async function answer(response: Response): Promise<Answer> {
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
}

/** A GraphQL query (POST /graphql) with `authorization`. */
export async function graphqlCall(app: App, authorization: string | null): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (authorization) headers.authorization = authorization;
  const body = JSON.stringify({ query: '{ __typename }' });
  return answer(await app.fetch(new Request(GRAPHQL_URL, { method: 'POST', headers, body })));
}

/** GET /v2/Services/{serviceSid}/Bindings with `authorization`. */
export async function restCall(app: App, authorization: string | null, serviceSid: string): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (authorization) headers.authorization = authorization;
  return answer(await app.fetch(new Request(new URL(`/v2/Services/${serviceSid}/Bindings`, GRAPHQL_URL), { headers })));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

import type { FrontDoor, Refusal } from '../../platform/front-door.js';
import { serviceUnavailableResponse } from './plugins.js';
import { createGatewayYoga, GRAPHQL_PATH, type YogaOptions } from './yoga.js';

/** `/graphql`: yoga over the Pothos schema, answering everything in GraphQL's error shape. */
export function createGraphQLDoor(options: YogaOptions): FrontDoor {
  const yoga = createGatewayYoga(options);
  return {
    name: 'graphql',
    owns: (pathname) => pathname === GRAPHQL_PATH || pathname.startsWith(`${GRAPHQL_PATH}/`),
    serve: async (request, facts) => graphqlShaped(await yoga.fetch(request, facts)),
    refuse,
  };
}

function refuse(refusal: Refusal): Response {
  switch (refusal.reason) {
    case 'body-too-large':
      return errorResponse(413, `Request body larger than ${refusal.maxBytes} bytes`, 'PAYLOAD_TOO_LARGE');
    case 'rate-limited':
      return errorResponse(429, 'Too many requests for this credential; retry later', 'RATE_LIMITED', {
        'retry-after': String(refusal.retryAfterSeconds),
      });
    case 'unavailable':
      return serviceUnavailableResponse();
  }
}

function errorResponse(status: number, message: string, code: string, headers: Record<string, string> = {}): Response {
  return Response.json({ errors: [{ message, extensions: { code } }] }, { status, headers });
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
    response.status === 406 ? 'Not acceptable: accept application/json or application/graphql-response+json' : `${code.toLowerCase().replaceAll('_', ' ')}`;
  const headers = new Headers(response.headers);
  headers.set('content-type', 'application/json; charset=utf-8');
  return new Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), { status: response.status, headers });
}

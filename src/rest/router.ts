import type { Caller } from '../security/auth.js';
import type { DataContext } from '../domain/data-context.js';
import { twilioErrors } from './errors.js';
import * as handlers from './handlers.js';

export type Method = 'GET' | 'DELETE';

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

export interface Route {
  /** Twilio operation names the route serves. */
  name: string;
  pattern: string;
  methods: Partial<Record<Method, Handler>>;
}

/** Every URL the shim answers; anything else under /v2 is a Twilio-shaped 404. */
export const routes: readonly Route[] = [
  { name: 'FetchService', pattern: '/v2/Services/:ServiceSid', methods: { GET: handlers.fetchService } },
  { name: 'ListUser', pattern: '/v2/Services/:ServiceSid/Users', methods: { GET: handlers.listUsers } },
  { name: 'FetchUser', pattern: '/v2/Services/:ServiceSid/Users/:UserSid', methods: { GET: handlers.fetchUser } },
  { name: 'ListBinding', pattern: '/v2/Services/:ServiceSid/Bindings', methods: { GET: handlers.listBindings } },
  {
    name: 'FetchBinding, DeleteBinding',
    pattern: '/v2/Services/:ServiceSid/Bindings/:Sid',
    methods: { GET: handlers.fetchBinding, DELETE: handlers.deleteBinding },
  },
  {
    name: 'ListUserBinding',
    pattern: '/v2/Services/:ServiceSid/Users/:UserSid/Bindings',
    methods: { GET: handlers.listUserBindings },
  },
  {
    name: 'FetchUserBinding, DeleteUserBinding',
    pattern: '/v2/Services/:ServiceSid/Users/:UserSid/Bindings/:Sid',
    methods: { GET: handlers.fetchUserBinding, DELETE: handlers.deleteUserBinding },
  },
];

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/** The route whose pattern the path fits, with its decoded parameters; undefined when none does. */
export function matchRoute(path: string): RouteMatch | undefined {
  const segments = path.split('/');
  for (const route of routes) {
    const parts = route.pattern.split('/');
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (const [i, part] of parts.entries()) {
      const segment = segments[i]!;
      if (part.startsWith(':')) {
        const value = decodeSegment(segment);
        if (value === undefined || value === '') {
          ok = false;
          break;
        }
        params[part.slice(1)] = value;
      } else if (part !== segment) {
        ok = false;
        break;
      }
    }
    if (ok) return { route, params };
  }
  return undefined;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** Resolves the handler for a method on a matched path, or the Twilio error for it. */
export function handlerFor(match: RouteMatch | undefined, method: string, path: string): Handler {
  if (!match) throw twilioErrors.notFound(path);
  const handler = match.route.methods[(method === 'HEAD' ? 'GET' : method) as Method];
  if (!handler) throw twilioErrors.methodNotAllowed(path, method, Object.keys(match.route.methods));
  return handler;
}

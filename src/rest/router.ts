import { twilioErrors } from './errors.js';
import type { Handler } from './request.js';
import { type Method, type Route, routes } from './routes.js';

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

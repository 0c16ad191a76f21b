import { randomUUID } from 'node:crypto';

const ids = new WeakMap<Request, string>();

/**
 * The id of a request, for its log lines and its `x-request-id` response
 * header: a sane incoming `x-request-id` is kept, otherwise a fresh UUID.
 * Both front doors ask here, so a request has one id wherever it is logged.
 */
export function requestIdOf(request: Request): string {
  let id = ids.get(request);
  if (!id) {
    const incoming = request.headers.get('x-request-id');
    id = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    ids.set(request, id);
  }
  return id;
}

/** Gives `copy` (a rebuilt request, e.g. with its body read) the same id as `original`. */
export function adoptRequestId(original: Request, copy: Request): void {
  ids.set(copy, requestIdOf(original));
}

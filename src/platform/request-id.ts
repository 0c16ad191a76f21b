import { randomUUID } from 'node:crypto';

/**
 * The id of a request, for its log lines and its `x-request-id` response
 * header: a sane incoming `x-request-id` is kept, otherwise a fresh UUID.
 */
export function requestIdFrom(incoming: string | null): string {
  return incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
}

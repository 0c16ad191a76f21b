import { Headers, Request } from '@whatwg-node/fetch';

/**
 * Reads a request's body up to `maxBytes` and hands on an equivalent request
 * whose body is already in memory, or `null` when the body is larger: the
 * front doors never see more than the limit, however the body is framed.
 * The copy is built with the HTTP adapter's own fetch classes (the built-in
 * Request sets up streams and an AbortSignal for every instance, which costs
 * more than the rest of a small request).
 */
export async function limitBody(request: Request, maxBytes: number): Promise<Request | null> {
  if (request.body === null) return request;
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) return null;
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const headers = new Headers(request.headers);
  // Media types are case-insensitive; the front doors compare them in lower case.
  const type = headers.get('content-type');
  if (type)
    headers.set(
      'content-type',
      type.replace(/^[^;]*/, (media) => media.trim().toLowerCase()),
    );
  return new Request(request.url, {
    method: request.method,
    headers,
    body: Buffer.concat(chunks),
    signal: request.signal,
  });
}

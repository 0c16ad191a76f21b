/**
 * A GraphQL-over-SSE client for tests: POSTs a subscription with
 * `Accept: text/event-stream` (in-process to an app, or over HTTP with fetch)
 * and reads the `text/event-stream` body message by message.
 */

export interface SseMessage {
  event: string;
  /** The `data` lines, joined; parsed as JSON for `next` events. */
  data: string;
  json?: any;
}

export interface SseStream {
  response: Response;
  /** The next message (pings are skipped); rejects after `timeoutMs` without one. */
  next(timeoutMs?: number): Promise<SseMessage>;
  /** Waits `ms` and returns every message that arrived meanwhile (none expected: check it is empty). */
  quiet(ms: number): Promise<SseMessage[]>;
  /** Hangs up (the server sees the stream cancelled). */
  close(): Promise<void>;
}

export async function openSse(response: Response, abort?: AbortController): Promise<SseStream> {
  if (!response.body) throw new Error(`no body: HTTP ${response.status}`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const messages: SseMessage[] = [];
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut = buffer.indexOf('\n\n');
        while (cut >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          cut = buffer.indexOf('\n\n');
          const lines = block.split('\n').filter((l) => !l.startsWith(':'));
          if (lines.length === 0) continue;
          const event =
            lines
              .find((l) => l.startsWith('event:'))
              ?.slice(6)
              .trim() ?? 'message';
          const data = lines
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).replace(/^ /, ''))
            .join('\n');
          messages.push({ event, data, ...(event === 'next' ? { json: JSON.parse(data) } : {}) });
          wake?.();
        }
      }
    } catch (err) {
      failure = err;
    }
    ended = true;
    wake?.();
  })();
  return {
    response,
    async next(timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const message = messages.shift();
        if (message) return message;
        if (ended) throw new Error(`the stream ended without another message${failure ? `: ${String(failure)}` : ''}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no message within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
    async quiet(ms) {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return messages.splice(0);
    },
    async close() {
      abort?.abort();
      await reader.cancel().catch(() => {});
    },
  };
}

export function sseRequest(url: string, query: string, variables: Record<string, unknown>, authorization: string, signal?: AbortSignal): Request {
  return new Request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization },
    body: JSON.stringify({ query, variables }),
    ...(signal ? { signal } : {}),
  });
}

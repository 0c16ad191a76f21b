import net from 'node:net';

/**
 * The lock socket doubles as the running gateway's admin channel (how
 * `npm run cli` reaches an embedded database whose folder the gateway holds).
 * Newline-delimited JSON. On connect the owner first sends a greeting, the
 * same line `ping` answers; then each request line gets one answer line, in
 * order:
 *
 *   ← {"ok": true, "result": {"pid": 1234, "serving": true}}          (greeting)
 *   → {"command": "key:list", "args": {"account": "AC…"}}
 *   ← {"ok": true, "result": …}  or  {"ok": false, "error": "message", "code": "NOT_FOUND"}
 *   → {"command": "ping"}
 *   ← {"ok": true, "result": {"pid": 1234, "serving": true}}
 *
 * Commands go to the handler registered with `serve`, and get code
 * UNAVAILABLE until there is one (`serving` says which). Owners of an older
 * version greet with a bare pid (`1234\n`) and hang up; a client sends them
 * nothing, so their connection closes cleanly.
 */
export interface ChannelRequest {
  command: string;
  args?: Record<string, unknown>;
}

export type ChannelResponse = { ok: true; result: unknown } | { ok: false; error: string; code: ChannelErrorCode };

/**
 * BAD_INPUT: the arguments were refused. NOT_FOUND: no such account or key.
 * UNAVAILABLE: the owner does not serve commands (yet). BAD_REQUEST: not a
 * request of this protocol. INTERNAL: the command failed unexpectedly.
 */
export type ChannelErrorCode = 'BAD_INPUT' | 'NOT_FOUND' | 'UNAVAILABLE' | 'BAD_REQUEST' | 'INTERNAL';

/** An error a handler throws on purpose; others are answered as INTERNAL. */
export class ChannelError extends Error {
  override name = 'ChannelError';
  constructor(
    message: string,
    readonly code: ChannelErrorCode,
  ) {
    super(message);
  }
}

/** Runs one admin command for the channel; its result must be JSON-serialisable. */
export type ChannelHandler = (command: string, args: Record<string, unknown>) => Promise<unknown>;

/** Longest request line accepted; anything longer closes the connection. An import's page or file travels as one line. */
const MAX_LINE_BYTES = 64 * 1024 * 1024;
/** A connection idle this long is closed. */
const IDLE_TIMEOUT_MS = 60_000;

/** Answers one admin client on the lock socket: the greeting, then one answer line per request line, in order. */
export function serveChannelConnection(conn: net.Socket, handlerOf: () => ChannelHandler | undefined): void {
  conn.unref();
  conn.setEncoding('utf8');
  conn.write(`${JSON.stringify(pong(handlerOf()))}\n`);
  conn.setTimeout(IDLE_TIMEOUT_MS, () => conn.destroy());
  conn.on('error', () => {});
  let buffer = '';
  let answering: Promise<void> = Promise.resolve();
  conn.on('data', (chunk: string) => {
    buffer += chunk;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line.trim() === '') continue;
      answering = answering
        .then(() => answer(line, handlerOf()))
        .then((response) => {
          if (!conn.destroyed && conn.writable) conn.write(`${serialise(response)}\n`);
        });
    }
    if (Buffer.byteLength(buffer) > MAX_LINE_BYTES) conn.destroy();
  });
  conn.on('end', () => void answering.then(() => conn.end()));
}

async function answer(line: string, handler: ChannelHandler | undefined): Promise<ChannelResponse> {
  let request: unknown;
  try {
    request = JSON.parse(line);
  } catch {
    return { ok: false, code: 'BAD_REQUEST', error: 'each request must be one line of JSON: {"command": "...", "args": {...}}' };
  }
  if (!isObject(request) || typeof request.command !== 'string' || (request.args !== undefined && !isObject(request.args))) {
    return { ok: false, code: 'BAD_REQUEST', error: 'a request is {"command": "<name>", "args": {...}} with an optional args object' };
  }
  if (request.command === 'ping') return pong(handler);
  if (!handler) {
    return {
      ok: false,
      code: 'UNAVAILABLE',
      error: `the process holding this data folder (pid ${process.pid}) does not accept commands (it is starting up, or is not a gateway server)`,
    };
  }
  try {
    return { ok: true, result: await handler(request.command, request.args ?? {}) };
  } catch (err) {
    if (err instanceof ChannelError) return { ok: false, code: err.code, error: err.message };
    return { ok: false, code: 'INTERNAL', error: err instanceof Error ? err.message : String(err) };
  }
}

/** One line of JSON; a result that cannot be serialised is answered as an error, never thrown. */
function serialise(response: ChannelResponse): string {
  try {
    return JSON.stringify(response);
  } catch (err) {
    return JSON.stringify({ ok: false, code: 'INTERNAL', error: `the result could not be sent: ${(err as Error).message}` });
  }
}

function pong(handler: ChannelHandler | undefined): ChannelResponse {
  return { ok: true, result: { pid: process.pid, serving: handler !== undefined } };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What asking a data folder's lock socket gave. */
export type ChannelAnswer =
  /** Nobody listens: no socket file, or a stale one. */
  | { kind: 'no-owner' }
  /** An owner answered with a line that is not this protocol: an older gateway, which only tells its pid. */
  | { kind: 'legacy'; text: string }
  /** Connected, but no answer in time. */
  | { kind: 'timeout' }
  /** The owner hung up after the request was sent, before answering it. */
  | { kind: 'dropped' }
  /** The socket exists but this user may not use it (another user's gateway). */
  | { kind: 'denied'; message: string }
  | { kind: 'response'; response: ChannelResponse };

/**
 * Sends one request on a data folder's lock socket and waits for its answer
 * (`ping` is answered by the greeting alone). Nothing is sent to an owner
 * whose greeting is not this protocol.
 */
export function askChannel(socketPath: string, request: ChannelRequest, timeoutMs: number): Promise<ChannelAnswer> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: ChannelAnswer) => {
      if (settled) return;
      settled = true;
      conn.destroy();
      resolve(result);
    };
    const conn = net.connect(socketPath);
    let received = '';
    let greeted = false;
    conn.setEncoding('utf8');
    conn.setTimeout(timeoutMs, () => settle({ kind: 'timeout' }));
    conn.on('data', (chunk: string) => {
      received += chunk;
      let newline: number;
      while (!settled && (newline = received.indexOf('\n')) >= 0) {
        const answer = parseAnswer(received.slice(0, newline));
        received = received.slice(newline + 1);
        if (greeted || answer.kind !== 'response' || request.command === 'ping') {
          settle(answer);
        } else {
          greeted = true;
          conn.write(`${JSON.stringify(request)}\n`);
        }
      }
    });
    // Hanging up after the greeting, before the answer: the request may or may not have run.
    conn.on('end', () => settle(!greeted || received.trim() ? parseAnswer(received) : { kind: 'dropped' }));
    conn.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EACCES' || err.code === 'EPERM') {
        settle({ kind: 'denied', message: `${socketPath}: permission denied (${err.code})` });
      } else {
        settle(greeted ? { kind: 'dropped' } : { kind: 'no-owner' });
      }
    });
  });
}

function parseAnswer(line: string): ChannelAnswer {
  try {
    const parsed: unknown = JSON.parse(line);
    if (isObject(parsed) && typeof parsed.ok === 'boolean') {
      if (parsed.ok) return { kind: 'response', response: { ok: true, result: parsed.result } };
      return {
        kind: 'response',
        response: {
          ok: false,
          error: typeof parsed.error === 'string' ? parsed.error : 'the gateway refused the command',
          code: typeof parsed.code === 'string' ? (parsed.code as ChannelErrorCode) : 'INTERNAL',
        },
      };
    }
  } catch {
    // not JSON: see below
  }
  return { kind: 'legacy', text: line.trim() };
}

import { chmodSync, mkdirSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
}

/** The lock socket's file name inside the data folder. */
export const LOCK_SOCKET_NAME = 'gateway.lock.sock';

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

export type ChannelResponse =
  | { ok: true; result: unknown }
  | { ok: false; error: string; code: ChannelErrorCode };

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

export interface DataDirLock {
  socketPath: string;
  /** Starts answering admin commands with `handler` (once the database is ready). */
  serve(handler: ChannelHandler): void;
  release(): Promise<void>;
}

/** Longest request line accepted; anything longer closes the connection. */
const MAX_LINE_BYTES = 64 * 1024;
/** A connection idle this long is closed. */
const IDLE_TIMEOUT_MS = 60_000;

/** The lock socket of a data folder; DataDirLockedError when the path is too long for a Unix socket. */
export function lockSocketPath(dataDir: string): string {
  const socketPath = path.join(dataDir, LOCK_SOCKET_NAME);
  if (Buffer.byteLength(socketPath) > 100) {
    throw new DataDirLockedError(`DATA_DIR path is too long for its lock socket (${socketPath}); choose a shorter DATA_DIR`);
  }
  return socketPath;
}

/**
 * Takes an exclusive lock on the embedded database's folder by listening on a
 * Unix socket inside it. The kernel frees the socket when the process dies, so a
 * crash never leaves a lock behind: a leftover socket file nobody answers on is
 * stale and is replaced. A live owner answers, and the second opener gets
 * DataDirLockedError before it touches any database file.
 *
 * The socket is made 0600 (only the folder's owner may talk to it), and a data
 * folder this creates is 0700.
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const socketPath = lockSocketPath(dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let handler: ChannelHandler | undefined;
  const connections = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (conn) => {
    connections.add(conn);
    conn.on('close', () => connections.delete(conn));
    serveConnection(conn, () => handler);
  });
  try {
    await listen(server, socketPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    const ownerPid = await askOwner(socketPath);
    if (ownerPid !== undefined) {
      throw new DataDirLockedError(
        `data folder ${dataDir} is in use by another gateway process (pid ${ownerPid || 'unknown'}); ` +
          'stop it first, or set DATA_DIR to another folder or DATABASE_URL to a Postgres server',
      );
    }
    unlinkSync(socketPath); // stale: its owner died without cleaning up
    await listen(server, socketPath);
  }
  server.unref();
  return {
    socketPath,
    serve(h) {
      handler = h;
    },
    release: () =>
      new Promise<void>((resolve) => {
        handler = undefined;
        server.close(() => resolve());
        // An idle admin client must not hold the shutdown open.
        for (const conn of connections) conn.destroy();
      }),
  };
}

function listen(server: net.Server, socketPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(socketPath, () => {
      server.off('error', onError);
      try {
        // Under the usual umask (022) the socket is not writable by others even
        // before this, and connecting to a Unix socket needs write permission.
        chmodSync(socketPath, 0o600);
      } catch (err) {
        server.close();
        reject(err);
        return;
      }
      resolve();
    });
  });
}

function serveConnection(conn: net.Socket, handlerOf: () => ChannelHandler | undefined): void {
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

function isObject(value: unknown): value is Record<string, unknown> {
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

/**
 * Resolves to the owner's pid ('' if it answered without one), or undefined
 * when nobody answers (the socket is stale).
 */
async function askOwner(socketPath: string): Promise<string | undefined> {
  const answer = await askChannel(socketPath, { command: 'ping' }, 1000);
  switch (answer.kind) {
    case 'no-owner':
      return undefined;
    case 'denied':
      throw new DataDirLockedError(`the data folder's lock socket belongs to another user (${answer.message}); run as the folder's owner`);
    case 'timeout':
    case 'dropped':
      return '';
    case 'legacy':
      return /^\d+$/.test(answer.text) ? answer.text : '';
    case 'response': {
      const result = answer.response.ok ? answer.response.result : undefined;
      const pid = isObject(result) ? result.pid : undefined;
      return typeof pid === 'number' || typeof pid === 'string' ? String(pid) : '';
    }
  }
}

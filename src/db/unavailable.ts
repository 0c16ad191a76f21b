/**
 * Whether an error means "the database cannot be used right now" (it is down,
 * unreachable, restarting, refusing connections, or stopped answering), as
 * opposed to a fault of the request or of the gateway. Every front door
 * answers the former with 503 and Retry-After: the same request may succeed
 * once the database is back, and a client should retry rather than report a
 * bug.
 *
 * Errors reach the gateway in several wrappings, all of which are looked
 * through: Prisma's errors (a code, and under `meta.driverAdapterError` the
 * driver adapter's classification of the driver's error), plain errors
 * Prisma passes on from the adapter (their `cause` chain), node-postgres'
 * errors (a SQLSTATE in `code`, or only a message), and node's socket errors.
 */

/** How long a client should wait before retrying an answer to a database outage. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 2;

/** What a client is told about a database outage: nothing about the database itself. */
export const UNAVAILABLE_MESSAGE = 'Service temporarily unavailable; retry later';

/** The recognised failure, for logs. */
export interface UnavailableReason {
  /** The most specific code found: a node error code, a SQLSTATE, the adapter's kind, or Prisma's code. */
  code: string | undefined;
  message: string;
}

/**
 * Prisma's codes for a database that cannot be reached or used:
 * P1001 can't reach the server, P1002 reached but timed out, P1008 operation
 * timed out, P1017 server closed the connection, P2024 timed out getting a
 * pooled connection, P2037 too many connections.
 */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2037']);

/** The driver adapter's kinds for the same (Prisma maps them to the codes above). */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

/** Socket and name-resolution failures on the way to the database. */
const NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * SQLSTATEs: class 08 (connection exception), 57P01 admin_shutdown, 57P02
 * crash_shutdown, 57P03 cannot_connect_now (starting up, shutting down,
 * recovering), 53300 too_many_connections. Not 57014 query_canceled: a
 * statement timeout is the request's own doing, not an outage.
 */
function isUnavailableSqlState(code: string): boolean {
  return /^08[0-9A-Z]{3}$/.test(code) || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300';
}

/**
 * node-postgres and pg-pool report a lost or unobtainable connection with a
 * message only. Anchored at the start, so a message that merely quotes one
 * (e.g. a Prisma message around a user's input) does not count.
 */
const MESSAGES = [
  /^Connection terminated\b/, // unexpectedly / due to connection timeout
  /^timeout exceeded when trying to connect\b/, // pg-pool: no connection within connectionTimeoutMillis
  /^Client has encountered a connection error and is not queryable\b/,
  /^Query read timeout$/, // query_timeout: the server stopped answering
  /^timeout expired$/, // a single client's connectionTimeoutMillis
];

const MAX_DEPTH = 8;

export function isDatabaseUnavailable(err: unknown): boolean {
  return unavailableReason(err) !== undefined;
}

/** The recognised failure in `err` (the most specific one of its wrappings), or undefined when `err` is no database outage. */
export function unavailableReason(err: unknown): UnavailableReason | undefined {
  return find(err, 0, new Set());
}

function find(value: unknown, depth: number, seen: Set<object>): UnavailableReason | undefined {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH || seen.has(value)) return undefined;
  seen.add(value);
  const e = value as Record<string, unknown>;
  const mine = own(e);
  // Prisma's own code says less than the driver's error it wraps; any other
  // error says more than its cause (e.g. "…due to connection timeout" over
  // "…unexpectedly").
  if (mine && !mine.prisma) return mine.reason;
  for (const inner of wrapped(e)) {
    const found = find(inner, depth + 1, seen);
    if (found) return found;
  }
  return mine?.reason;
}

/** What `e` wraps: an error cause, a GraphQL error's original, the driver adapter's error in Prisma's meta, an AggregateError's errors. */
function wrapped(e: Record<string, unknown>): unknown[] {
  const inner: unknown[] = [];
  if ('cause' in e) inner.push(e.cause);
  if ('originalError' in e) inner.push(e.originalError);
  const meta = e.meta;
  if (meta !== null && typeof meta === 'object' && 'driverAdapterError' in meta) inner.push((meta as { driverAdapterError: unknown }).driverAdapterError);
  if (Array.isArray(e.errors)) inner.push(...e.errors.slice(0, 10));
  return inner;
}

/** Whether `e` itself (not what it wraps) is a database outage; `prisma` when only Prisma's code says so. */
function own(e: Record<string, unknown>): { reason: UnavailableReason; prisma?: true } | undefined {
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = typeof e.message === 'string' ? e.message : '';
  // The driver adapter's classification (a DriverAdapterError's cause).
  if (typeof e.kind === 'string') {
    if (ADAPTER_KINDS.has(e.kind)) return { reason: { code: e.kind, message: adapterMessage(e) } };
    // An error from Postgres itself: {kind: 'postgres', code: SQLSTATE, message}.
    if (code !== undefined && isUnavailableSqlState(code)) return { reason: { code, message: oneLine(message) || e.kind } };
    return undefined;
  }
  if (code !== undefined) {
    if (NODE_CODES.has(code) || isUnavailableSqlState(code)) return { reason: { code, message: oneLine(message) || code } };
    // Prisma's message quotes the calling code; its last line is the reason.
    if (PRISMA_CODES.has(code)) return { reason: { code, message: lastLine(message) || code }, prisma: true };
  }
  // PrismaClientInitializationError: the code is `errorCode`.
  if (typeof e.errorCode === 'string' && PRISMA_CODES.has(e.errorCode)) {
    return { reason: { code: e.errorCode, message: lastLine(message) || e.errorCode }, prisma: true };
  }
  // Only node-postgres' plain errors are told by their message (not, e.g., a
  // domain error whose message repeats a client's input).
  const trimmed = message.trimStart();
  if ((e.name === undefined || e.name === 'Error') && MESSAGES.some((pattern) => pattern.test(trimmed))) {
    return { reason: { code, message: oneLine(trimmed) } };
  }
  return undefined;
}

function adapterMessage(cause: Record<string, unknown>): string {
  if (cause.kind === 'DatabaseNotReachable') {
    const at = [cause.host, cause.port].filter((part) => part !== undefined && part !== null).join(':');
    return at ? `database not reachable at ${at}` : 'database not reachable';
  }
  if (cause.kind === 'ConnectionClosed') return 'the database closed the connection';
  if (cause.kind === 'SocketTimeout') return 'the connection to the database timed out';
  return typeof cause.cause === 'string' ? oneLine(cause.cause) : 'too many connections to the database';
}

function oneLine(message: string): string {
  return message.replace(/\s+/g, ' ').trim().slice(0, 300);
}

function lastLine(message: string): string {
  const lines = message.split('\n').filter((line) => line.trim() !== '');
  return oneLine(lines.at(-1) ?? '');
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import { BadInputError } from './errors.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

/** Relay-style page arguments, as both front doors receive them. */
export interface PageArgs {
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}

/**
 * Where a row stands in its list's order: its sid, and for lists ordered by
 * another column first, that column's value (an ISO-8601 timestamp).
 */
export interface Position {
  sid: string;
  key?: string | undefined;
}

/** A validated keyset window over rows in their list's order. */
export interface PageWindow {
  forward: boolean;
  size: number;
  /** Only rows after this position in the list's order. */
  after?: Position | undefined;
  /** Only rows before this position in the list's order. */
  before?: Position | undefined;
}

/** One page of a list, in its order, with exact neighbours and the cursors of its rows. */
export interface Page<T> {
  rows: T[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  /** The signed cursor of one of the page's rows, valid for this list only (made when asked: most pages need one or none). */
  cursorOf(row: T): string;
}

/**
 * What a cursor points into: the kind of list, the parent it lists under
 * (e.g. `bindings` of service IS…) and, unless it is the default (sid
 * ascending), the list's order. A cursor is only valid for the same scope.
 */
export interface CursorScope {
  list: 'bindings' | 'users' | 'services' | 'credentials';
  parent: string;
  /** The order's name (e.g. `DATE_CREATED_DESC`); absent for sid ascending, whose cursors predate orders. */
  order?: string | undefined;
  /** Whether positions in this order carry a key besides the sid. */
  keyed?: boolean | undefined;
}

const CURSOR_VERSION = '1';
const MAC_BYTES = 12;

/**
 * Opaque, signed cursors: base64url("1|list|parent|sid") + "." + truncated
 * HMAC, or "1|list~ORDER|parent|sid|key" for other orders than sid ascending.
 * A tampered or foreign cursor (another list, parent or order) is rejected
 * instead of silently paging from somewhere else.
 */
export class CursorCodec {
  constructor(private readonly key: Buffer) {}

  encode(scope: CursorScope, position: Position): string {
    const list = scope.order ? `${scope.list}~${scope.order}` : scope.list;
    const parts = [CURSOR_VERSION, list, scope.parent, position.sid];
    if (position.key !== undefined) parts.push(position.key);
    const payload = parts.join('|');
    return `${Buffer.from(payload).toString('base64url')}.${this.mac(payload).toString('base64url')}`;
  }

  /** The position a cursor points at; BadInputError if it is malformed, tampered with or from another list or order. */
  decode(cursor: string, scope: CursorScope, argument: string): Position {
    const invalid = () => new BadInputError(`${argument} is not a valid cursor for this list`, argument);
    if (cursor.length > 512 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
    const payload = Buffer.from(cursor.slice(0, cursor.indexOf('.')), 'base64url').toString();
    const [, , , sid, key] = payload.split('|');
    if (!sid || (key !== undefined) !== Boolean(scope.keyed)) throw invalid();
    const position = { sid, key };
    // The one cursor we would issue for this position in this scope: equal only
    // when the version, list, order and parent match, the MAC is right and the
    // encoding is exactly ours (base64 decoding ignores stray trailing bits).
    const expected = Buffer.from(this.encode(scope, position));
    const given = Buffer.from(cursor);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
    return position;
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.key).update(payload).digest().subarray(0, MAC_BYTES);
  }
}

/** Validates Relay arguments into a keyset window for the given scope. */
export function pageWindow(args: PageArgs, scope: CursorScope, cursors: CursorCodec): PageWindow {
  const { first, last } = args;
  if (first != null && last != null) {
    throw new BadInputError('Pass either first or last, not both', 'first');
  }
  for (const [name, value] of [
    ['first', first],
    ['last', last],
  ] as const) {
    if (value != null && (!Number.isInteger(value) || value < 0 || value > MAX_PAGE_SIZE)) {
      throw new BadInputError(`${name} must be an integer from 0 to ${MAX_PAGE_SIZE}`, name);
    }
  }
  const forward = last == null;
  return {
    forward,
    size: (forward ? first : last) ?? DEFAULT_PAGE_SIZE,
    after: args.after != null ? cursors.decode(args.after, scope, 'after') : undefined,
    before: args.before != null ? cursors.decode(args.before, scope, 'before') : undefined,
  };
}

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

/** A validated keyset window over rows ordered by `sid`. */
export interface PageWindow {
  forward: boolean;
  size: number;
  /** Only rows with sid > afterSid. */
  afterSid?: string | undefined;
  /** Only rows with sid < beforeSid. */
  beforeSid?: string | undefined;
}

/** One page of a list, ordered by sid, with exact neighbours and the cursors of its rows. */
export interface Page<T> {
  rows: T[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  /** The signed cursor of the row with this sid, valid for this list only (made when asked: most pages need one or none). */
  cursorOf(sid: string): string;
}

/**
 * What a cursor points into: the kind of list and the parent it lists under
 * (e.g. `bindings` of service IS…). A cursor is only valid for the same scope.
 */
export interface CursorScope {
  list: 'bindings' | 'users' | 'services' | 'credentials';
  parent: string;
}

const CURSOR_VERSION = '1';
const MAC_BYTES = 12;

/**
 * Opaque, signed cursors: base64url("1|list|parent|sid") + "." + truncated
 * HMAC. A tampered or foreign cursor is rejected instead of silently paging
 * from somewhere else.
 */
export class CursorCodec {
  constructor(private readonly key: Buffer) {}

  encode(scope: CursorScope, sid: string): string {
    const payload = [CURSOR_VERSION, scope.list, scope.parent, sid].join('|');
    return `${Buffer.from(payload).toString('base64url')}.${this.mac(payload).toString('base64url')}`;
  }

  /** The sid a cursor points at; BadInputError if it is malformed, tampered with or from another list. */
  decode(cursor: string, scope: CursorScope, argument: string): string {
    const invalid = () => new BadInputError(`${argument} is not a valid cursor for this list`, argument);
    if (cursor.length > 512 || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
    const payload = Buffer.from(cursor.slice(0, cursor.indexOf('.')), 'base64url').toString();
    const sid = payload.split('|')[3];
    if (!sid) throw invalid();
    // The one cursor we would issue for this sid in this scope: equal only when
    // the version, list and parent match, the MAC is right and the encoding is
    // exactly ours (base64 decoding ignores stray trailing bits).
    const expected = Buffer.from(this.encode(scope, sid));
    const given = Buffer.from(cursor);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
    return sid;
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
    afterSid: args.after != null ? cursors.decode(args.after, scope, 'after') : undefined,
    beforeSid: args.before != null ? cursors.decode(args.before, scope, 'before') : undefined,
  };
}

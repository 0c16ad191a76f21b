import pg from 'pg';
import type { SqlReader } from '../domain/data-context.js';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { timeStatement } from '../platform/metrics.js';
import { traceStatement } from '../platform/tracing.js';
import { createStatementNames } from './statement-names.js';

export type { SqlReader };

/** A statement sent, for DatabaseOptions.onQuery. */
export interface QueryEvent {
  query: string;
  params: string;
  duration: number;
}

/** Through Prisma (the embedded PGlite, and anything without a `pg` pool). */
export function prismaReader(prisma: PrismaClient): SqlReader {
  return { rows: <T>(query: Prisma.Sql) => prisma.$queryRaw<T[]>(query) };
}

/**
 * Through the `pg` pool: Prisma's runtime around `$queryRaw` (argument
 * mapping, its query interpreter, result conversion) costs more CPU than these
 * statements themselves (`npm --prefix bench run cpu` compares). As named statements (parsed and planned once per
 * connection, like Prisma's own through the adapter; these names cannot clash
 * with Prisma's). Timed, traced and reported to `onQuery` like Prisma's.
 */
export function pgReader(pool: pg.Pool, onQuery?: (event: QueryEvent) => void): SqlReader {
  const nameOf = createStatementNames(500, 'gr');
  return {
    rows<T>(query: Prisma.Sql): Promise<T[]> {
      const text = query.text;
      const config: pg.QueryConfig = { text, values: query.values.map(toPg), types: TYPES };
      const name = nameOf({ sql: text });
      if (name !== undefined) config.name = name;
      const started = onQuery ? performance.now() : 0;
      return traceStatement(text, () =>
        timeStatement(text, async () => {
          const result = await pool.query(config);
          onQuery?.({ query: text, params: JSON.stringify(query.values, jsonSafe), duration: performance.now() - started });
          return result.rows as T[];
        }),
      );
    },
  };
}

/**
 * Dates as ISO strings in UTC (node-postgres would send local time, which a
 * `timestamp` column would take at face value), bigints as text.
 */
function toPg(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  return value;
}

function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

const TIMESTAMP = 1114;
const TIMESTAMP_ARRAY = 1115;
const INT8 = 20;
const TEXT_ARRAY = 1009;

/**
 * `timestamp` (without time zone) holds UTC here, as Prisma reads and writes
 * it. Read field by field: `new Date(text)` costs several times more, and a
 * page reads two per row. Anything but `YYYY-MM-DD HH:MM:SS[.fff…]` in years
 * 1000–9999 (BC, five-digit years, infinity) takes the slow path.
 */
function timestampOf(text: string): Date {
  if (TIMESTAMP_TEXT.test(text)) {
    const ms = text.length > 20 ? Number(text.slice(20, 23).padEnd(3, '0')) : 0;
    return new Date(
      Date.UTC(
        Number(text.slice(0, 4)),
        Number(text.slice(5, 7)) - 1,
        Number(text.slice(8, 10)),
        Number(text.slice(11, 13)),
        Number(text.slice(14, 16)),
        Number(text.slice(17, 19)),
        ms,
      ),
    );
  }
  return new Date(`${text.replace(' ', 'T')}Z`);
}
const TIMESTAMP_TEXT = /^[1-9]\d{3}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{1,6})?$/;

const anyTextArray = pg.types.getTypeParser(TEXT_ARRAY as never, 'text') as (text: string) => Array<string | null>;

/**
 * A `text[]` (a binding's message types, on every row of a page). PostgreSQL
 * quotes every element holding a quote, backslash, comma, brace or space, an
 * empty one and the string "NULL"; an array with no quote or backslash and no
 * inner brace is therefore split as it stands (unquoted NULL is null). The
 * rest (and bounds such as `[0:1]={…}`) go to node-postgres' parser, which
 * reads every character one by one.
 */
function textArray(text: string): Array<string | null> {
  if (text === '{}') return [];
  if (text.charCodeAt(0) !== 123 /* { */ || /["\\{}]/.test(text.slice(1, -1))) return anyTextArray(text);
  return text
    .slice(1, -1)
    .split(',')
    .map((item) => (item === 'NULL' ? null : item));
}

const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format === undefined || format === 'text') {
      if (oid === TIMESTAMP) return timestampOf;
      if (oid === INT8) return (text: string) => BigInt(text);
      if (oid === TEXT_ARRAY) return textArray;
      if (oid === TIMESTAMP_ARRAY) return (text: string) => anyTextArray(text).map((t) => (t === null ? null : timestampOf(t)));
    }
    return pg.types.getTypeParser(oid, format ?? 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

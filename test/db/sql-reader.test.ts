import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.js';
import { backend, openTestDatabase, type TestDatabase } from '../helpers/db.js';

// The hot paths' reads (db.reader: `pg` directly on PostgreSQL) must give
// exactly the values `$queryRaw` gives for the same statement.
let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

const TIMESTAMPS = [
  '2016-10-21 11:37:03',
  '2016-10-21 11:37:03.5',
  '2016-10-21 11:37:03.05',
  '2016-10-21 11:37:03.123',
  '2016-10-21 11:37:03.123456',
  '2024-02-29 23:59:59.999',
  '1970-01-01 00:00:00',
  '1000-01-01 00:00:00',
  '0099-12-31 23:59:59',
  '0001-01-01 00:00:00',
  '9999-12-31 23:59:59.999',
];

describe(`db.reader (${backend})`, () => {
  it('reads timestamps, timestamp arrays, bigints, ints, text arrays (quoted, empty, bounded, nested), booleans and nulls as $queryRaw does', async () => {
    const query = Prisma.sql`
      SELECT t AS ts, ARRAY[t, NULL]::timestamp[] AS tss, (EXTRACT(EPOCH FROM t) * 1000)::int8 AS big, 7::int AS small,
             ARRAY['a', NULL, 'c,d']::text[] AS texts, ARRAY['removed_from_channel', 'new_message']::text[] AS plain, ARRAY['a', NULL]::text[] AS with_null,
             ARRAY['NULL', '', ' x ', 'a"b', 'a\\b', '{c}', 'ü']::text[] AS quoted, '{}'::text[] AS empty,
             '[0:1]={a,b}'::text[] AS bounded, ARRAY[ARRAY['a', 'b'], ARRAY['c', 'd']]::text[] AS nested,
             true AS yes, NULL::text AS nothing,
             ${new Date('2016-10-21T11:37:03.123Z')}::timestamp AS param_date, ${10n ** 15n}::int8 AS param_big
      FROM unnest(${TIMESTAMPS}::timestamp[]) AS u(t) ORDER BY t`;
    const viaReader = await db.reader.rows<Record<string, unknown>>(query);
    const viaPrisma = await db.prisma.$queryRaw<Array<Record<string, unknown>>>(query);
    expect(viaReader).toHaveLength(TIMESTAMPS.length);
    expect(viaReader).toEqual(viaPrisma);
    const first = viaReader[0]!;
    expect(first.ts).toBeInstanceOf(Date);
    expect((viaReader.at(-1)!.ts as Date).toISOString()).toBe('9999-12-31T23:59:59.999Z');
    expect(first.param_date).toEqual(new Date('2016-10-21T11:37:03.123Z'));
    expect(first.param_big).toBe(10n ** 15n);
    expect(first.plain).toEqual(['removed_from_channel', 'new_message']);
    expect(first.with_null).toEqual(['a', null]);
    expect(first.quoted).toEqual(['NULL', '', ' x ', 'a"b', 'a\\b', '{c}', 'ü']);
    expect(first.texts).toEqual(['a', null, 'c,d']);
  });

  it('takes Date parameters as UTC whatever the process time zone', async () => {
    const at = new Date('2020-06-30T22:30:00.250Z');
    const [row] = await db.reader.rows<{ text: string }>(Prisma.sql`SELECT ${at}::timestamp::text AS text`);
    expect(row!.text).toBe('2020-06-30 22:30:00.25');
  });
});

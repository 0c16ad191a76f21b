/**
 * bindingStats: every field equals what counting the rows gives (computed here
 * in JavaScript from the rows themselves, against the answer's `asOf`), for a
 * service unfiltered (maintained counters) and filtered, and for users, after
 * random inserts, re-registrations, deletes, cascades and prune jobs; bucket
 * and staleness edge cases; and what one request costs in SQL statements.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Binding, BindingFilter, BindingType } from '../../src/domain/bindings.js';
import type { DataContext } from '../../src/domain/data-context.js';
import { CursorCodec } from '../../src/domain/paging.js';
import { claimPruneJob, createPruneJob } from '../../src/domain/prune.js';
import { newSid } from '../../src/domain/sids.js';
import { bindingStats, STALENESS_DAYS, type StatsInterval, type StatsPart, type StatsScope } from '../../src/domain/stats.js';
import { newRunnerOwner, runClaimedJob } from '../../src/jobs/prune.js';
import { createLogger } from '../../src/platform/logger.js';
import { errorCodes, startTestApp, type TestApp } from '../helpers/app.js';

const DAY = 86_400_000;
const TYPES: BindingType[] = ['apn', 'gcm', 'fcm'];
const MESSAGE_TYPES = ['new_message', 'added_to_channel', 'invited_to_channel', 'removed_from_channel'];

let t: TestApp;
let data: DataContext;
let counter = 0;
const sid = (prefix: 'IS' | 'US' | 'BS') => newSid(prefix, () => createHash('sha256').update(`stats-test:${counter++}`).digest().subarray(0, 16));

beforeAll(async () => {
  t = await startTestApp({ seed: 'stats', users: 6, bigServiceBindings: 40 });
  data = { prisma: t.db.prisma, reader: t.db.reader, cursors: new CursorCodec(Buffer.alloc(32)) };
}, 60_000);

afterAll(async () => {
  await t?.close();
});

// ---------------------------------------------------------------------------
// The reference: counting rows in JavaScript.

function bucketStart(time: number, interval: StatsInterval): number {
  const d = new Date(time);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (interval === 'DAY') return day;
  if (interval === 'WEEK') return day - ((d.getUTCDay() + 6) % 7) * DAY;
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

function nextBucket(start: number, interval: StatsInterval): number {
  if (interval === 'DAY') return start + DAY;
  if (interval === 'WEEK') return start + 7 * DAY;
  const d = new Date(start);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

function ranked<K extends string>(rows: Iterable<string>, name: K): Array<Record<K, string> & { count: number }> {
  const counts = new Map<string, number>();
  for (const key of rows) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts]
    .sort(([a, x], [b, y]) => y - x || (Buffer.compare(Buffer.from(a), Buffer.from(b)) as number))
    .map(([key, count]) => ({ [name]: key, count }) as Record<K, string> & { count: number });
}

function matches(b: Binding, f: BindingFilter): boolean {
  if (f.bindingTypes?.length && !f.bindingTypes.includes(b.bindingType)) return false;
  if (f.identities?.length && !f.identities.includes(b.identity)) return false;
  if (f.identityPrefix && !b.identity.startsWith(f.identityPrefix)) return false;
  if (f.credentialSids?.length && !(b.credentialSid && f.credentialSids.includes(b.credentialSid))) return false;
  if (f.createdAfter && !(b.dateCreated > f.createdAfter)) return false;
  if (f.createdBefore && !(b.dateCreated < f.createdBefore)) return false;
  if (f.updatedAfter && !(b.dateUpdated > f.updatedAfter)) return false;
  if (f.updatedBefore && !(b.dateUpdated < f.updatedBefore)) return false;
  return true;
}

interface Registrations {
  interval: StatsInterval;
  from?: Date | undefined;
  to?: Date | undefined;
}

function expected(rows: Binding[], asOf: Date, reg: Registrations) {
  const to = reg.to?.getTime() ?? asOf.getTime();
  let from = reg.from?.getTime();
  if (from === undefined) {
    from = bucketStart(to - 1, reg.interval);
    for (let i = 0; i < 29; i++) from = bucketStart(from - 1, reg.interval);
  }
  const buckets: Array<{ start: string; count: number }> = [];
  for (let s = bucketStart(from, reg.interval); s < to; s = nextBucket(s, reg.interval)) {
    const end = nextBucket(s, reg.interval);
    const count = rows.filter((r) => {
      const c = r.dateCreated.getTime();
      return c >= Math.max(s, from) && c < Math.min(end, to);
    }).length;
    buckets.push({ start: new Date(s).toISOString(), count });
  }
  return {
    total: rows.length,
    byType: ranked(
      rows.map((r) => r.bindingType.toUpperCase()),
      'bindingType',
    ),
    byCredential: ranked(
      rows.map((r) => r.credentialSid ?? ''),
      'credentialSid',
    ).map((x) => ({ credentialSid: x.credentialSid || null, count: x.count })),
    byMessageType: ranked(
      rows.flatMap((r) => [...new Set(r.messageTypes)]),
      'messageType',
    ),
    staleness: STALENESS_DAYS.map((n) => ({
      olderThanDays: n,
      count: rows.filter((r) => r.dateUpdated.getTime() < asOf.getTime() - n * DAY).length,
    })),
    registrations: buckets,
  };
}

const STATS_FIELDS = (reg: Registrations) => `asOf total byType { bindingType count } byCredential { credentialSid count }
  byMessageType { messageType count } staleness { olderThanDays count }
  registrations(interval: ${reg.interval}${reg.from ? `, from: "${reg.from.toISOString()}"` : ''}${reg.to ? `, to: "${reg.to.toISOString()}"` : ''}) { start count }`;

function filterArgs(f: BindingFilter, withIdentity: boolean): string {
  const args: string[] = [];
  if (f.bindingTypes?.length) args.push(`bindingType: [${f.bindingTypes.map((x) => x.toUpperCase()).join(', ')}]`);
  if (f.credentialSids?.length) args.push(`credentialSid: ${JSON.stringify(f.credentialSids)}`);
  if (withIdentity && f.identities?.length) args.push(`identity: ${JSON.stringify(f.identities)}`);
  if (withIdentity && f.identityPrefix) args.push(`identityPrefix: ${JSON.stringify(f.identityPrefix)}`);
  for (const k of ['createdAfter', 'createdBefore', 'updatedAfter', 'updatedBefore'] as const) {
    if (f[k]) args.push(`${k}: "${f[k].toISOString()}"`);
  }
  return args.length ? `(${args.join(', ')})` : '';
}

/** Asks GraphQL for every field and compares each with the rows. */
async function check(parent: { service: string; user?: string }, filter: BindingFilter, reg: Registrations) {
  const fields = STATS_FIELDS(reg);
  const query = parent.user
    ? `{ service(sid: "${parent.service}") { user(sid: "${parent.user}") { bindingStats${filterArgs(filter, false)} { ${fields} } } } }`
    : `{ service(sid: "${parent.service}") { bindingStats${filterArgs(filter, true)} { ${fields} } } }`;
  const result = await t.graphql(query);
  expect(result.body.errors, query).toBeUndefined();
  const stats = parent.user ? result.body.data.service.user.bindingStats : result.body.data.service.bindingStats;
  const rows = (await t.db.prisma.binding.findMany({ where: parent.user ? { userSid: parent.user } : { serviceSid: parent.service } })).filter((b) =>
    matches(b, filter),
  );
  const { asOf, ...answer } = stats;
  expect(answer, query).toEqual(expected(rows, new Date(asOf), reg));
}

// ---------------------------------------------------------------------------
// Random writes.

interface World {
  service: string;
  users: Array<{ sid: string; identity: string }>;
  credentials: string[];
}

async function makeWorld(accountSid: string): Promise<World> {
  const service = await t.db.prisma.service.create({ data: { sid: sid('IS'), accountSid, friendlyName: 'stats' } });
  const users = Array.from({ length: 4 }, (_, u) => ({ sid: sid('US'), serviceSid: service.sid, identity: `u${u}@stats.example` }));
  await t.db.prisma.user.createMany({ data: users });
  const credentials = (await t.db.prisma.credential.findMany({ where: { accountSid }, orderBy: { sid: 'asc' } })).map((c) => c.sid);
  return { service: service.sid, users, credentials };
}

/** A time near now: around the staleness cutoffs and bucket edges, or anywhere in the last two years. */
const timeArb = fc.oneof(
  fc.integer({ min: -800 * DAY, max: 0 }),
  fc.constantFrom(...STALENESS_DAYS).chain((n) => fc.integer({ min: -n * DAY - 2 * DAY, max: -n * DAY + 2 * DAY })),
  fc.integer({ min: -3 * DAY, max: 0 }),
);

const writeArb = fc.oneof(
  fc.record({
    op: fc.constant('insert' as const),
    n: fc.integer({ min: 1, max: 6 }),
    user: fc.nat(3),
    type: fc.constantFrom(...TYPES),
    credential: fc.integer({ min: -1, max: 2 }),
    messageTypes: fc.subarray(MESSAGE_TYPES),
    created: timeArb,
    updatedAfter: fc.integer({ min: 0, max: 400 * DAY }),
  }),
  fc.record({
    op: fc.constant('reregister' as const),
    pick: fc.nat(),
    credential: fc.integer({ min: -1, max: 2 }),
    messageTypes: fc.subarray([...MESSAGE_TYPES, 'new_message']),
    updated: timeArb,
  }),
  fc.record({ op: fc.constant('delete' as const), pick: fc.nat(), n: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ op: fc.constant('deleteUser' as const), user: fc.nat(3) }),
  fc.record({ op: fc.constant('prune' as const), type: fc.constantFrom(...TYPES) }),
);

type Write = typeof writeArb extends fc.Arbitrary<infer W> ? W : never;

async function apply(world: World, w: Write, now: number, accountSid: string) {
  const p = t.db.prisma;
  const pick = async (n: number) => {
    const all = await p.binding.findMany({ where: { serviceSid: world.service }, select: { sid: true }, orderBy: { sid: 'asc' } });
    return all.length ? all.slice(n % all.length, (n % all.length) + ('n' in w ? w.n : 1)).map((b) => b.sid) : [];
  };
  switch (w.op) {
    case 'insert': {
      const user = world.users[w.user];
      if (!(await p.user.findUnique({ where: { sid: user!.sid } }))) {
        await p.user.create({ data: { sid: user!.sid, serviceSid: world.service, identity: user!.identity } });
      }
      await p.binding.createMany({
        data: Array.from({ length: w.n }, (_, i) => ({
          sid: sid('BS'),
          accountSid,
          serviceSid: world.service,
          userSid: user!.sid,
          identity: user!.identity,
          endpoint: `ep-${counter}-${i}`,
          bindingType: w.type,
          credentialSid: w.credential < 0 ? null : world.credentials[w.credential]!,
          messageTypes: w.messageTypes,
          dateCreated: new Date(now + w.created + i * 3_600_000),
          dateUpdated: new Date(Math.min(now, now + w.created + w.updatedAfter)),
        })),
      });
      return;
    }
    case 'reregister': {
      for (const s of await pick(w.pick)) {
        await p.binding.update({
          where: { sid: s },
          data: {
            credentialSid: w.credential < 0 ? null : world.credentials[w.credential]!,
            messageTypes: w.messageTypes,
            dateUpdated: new Date(now + w.updated),
          },
        });
      }
      return;
    }
    case 'delete': {
      await p.binding.deleteMany({ where: { sid: { in: await pick(w.pick) } } });
      return;
    }
    case 'deleteUser': {
      await p.user.deleteMany({ where: { sid: world.users[w.user]!.sid } });
      return;
    }
    case 'prune': {
      const job = await createPruneJob(p, { accountSid, credentialSid: accountSid, scope: 'read-write' }, world.service, { bindingTypes: [w.type] });
      const owner = newRunnerOwner('stats-test');
      const claimed = await claimPruneJob(p, owner, { sid: job.sid });
      if (claimed) await runClaimedJob(p, createLogger('silent'), claimed, owner, { batchSize: 2 });
      return;
    }
  }
}

const regArb = fc.oneof(
  fc.record({ interval: fc.constantFrom<StatsInterval>('DAY', 'WEEK', 'MONTH') }),
  fc
    .record({
      interval: fc.constantFrom<StatsInterval>('DAY', 'WEEK', 'MONTH'),
      from: fc.integer({ min: -400 * DAY, max: 0 }),
      span: fc.integer({ min: 0, max: 120 * DAY }),
    })
    .map(({ interval, from, span }) => ({ interval, from, span })),
);

function regOf(r: { interval: StatsInterval; from?: number; span?: number }, now: number): Registrations {
  if (r.from === undefined) return { interval: r.interval };
  const span = r.interval === 'DAY' ? Math.min(r.span!, 200 * DAY) : r.span!;
  return { interval: r.interval, from: new Date(now + r.from), to: new Date(now + r.from + span) };
}

function filterOfWorld(world: World, f: { types: BindingType[]; credential: number; identity: number; prefix: boolean; after: number | null }, now: number) {
  const filter: BindingFilter = {};
  if (f.types.length) filter.bindingTypes = f.types;
  if (f.credential >= 0) filter.credentialSids = [world.credentials[f.credential % world.credentials.length]!];
  if (f.identity >= 0) filter.identities = [world.users[f.identity % 4]!.identity];
  if (f.prefix) filter.identityPrefix = 'u1';
  if (f.after !== null) filter.updatedAfter = new Date(now + f.after);
  return filter;
}

const filterArb = fc.record({
  types: fc.subarray(TYPES),
  credential: fc.integer({ min: -1, max: 2 }),
  identity: fc.integer({ min: -1, max: 3 }),
  prefix: fc.boolean(),
  after: fc.option(fc.integer({ min: -400 * DAY, max: 0 })),
});

describe('bindingStats equals counting the rows', () => {
  it('after random inserts, re-registrations, deletes, user cascades and prune jobs: service unfiltered and filtered, and users', async () => {
    const world = await makeWorld(t.scenario.a.sid);
    const now = Date.now();
    await fc.assert(
      fc.asyncProperty(fc.array(writeArb, { minLength: 1, maxLength: 6 }), regArb, filterArb, async (writes, reg, f) => {
        for (const w of writes) await apply(world, w, now, t.scenario.a.sid);
        const registrations = regOf(reg, now);
        await check({ service: world.service }, {}, registrations);
        await check({ service: world.service }, filterOfWorld(world, f, now), registrations);
        const user = await t.db.prisma.user.findFirst({ where: { serviceSid: world.service }, orderBy: { sid: 'asc' } });
        if (user) {
          const { identities: _i, identityPrefix: _p, ...userFilter } = filterOfWorld(world, f, now);
          await check({ service: world.service, user: user.sid }, {}, registrations);
          await check({ service: world.service, user: user.sid }, userFilter, registrations);
        }
      }),
      { numRuns: 25, seed: 13 },
    );
    // The maintained counters themselves equal GROUP BY over the table, everywhere.
    const lines = async (sql: TemplateStringsArray) => (await t.db.prisma.$queryRaw<Array<{ line: string }>>(sql)).map((r) => r.line);
    expect(await lines`SELECT service_sid || ' ' || facet || ' ' || key || ' ' || count AS line FROM binding_facet_counts WHERE count <> 0 ORDER BY 1`).toEqual(
      await lines`SELECT line FROM (
        SELECT service_sid || ' credential ' || COALESCE(credential_sid, '') || ' ' || count(*) AS line FROM bindings GROUP BY service_sid, credential_sid
        UNION ALL
        SELECT b.service_sid || ' message_type ' || m.key || ' ' || count(*) FROM bindings b CROSS JOIN LATERAL (SELECT DISTINCT unnest(b.message_types) AS key) m GROUP BY b.service_sid, m.key
      ) x ORDER BY 1`,
    );
    expect(await lines`SELECT service_sid || ' ' || kind || ' ' || day || ' ' || count AS line FROM binding_day_counts WHERE count <> 0 ORDER BY 1`).toEqual(
      await lines`SELECT line FROM (
        SELECT service_sid || ' created ' || date_created::date || ' ' || count(*) AS line FROM bindings GROUP BY service_sid, date_created::date
        UNION ALL
        SELECT service_sid || ' updated ' || date_updated::date || ' ' || count(*) FROM bindings GROUP BY service_sid, date_updated::date
      ) x ORDER BY 1`,
    );
    expect(
      await t.db.prisma.$queryRaw<unknown[]>`SELECT 1 FROM binding_facet_counts WHERE count < 0 UNION ALL SELECT 1 FROM binding_day_counts WHERE count < 0`,
    ).toEqual([]);
  }, 240_000);

  it("the scenario's services, and nothing of another account's (counters are per service, scoped to the caller's account)", async () => {
    const registrations: Registrations = { interval: 'MONTH', from: new Date('2000-01-01T00:00:00Z'), to: new Date('2000-03-01T00:00:00Z') };
    for (const s of t.scenario.a.services) await check({ service: s.sid }, {}, { interval: 'DAY' });
    await check({ service: t.scenario.a.services[0]!.sid }, { bindingTypes: ['apn'] }, registrations);
    // A's service asked through B's credentials: the domain returns nothing of A's.
    const scope: StatsScope = { accountSid: t.scenario.b.sid, parent: 'service', parentSid: t.scenario.a.services[0]!.sid, filter: {} };
    const parts: StatsPart[] = [{ kind: 'total' }, { kind: 'byType' }, { kind: 'byCredential' }, { kind: 'byMessageType' }, { kind: 'staleness' }];
    expect(await bindingStats(data, scope, parts)).toEqual([0, [], [], [], STALENESS_DAYS.map((n) => ({ olderThanDays: n, count: 0 }))]);
    expect(await bindingStats(data, { ...scope, filter: { bindingTypes: ['apn'] } }, parts)).toEqual([
      0,
      [],
      [],
      [],
      STALENESS_DAYS.map((n) => ({ olderThanDays: n, count: 0 })),
    ]);
    const bUser = await t.db.prisma.user.findFirstOrThrow({ where: { serviceSid: t.scenario.a.services[0]!.sid } });
    expect(await bindingStats(data, { ...scope, parent: 'user', parentSid: bUser.sid }, parts.slice(0, 1))).toEqual([0]);
    const foreign = await t.graphql(`{ service(sid: "${t.scenario.a.services[0]!.sid}") { bindingStats { total } } }`, {}, t.scenario.b.authorization);
    expect(foreign.body).toEqual({ data: { service: null } });
  });
});

describe('buckets and staleness at their edges', () => {
  let world: World;
  const created = [
    '2024-01-31T23:59:59.999Z',
    '2024-02-01T00:00:00.000Z',
    '2024-02-28T12:00:00.000Z',
    '2024-02-29T23:59:59.999Z', // leap day
    '2024-03-01T00:00:00.000Z',
    '2024-03-03T23:59:59.999Z', // Sunday
    '2024-03-04T00:00:00.000Z', // Monday
    '2024-03-04T00:00:00.001Z',
    '2024-03-10T15:00:00.000Z',
    '2023-02-28T10:00:00.000Z', // February of a common year
  ];

  beforeAll(async () => {
    world = await makeWorld(t.scenario.a.sid);
    const user = world.users[0]!;
    await t.db.prisma.binding.createMany({
      data: created.map((c, i) => ({
        sid: sid('BS'),
        accountSid: t.scenario.a.sid,
        serviceSid: world.service,
        userSid: user.sid,
        identity: user.identity,
        endpoint: `edge-${i}`,
        bindingType: TYPES[i % 3]!,
        dateCreated: new Date(c),
        dateUpdated: new Date(c),
      })),
    });
  });

  const registrations = async (args: string, filter = '') => {
    const r = await t.graphql(`{ service(sid: "${world.service}") { bindingStats${filter} { registrations${args ? `(${args})` : ''} { start count } } } }`);
    return r;
  };
  const buckets = async (args: string, filter = '') => {
    const r = await registrations(args, filter);
    expect(r.body.errors).toBeUndefined();
    return (r.body.data.service.bindingStats.registrations as Array<{ start: string; count: number }>).map((b) => `${b.start} ${b.count}`);
  };

  it('MONTH: calendar months of 31, 29 and 28 days, from inclusive, to exclusive, empty months included', async () => {
    for (const filter of ['', '(bindingType: [APN, GCM, FCM])']) {
      expect(await buckets('interval: MONTH, from: "2024-01-01T00:00:00Z", to: "2024-04-01T00:00:00Z"', filter)).toEqual([
        '2024-01-01T00:00:00.000Z 1',
        '2024-02-01T00:00:00.000Z 3',
        '2024-03-01T00:00:00.000Z 5',
      ]);
      expect(await buckets('interval: MONTH, from: "2023-01-15T00:00:00Z", to: "2023-05-01T00:00:00Z"', filter)).toEqual([
        '2023-01-01T00:00:00.000Z 0',
        '2023-02-01T00:00:00.000Z 1',
        '2023-03-01T00:00:00.000Z 0',
        '2023-04-01T00:00:00.000Z 0',
      ]);
      // to exclusive at the millisecond, from inclusive at the millisecond, both inside a day.
      expect(await buckets('interval: MONTH, from: "2024-02-01T00:00:00.000Z", to: "2024-03-04T00:00:00.001Z"', filter)).toEqual([
        '2024-02-01T00:00:00.000Z 3',
        '2024-03-01T00:00:00.000Z 3',
      ]);
      expect(await buckets('interval: MONTH, from: "2024-02-01T00:00:00.001Z", to: "2024-03-04T00:00:00.002Z"', filter)).toEqual([
        '2024-02-01T00:00:00.000Z 2',
        '2024-03-01T00:00:00.000Z 4',
      ]);
    }
  });

  it('WEEK: ISO weeks from Monday 00:00 UTC', async () => {
    for (const filter of ['', '(updatedAfter: "2000-01-01T00:00:00Z")']) {
      expect(await buckets('interval: WEEK, from: "2024-02-26T00:00:00Z", to: "2024-03-18T00:00:00Z"', filter)).toEqual([
        '2024-02-26T00:00:00.000Z 4', // Mon 26 Feb .. Sun 3 Mar
        '2024-03-04T00:00:00.000Z 3',
        '2024-03-11T00:00:00.000Z 0',
      ]);
      // from on a Wednesday: the first bucket starts on the Monday before but counts from `from`.
      expect(await buckets('interval: WEEK, from: "2024-02-28T12:00:00.000Z", to: "2024-03-04T00:00:00.000Z"', filter)).toEqual(['2024-02-26T00:00:00.000Z 4']);
      expect(await buckets('interval: WEEK, from: "2024-02-28T12:00:00.001Z", to: "2024-03-04T00:00:00.000Z"', filter)).toEqual(['2024-02-26T00:00:00.000Z 3']);
    }
  });

  it('DAY: empty days, from = to gives no bucket, defaults give 30 buckets ending with today', async () => {
    expect(await buckets('interval: DAY, from: "2024-02-28T00:00:00Z", to: "2024-03-02T00:00:00Z"')).toEqual([
      '2024-02-28T00:00:00.000Z 1',
      '2024-02-29T00:00:00.000Z 1',
      '2024-03-01T00:00:00.000Z 1',
    ]);
    expect(await buckets('interval: DAY, from: "2024-02-28T00:00:00Z", to: "2024-02-28T00:00:00Z"')).toEqual([]);
    const defaults = await buckets('');
    expect(defaults).toHaveLength(30);
    const today = new Date();
    expect(defaults.at(-1)).toBe(`${new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate())).toISOString()} 0`);
    expect(await buckets('interval: MONTH, to: "2024-03-01T00:00:00Z"')).toHaveLength(30);
    expect((await buckets('interval: MONTH, to: "2024-03-01T00:00:00Z"'))[0]).toBe('2021-09-01T00:00:00.000Z 0');
    expect((await buckets('interval: WEEK, to: "2024-03-04T00:00:00.001Z"')).slice(-2)).toEqual(['2024-02-26T00:00:00.000Z 4', '2024-03-04T00:00:00.000Z 1']);
  });

  it('more than 1000 buckets, from after to, dates out of range: BAD_USER_INPUT', async () => {
    expect(await buckets('interval: DAY, from: "2020-01-01T00:00:00Z", to: "2022-09-27T00:00:00Z"')).toHaveLength(1000);
    for (const [args, filter] of [
      ['interval: DAY, from: "2020-01-01T00:00:00Z", to: "2022-09-28T00:00:00Z"', ''],
      ['interval: DAY, from: "2020-01-01T00:00:00Z", to: "2022-09-28T00:00:00Z"', '(bindingType: [APN])'],
      ['interval: DAY, from: "2020-01-01T00:00:00Z"', ''],
      ['interval: MONTH, from: "1900-01-01T00:00:00Z"', ''],
      ['interval: DAY, from: "2024-01-02T00:00:00Z", to: "2024-01-01T00:00:00Z"', ''],
      ['interval: DAY, from: "2999-01-02T00:00:00Z"', ''],
      ['interval: DAY, to: "0100-01-01T00:00:00Z"', ''],
    ] as const) {
      const r = await registrations(args, filter);
      expect(errorCodes(r), args).toEqual(['BAD_USER_INPUT']);
    }
    // The other fields still answer next to a refused registrations.
    const r = await t.graphql(
      `{ service(sid: "${world.service}") { bindingStats { total registrations(interval: DAY, from: "2024-01-02T00:00:00Z", to: "2024-01-01T00:00:00Z") { start } } } }`,
    );
    expect(errorCodes(r)).toEqual(['BAD_USER_INPUT']);
  });

  it('staleness: strictly older than the cutoff, to the millisecond, against the clock of the statement', async () => {
    // In one transaction now() stands still: rows at the cutoff and a millisecond either side of it.
    await t.db.prisma
      .$transaction(async (tx) => {
        const [clock] = await tx.$queryRaw<Array<{ now: string }>>`
          SELECT to_char(date_trunc('milliseconds', now() AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS now`;
        const asOf = new Date(clock!.now).getTime();
        const user = world.users[0]!;
        const rows = STALENESS_DAYS.flatMap((n) =>
          [-1, 0, 1].map((delta) => ({
            sid: sid('BS'),
            accountSid: t.scenario.a.sid,
            serviceSid: world.service,
            userSid: user.sid,
            identity: user.identity,
            endpoint: `stale-${n}-${delta}`,
            bindingType: 'fcm' as const,
            dateCreated: new Date(asOf - 400 * DAY),
            dateUpdated: new Date(asOf - n * DAY + delta),
          })),
        );
        await tx.binding.createMany({ data: rows });
        const all = await tx.binding.findMany({ where: { serviceSid: world.service } });
        const txData = { ...data, prisma: tx as unknown as DataContext['prisma'] };
        for (const filter of [{}, { bindingTypes: ['fcm' as const, 'apn' as const, 'gcm' as const] }]) {
          const scope: StatsScope = { accountSid: t.scenario.a.sid, parent: 'service', parentSid: world.service, filter };
          const [asOfAnswer, staleness] = await bindingStats(txData, scope, [{ kind: 'asOf' }, { kind: 'staleness' }]);
          expect(asOfAnswer).toEqual(new Date(asOf));
          expect(staleness).toEqual(
            STALENESS_DAYS.map((n) => ({ olderThanDays: n, count: all.filter((b) => b.dateUpdated.getTime() < asOf - n * DAY).length })),
          );
        }
        throw new Rollback();
      })
      .catch((error) => {
        if (!(error instanceof Rollback)) throw error;
      });
  });
});

class Rollback extends Error {}

describe('cost', () => {
  it('`service { bindingStats { total } }` is one statement, the service row and its counters; every field together is one too', async () => {
    const service = t.scenario.a.services[0]!.sid;
    await t.graphql('{ __typename }');
    const ask = async (query: string) => {
      t.queries.length = 0;
      const r = await t.graphql(query);
      expect(r.body.errors).toBeUndefined();
      return { data: r.body.data, queries: t.queries.filter((q) => !/^\s*(BEGIN|COMMIT|SELECT 1)\b/i.test(q)) };
    };
    const base = (await ask(`{ service(sid: "${service}") { sid } }`)).queries.length; // the service (and the credential check, if any)
    const total = (await ask(`{ service(sid: "${service}") { bindingStats { total } } }`)).queries;
    expect(total).toHaveLength(base);
    expect(total.at(-1)).toMatch(/binding_counts/);
    expect(total.at(-1)).not.toMatch(/binding_day_counts|binding_facet_counts|FROM bindings/);
    const fields = `asOf total byType { count } byCredential { credentialSid count } byMessageType { count } staleness { count }
      registrations { count } weeks: registrations(interval: WEEK) { count }`;
    const all = await ask(`{ service(sid: "${service}") { sid bindingStats { ${fields} } } }`);
    expect(all.queries).toHaveLength(base);
    // Through a fragment, after another field: the same single statement, the same answers.
    const viaFragment = await ask(
      `{ service(sid: "${service}") { sid ...S } } fragment S on Service { bindingStats { ${fields.replace('weeks: registrations', '...on BindingStats { weeks: registrations')} } } }`,
    );
    expect(viaFragment.queries).toHaveLength(base);
    const { asOf: _a, ...rest } = all.data.service.bindingStats;
    const { asOf: _b, ...restFragment } = viaFragment.data.service.bindingStats;
    expect(restFragment).toEqual(rest);
    // Not read ahead: a filtered one (counted over the rows) is the service, then the statistics.
    expect((await ask(`{ service(sid: "${service}") { bindingStats(bindingType: [APN]) { total } } }`)).queries).toHaveLength(base + 1);
    // A foreign service: null, as the lists.
    expect((await t.graphql(`{ service(sid: "${service}") { bindingStats { total } } }`, {}, t.scenario.b.authorization)).body).toEqual({
      data: { service: null },
    });
  });
});

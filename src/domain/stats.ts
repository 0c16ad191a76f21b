/**
 * Binding statistics of one service or user (GraphQL `bindingStats`): totals,
 * counts by type, credential and message type, registrations per calendar
 * bucket and staleness, all exact.
 *
 * A service's unfiltered statistics read the counters the triggers keep
 * (binding_counts, binding_facet_counts, binding_day_counts: see the
 * binding_stats migration) plus, where a boundary falls inside a UTC day, an
 * index range scan of that day's rows; so they cost the same whatever the
 * service's size. A filter, or a user, counts the matching rows (GROUP BY).
 *
 * Every part asked for at once is answered by one SQL statement, against one
 * reading of the database clock (`asOf`).
 */
import { type BindingType, Prisma } from '../generated/prisma/client.js';
import { type BindingFilter, type BindingParent, bindingConditions } from './bindings.js';
import type { DataContext } from './data-context.js';
import { BadInputError } from './errors.js';
import type { Service } from './services.js';
import { pickFields, projection } from './tables.js';

export type StatsInterval = 'DAY' | 'WEEK' | 'MONTH';

/** The `olderThanDays` thresholds of staleness, in order. */
export const STALENESS_DAYS = [30, 90, 180, 365] as const;
/** More buckets than this is an error. */
export const MAX_BUCKETS = 1000;
/** Buckets when `from` is not given. */
export const DEFAULT_BUCKETS = 30;
/** from/to outside these years are refused (the database's timestamps end at year 294276, bucket arithmetic earlier). */
const MIN_YEAR = 1000;
const MAX_YEAR = 9000;

export interface StatsScope {
  accountSid: string;
  parent: BindingParent;
  parentSid: string;
  filter: BindingFilter;
}

export interface RegistrationsArgs {
  interval: StatsInterval;
  from?: Date | null | undefined;
  to?: Date | null | undefined;
}

export type StatsPart =
  | { kind: 'asOf' | 'total' | 'byType' | 'byCredential' | 'byMessageType' | 'staleness' }
  | ({ kind: 'registrations' } & RegistrationsArgs);

export interface KeyCount {
  key: string;
  count: number;
}

export interface Bucket {
  start: Date;
  count: number;
}

export interface StatsAnswers {
  asOf: Date;
  total: number;
  byType: Array<{ bindingType: BindingType; count: number }>;
  /** credentialSid null: bindings without a credential. */
  byCredential: Array<{ credentialSid: string | null; count: number }>;
  byMessageType: Array<{ messageType: string; count: number }>;
  staleness: Array<{ olderThanDays: number; count: number }>;
  registrations: Bucket[];
}

type Answer<P extends StatsPart> = StatsAnswers[P['kind']];

/** Whether the filter restricts nothing: then a service's counters answer. */
export function isEmptyFilter(filter: BindingFilter): boolean {
  return Object.values(filter).every((value) => value == null || value === '' || (Array.isArray(value) && value.length === 0));
}

const UNITS: Record<StatsInterval, Prisma.Sql> = {
  DAY: Prisma.raw(`'day'`),
  WEEK: Prisma.raw(`'week'`),
  MONTH: Prisma.raw(`'month'`),
};
const STEPS: Record<StatsInterval, Prisma.Sql> = {
  DAY: Prisma.raw(`interval '1 day'`),
  WEEK: Prisma.raw(`interval '1 week'`),
  MONTH: Prisma.raw(`interval '1 month'`),
};

const iso = (expr: Prisma.Sql) => Prisma.sql`to_char(${expr}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const timestamp = (value: Date | null | undefined) => (value ? Prisma.sql`${value.toISOString()}::timestamp(3)` : Prisma.sql`NULL::timestamp(3)`);

/** Refuses arguments that are wrong whatever the data: before anything is read. */
export function checkRegistrationsArgs(args: RegistrationsArgs): void {
  for (const name of ['from', 'to'] as const) {
    const value = args[name];
    if (value && (value.getUTCFullYear() < MIN_YEAR || value.getUTCFullYear() > MAX_YEAR)) {
      throw new BadInputError(`${name} must be between the years ${MIN_YEAR} and ${MAX_YEAR}`, name);
    }
  }
  if (args.from && args.to && args.from > args.to) throw new BadInputError('from must not be after to', 'from');
}

/** Rows (key text, count int) as a JSON array of {key, count}: non-zero counts only, largest first, ties by key in byte order. */
function ranked(source: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(SELECT COALESCE(json_agg(json_build_object('key', x.key, 'count', x.count) ORDER BY x.count DESC, x.key COLLATE "C"), '[]'::json)
    FROM (${source}) AS x WHERE x.count <> 0)`;
}

/** The SQL (one column) for a part, from the counters of the service `sid`. */
function fromCounters(part: StatsPart, sid: string): Prisma.Sql {
  switch (part.kind) {
    case 'asOf':
      return iso(Prisma.sql`(SELECT now FROM clock)`);
    case 'total':
      return Prisma.sql`(SELECT COALESCE(sum(c.count), 0)::int FROM binding_counts c WHERE c.service_sid = ${sid})`;
    case 'byType':
      return ranked(Prisma.sql`SELECT c.binding_type::text AS key, c.count FROM binding_counts c WHERE c.service_sid = ${sid}`);
    case 'byCredential':
      return ranked(Prisma.sql`SELECT c.key, c.count FROM binding_facet_counts c WHERE c.service_sid = ${sid} AND c.facet = 'credential'`);
    case 'byMessageType':
      return ranked(Prisma.sql`SELECT c.key, c.count FROM binding_facet_counts c WHERE c.service_sid = ${sid} AND c.facet = 'message_type'`);
    case 'staleness': {
      // Not stale: the bindings updated on a day after the cutoff's day (counters, one index range of at most
      // the longest threshold's days, however old the service) or on the cutoff's day from the cutoff on
      // (rows, through the (service_sid, date_updated) index). Stale: the rest of the total.
      const now = Prisma.sql`(SELECT now FROM clock)`;
      const cutoff = (n: number) => Prisma.sql`(${now} - interval '${Prisma.raw(String(n))} days')`;
      const longest = Math.max(...STALENESS_DAYS);
      const columns = STALENESS_DAYS.map(
        (n, i) => Prisma.sql`COALESCE(sum(d.count) FILTER (WHERE d.day > ${cutoff(n)}::date), 0) AS ${Prisma.raw(`r${i}`)},
          (SELECT count(*) FROM bindings t WHERE t.service_sid = ${sid} AND t.date_updated >= ${cutoff(n)} AND t.date_updated < date_trunc('day', ${cutoff(n)}) + interval '1 day') AS ${Prisma.raw(`e${i}`)}`,
      );
      const answers = STALENESS_DAYS.map((_, i) => Prisma.raw(`(s.total - s.r${i} - s.e${i})::int`));
      return Prisma.sql`(SELECT json_build_array(${Prisma.join(answers, ', ')})
        FROM (SELECT (SELECT COALESCE(sum(x.count), 0) FROM binding_counts x WHERE x.service_sid = ${sid}) AS total,
                     ${Prisma.join(columns, ', ')}
                FROM binding_day_counts d WHERE d.service_sid = ${sid} AND d.kind = 'updated' AND d.day > ${cutoff(longest)}::date) AS s)`;
    }
    case 'registrations': {
      const unit = UNITS[part.interval];
      // Whole UTC days inside [from, to) from the counters; the parts of the first and last day from the rows.
      const counts = Prisma.sql`SELECT y.start, sum(y.count)::int AS count FROM (
          SELECT date_trunc(${unit}, d.day::timestamp) AS start, d.count FROM binding_day_counts d WHERE d.service_sid = ${sid} AND d.kind = 'created' AND d.day >= r.fc AND d.day < r.tf
          UNION ALL
          SELECT date_trunc(${unit}, t.date_created), 1 FROM bindings t WHERE t.service_sid = ${sid} AND t.date_created >= r.f AND t.date_created < LEAST(r.fc, r.t)
          UNION ALL
          SELECT date_trunc(${unit}, t.date_created), 1 FROM bindings t WHERE t.service_sid = ${sid} AND t.date_created >= GREATEST(r.tf, r.fc) AND t.date_created < r.t
        ) AS y GROUP BY 1`;
      return registrations(part, counts);
    }
  }
}

/** The SQL (one column) for a part, counting the matching rows `m` (CTE). */
function fromRows(part: StatsPart): Prisma.Sql {
  switch (part.kind) {
    case 'asOf':
      return iso(Prisma.sql`(SELECT now FROM clock)`);
    case 'total':
      return Prisma.sql`(SELECT count(*)::int FROM m)`;
    case 'byType':
      return ranked(Prisma.sql`SELECT m.binding_type::text AS key, count(*)::int AS count FROM m GROUP BY 1`);
    case 'byCredential':
      return ranked(Prisma.sql`SELECT COALESCE(m.credential_sid, '') AS key, count(*)::int AS count FROM m GROUP BY 1`);
    case 'byMessageType':
      return ranked(
        Prisma.sql`SELECT k.key, count(*)::int AS count FROM m CROSS JOIN LATERAL (SELECT DISTINCT unnest(m.message_types) AS key) AS k GROUP BY 1`,
      );
    case 'staleness':
      return Prisma.sql`(SELECT json_agg(
          (SELECT count(*) FROM m WHERE m.date_updated < c.cutoff)::int ORDER BY c.n)
        FROM clock, LATERAL (SELECT n, clock.now - n * interval '1 day' AS cutoff FROM unnest(${[...STALENESS_DAYS]}::int[]) AS n) AS c)`;
    case 'registrations': {
      const unit = UNITS[part.interval];
      return registrations(
        part,
        Prisma.sql`SELECT date_trunc(${unit}, m.date_created) AS start, count(*)::int AS count FROM m
          WHERE m.date_created >= r.f AND m.date_created < r.t GROUP BY 1`,
      );
    }
  }
}

/**
 * {from, to, buckets: [[start, count], …]} for [from, to): every calendar
 * bucket that meets the range (at most MAX_BUCKETS + 1 of them), `counts`
 * (start, count) joined in. `r` has f (from), t (to), fc (from rounded up to
 * a UTC day) and tf (to rounded down to one).
 */
function registrations(part: RegistrationsArgs, counts: Prisma.Sql): Prisma.Sql {
  const unit = UNITS[part.interval];
  const step = STEPS[part.interval];
  return Prisma.sql`(SELECT json_build_object('from', ${iso(Prisma.sql`r.f`)}, 'to', ${iso(Prisma.sql`r.t`)}, 'buckets', COALESCE((
        SELECT json_agg(json_build_array(${iso(Prisma.sql`b.start`)}, COALESCE(x.count, 0)) ORDER BY b.start)
          FROM (SELECT s AS start FROM generate_series(date_trunc(${unit}, r.f), r.t, ${step}) AS s WHERE s < r.t ORDER BY s LIMIT ${Prisma.raw(String(MAX_BUCKETS + 1))}) AS b
          LEFT JOIN (${counts}) AS x ON x.start = b.start), '[]'::json))
      FROM (SELECT q.f, q.t,
                   CASE WHEN date_trunc('day', q.f) = q.f THEN q.f ELSE date_trunc('day', q.f) + interval '1 day' END AS fc,
                   date_trunc('day', q.t) AS tf
              FROM (SELECT COALESCE(${timestamp(part.from)}, date_trunc(${unit}, p.t - interval '1 millisecond') - ${Prisma.raw(String(DEFAULT_BUCKETS - 1))} * ${step}) AS f, p.t
                      FROM (SELECT COALESCE(${timestamp(part.to)}, clock.now) AS t FROM clock) AS p) AS q) AS r)`;
}

/** Every part in one statement; the answers in the order of `parts`. */
export async function bindingStats(data: DataContext, scope: StatsScope, parts: readonly StatsPart[]): Promise<Array<Answer<StatsPart> | BadInputError>> {
  if (parts.length === 0) return [];
  const counters = scope.parent === 'service' && isEmptyFilter(scope.filter);
  const columns = parts.map((part, i) => Prisma.sql`${counters ? fromCounters(part, scope.parentSid) : fromRows(part)} AS ${Prisma.raw(`p${i}`)}`);
  const clock = Prisma.sql`clock AS (SELECT date_trunc('milliseconds', now() AT TIME ZONE 'UTC') AS now)`;
  let rows: Array<Record<string, unknown>>;
  if (counters) {
    // The counters are read by service sid (plain index conditions, a small plan); the one row exists only
    // when the service is the caller's.
    rows = await data.prisma.$queryRaw`WITH ${clock} SELECT ${Prisma.join(columns, ', ')}
      FROM services s WHERE s.sid = ${scope.parentSid} AND s.account_sid = ${scope.accountSid}`;
  } else {
    const parentKey = Prisma.raw(scope.parent === 'service' ? 't.service_sid' : 't.user_sid');
    const where = [...bindingConditions(scope.accountSid, scope.filter), Prisma.sql`${parentKey} = ${scope.parentSid}`];
    rows = await data.prisma.$queryRaw`WITH ${clock}, m AS MATERIALIZED (
        SELECT t.binding_type, t.credential_sid, t.message_types, t.date_created, t.date_updated
          FROM bindings t WHERE ${Prisma.join(where, ' AND ')})
      SELECT ${Prisma.join(columns, ', ')}`;
  }
  const [row] = rows;
  if (!row) {
    // Not the caller's service: the answers of a service without bindings (no clock was read, the parts need none but asOf).
    rows = await data.prisma.$queryRaw`WITH ${clock}, m AS (SELECT NULL::binding_type AS binding_type, NULL::text AS credential_sid,
        NULL::text[] AS message_types, NULL::timestamp(3) AS date_created, NULL::timestamp(3) AS date_updated WHERE false)
      SELECT ${Prisma.join(
        parts.map((part, i) => Prisma.sql`${fromRows(part)} AS ${Prisma.raw(`p${i}`)}`),
        ', ',
      )}`;
  }
  return parts.map((part, i) => decode(part, rows[0]?.[`p${i}`]));
}

/**
 * One of the caller's services with the unfiltered statistics `parts`, in one
 * statement (the service row is the one the counters are read under); null
 * when there is no such service. For `service(sid) { bindingStats { … } }`.
 */
export async function serviceWithStats(
  data: DataContext,
  accountSid: string,
  serviceSid: string,
  parts: readonly StatsPart[],
): Promise<{ service: Service; answers: Array<Answer<StatsPart> | BadInputError> } | null> {
  const clock = Prisma.sql`clock AS (SELECT date_trunc('milliseconds', now() AT TIME ZONE 'UTC') AS now)`;
  const columns = parts.map((part, i) => Prisma.sql`${fromCounters(part, serviceSid)} AS ${Prisma.raw(`"p${i}"`)}`);
  const [row] = await data.prisma.$queryRaw<Array<Record<string, unknown>>>`WITH ${clock}
    SELECT ${projection('services', 'pt', 'service.')}, ${Prisma.join(columns, ', ')}
      FROM services pt WHERE pt.sid = ${serviceSid} AND pt.account_sid = ${accountSid}`;
  if (!row) return null;
  return { service: pickFields<Service>('services', row, 'service.'), answers: parts.map((part, i) => decode(part, row[`p${i}`])) };
}

function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function decode(part: StatsPart, value: unknown): Answer<StatsPart> | BadInputError {
  switch (part.kind) {
    case 'asOf':
      return new Date(String(value));
    case 'total':
      return Number(value);
    case 'byType':
      return json<KeyCount[]>(value).map((x) => ({ bindingType: x.key as BindingType, count: Number(x.count) }));
    case 'byCredential':
      return json<KeyCount[]>(value).map((x) => ({ credentialSid: x.key === '' ? null : x.key, count: Number(x.count) }));
    case 'byMessageType':
      return json<KeyCount[]>(value).map((x) => ({ messageType: x.key, count: Number(x.count) }));
    case 'staleness':
      return json<number[]>(value).map((count, i) => ({ olderThanDays: STALENESS_DAYS[i]!, count: Number(count) }));
    case 'registrations': {
      const answer = json<{ from: string; to: string; buckets: Array<[string, number]> }>(value);
      if (answer.from > answer.to) return new BadInputError(`from (${answer.from}) must not be after to (${answer.to})`, 'from');
      if (answer.buckets.length > MAX_BUCKETS) return new BadInputError(`At most ${MAX_BUCKETS} buckets: narrow from/to or use a longer interval`, 'from');
      return answer.buckets.map(([start, count]) => ({ start: new Date(start), count: Number(count) }));
    }
  }
}

/**
 * The statistics of one service or user, computed as they are asked for: the
 * parts requested in the same tick (the sibling fields of one selection) go
 * into one statement; a part asked twice is read once.
 */
export class BindingStatsSource {
  private readonly cache = new Map<string, Promise<unknown>>();
  private queue: Array<{ part: StatsPart; resolve: (value: unknown) => void; reject: (error: unknown) => void }> = [];

  constructor(
    private readonly data: DataContext,
    readonly scope: StatsScope,
  ) {}

  /** Sets the answer of a part computed elsewhere (with the service, by the prefetch). */
  prime(part: StatsPart, answer: Answer<StatsPart>): void {
    this.cache.set(JSON.stringify(part), Promise.resolve(answer));
  }

  get<P extends StatsPart>(part: P): Promise<Answer<P>> {
    if (part.kind === 'registrations') checkRegistrationsArgs(part);
    const key = JSON.stringify(part);
    let answer = this.cache.get(key);
    if (!answer) {
      answer = new Promise((resolve, reject) => {
        if (this.queue.length === 0) process.nextTick(() => void this.flush());
        this.queue.push({ part, resolve, reject });
      });
      this.cache.set(key, answer);
    }
    return answer as Promise<Answer<P>>;
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    try {
      const answers = await bindingStats(
        this.data,
        this.scope,
        batch.map((b) => b.part),
      );
      batch.forEach((b, i) => {
        const answer = answers[i];
        if (answer instanceof BadInputError) b.reject(answer);
        else b.resolve(answer);
      });
    } catch (error) {
      for (const b of batch) b.reject(error);
    }
  }
}

// @ts-check
// The physical ceiling: node:http + a pg Pool (10 connections, like the
// others), one named prepared statement per workload with the ideal SQL, rows
// serialised with JSON.stringify. No authentication, no tenant scoping, no
// GraphQL, no validation beyond what the SQL needs: it shows what the
// database and Node itself cost for each workload's answer.
//
// GET /w1?service=IS…                  first page of 50 by sid
// GET /w2?service=IS…&after=BS…        page of 50 after a sid
// GET /w3?service=IS…&identity=…       one identity's bindings (page of 50)
// GET /w4?service=IS…&types=apn,fcm    bindings of some types (page of 50)
// GET /w5?sid=BS…                      one binding
// GET /w6?service=IS…                  20 users, each with a page of 50 bindings (one statement)
// GET /w7?service=IS…                  count of the service's bindings
// GET /w8?service=IS…&from=…&to=…      binding statistics (one statement over the maintained counters)
//
// env: DATABASE_URL, PORT (0 = any), HOST (127.0.0.1), PG_POOL_MAX (10)

import { createServer } from 'node:http';
import pg from 'pg';

const connectionString = process.env.DATABASE_URL;
if (!connectionString) throw new Error('DATABASE_URL is required');
const pool = new pg.Pool({ connectionString, max: Number(process.env.PG_POOL_MAX ?? 10) });
pool.on('error', () => {});

const COLUMNS = `sid, account_sid AS "accountSid", service_sid AS "serviceSid", identity, endpoint,
  binding_type AS "bindingType", credential_sid AS "credentialSid", message_types AS "messageTypes",
  date_created AS "dateCreated", date_updated AS "dateUpdated"`;
const PAGE = 50;

// W7: with the maintained per-service/type counts (migration binding_counts)
// the ideal is to read them; without, count(*) on the (service_sid, sid) index.
const { rows: countTable } = await pool.query(`SELECT to_regclass('binding_counts') IS NOT NULL AS present`);
const W7_SQL = countTable[0].present
  ? 'SELECT coalesce(sum(count), 0)::int AS "totalCount" FROM binding_counts WHERE service_sid = $1'
  : 'SELECT count(*)::int AS "totalCount" FROM bindings WHERE service_sid = $1';

// W8: the statistics from the counters the triggers keep (migration
// binding_stats), the partial first/last day and the part of each staleness
// cutoff's day from the rows, in one statement: what the gateway asks for
// (staleness = total − bindings updated after the cutoff).
const W8_SQL = `
WITH clock AS (SELECT now() AT TIME ZONE 'UTC' AS now),
r AS (SELECT f, t, CASE WHEN date_trunc('day', f) = f THEN f ELSE date_trunc('day', f) + interval '1 day' END AS fc, date_trunc('day', t) AS tf
        FROM (SELECT $2::timestamp AS f, $3::timestamp AS t) q),
ranked AS (
  SELECT 'type' AS facet, binding_type::text AS key, count FROM binding_counts WHERE service_sid = $1 AND count <> 0
  UNION ALL
  SELECT facet, key, count FROM binding_facet_counts WHERE service_sid = $1 AND count <> 0
)
SELECT
  (SELECT COALESCE(sum(count), 0)::int FROM binding_counts WHERE service_sid = $1) AS total,
  (SELECT json_agg(json_build_object('bindingType', key, 'count', count) ORDER BY count DESC, key) FROM ranked WHERE facet = 'type') AS "byType",
  (SELECT json_agg(json_build_object('credentialSid', NULLIF(key, ''), 'count', count) ORDER BY count DESC, key) FROM ranked WHERE facet = 'credential') AS "byCredential",
  (SELECT json_agg(json_build_object('messageType', key, 'count', count) ORDER BY count DESC, key) FROM ranked WHERE facet = 'message_type') AS "byMessageType",
  (SELECT json_agg(json_build_object('start', b.start, 'count', COALESCE(x.n, 0)) ORDER BY b.start)
     FROM r, generate_series(date_trunc('day', r.f), r.t - interval '1 millisecond', interval '1 day') AS b(start)
     LEFT JOIN (
       SELECT start, sum(n)::int AS n FROM (
         SELECT d.day::timestamp AS start, d.count AS n FROM binding_day_counts d
          WHERE d.service_sid = $1 AND d.kind = 'created' AND d.day >= (SELECT fc FROM r) AND d.day < (SELECT tf FROM r)
         UNION ALL
         SELECT date_trunc('day', date_created), 1 FROM bindings
          WHERE service_sid = $1 AND date_created >= (SELECT f FROM r) AND date_created < (SELECT LEAST(fc, t) FROM r)
         UNION ALL
         SELECT date_trunc('day', date_created), 1 FROM bindings
          WHERE service_sid = $1 AND date_created >= (SELECT GREATEST(tf, fc) FROM r) AND date_created < (SELECT t FROM r)) y
        GROUP BY 1) x ON x.start = b.start) AS registrations,
  (SELECT json_agg(json_build_object('olderThanDays', c.n,
       'count', (SELECT COALESCE(sum(count), 0) FROM binding_counts WHERE service_sid = $1)
              - (SELECT COALESCE(sum(count), 0) FROM binding_day_counts WHERE service_sid = $1 AND kind = 'updated' AND day > c.cutoff::date)
              - (SELECT count(*) FROM bindings WHERE service_sid = $1 AND date_updated >= c.cutoff AND date_updated < date_trunc('day', c.cutoff) + interval '1 day'))
       ORDER BY c.n)
     FROM clock, LATERAL (SELECT n, clock.now - n * interval '1 day' AS cutoff FROM unnest(ARRAY[30, 90, 180, 365]) AS n) c) AS staleness`;

const SQL = {
  w1: `SELECT ${COLUMNS} FROM bindings WHERE service_sid = $1 ORDER BY sid LIMIT ${PAGE + 1}`,
  w2: `SELECT ${COLUMNS} FROM bindings WHERE service_sid = $1 AND sid > $2 ORDER BY sid LIMIT ${PAGE + 1}`,
  w3: `SELECT ${COLUMNS} FROM bindings WHERE service_sid = $1 AND identity = $2 ORDER BY sid LIMIT ${PAGE + 1}`,
  w4: `SELECT ${COLUMNS} FROM bindings WHERE service_sid = $1 AND binding_type = ANY($2::binding_type[]) ORDER BY sid LIMIT ${PAGE + 1}`,
  w5: `SELECT ${COLUMNS} FROM bindings WHERE sid = $1`,
  w6: `SELECT u.sid AS "userSid", u.identity AS "userIdentity", b.*
       FROM (SELECT sid, identity FROM users WHERE service_sid = $1 ORDER BY sid LIMIT 21) u
       LEFT JOIN LATERAL (
         SELECT ${COLUMNS} FROM bindings WHERE user_sid = u.sid ORDER BY sid LIMIT ${PAGE + 1}
       ) b ON true
       ORDER BY u.sid, b.sid`,
  w7: W7_SQL,
  w8: W8_SQL,
};

const query = (name, values) => pool.query({ name, text: SQL[name], values });

function page(rows) {
  const nodes = rows.slice(0, PAGE);
  return { hasNextPage: rows.length > PAGE, endCursor: nodes.at(-1)?.sid ?? null, nodes };
}

const handlers = {
  w1: async (q) => page((await query('w1', [q.get('service')])).rows),
  w2: async (q) => page((await query('w2', [q.get('service'), q.get('after')])).rows),
  w3: async (q) => page((await query('w3', [q.get('service'), q.get('identity')])).rows),
  w4: async (q) => page((await query('w4', [q.get('service'), (q.get('types') ?? '').split(',')])).rows),
  w5: async (q) => (await query('w5', [q.get('sid')])).rows[0] ?? null,
  w6: async (q) => {
    const users = [];
    for (const row of (await query('w6', [q.get('service')])).rows) {
      let user = users.at(-1);
      if (user?.sid !== row.userSid) {
        user = { sid: row.userSid, identity: row.userIdentity, rows: [] };
        users.push(user);
      }
      const { userSid, userIdentity, ...binding } = row;
      if (binding.sid !== null) user.rows.push(binding);
    }
    const nodes = users.slice(0, 20).map(({ sid, identity, rows }) => ({ sid, identity, bindings: page(rows) }));
    return { hasNextPage: users.length > 20, endCursor: nodes.at(-1)?.sid ?? null, nodes };
  },
  w7: async (q) => (await query('w7', [q.get('service')])).rows[0],
  w8: async (q) => {
    const utc = (v) => String(v ?? '').replace('Z', '');
    const row = (await query('w8', [q.get('service'), utc(q.get('from')), utc(q.get('to'))])).rows[0];
    // json_build_object renders timestamps without a zone: they are UTC.
    for (const b of row.registrations ?? []) b.start = `${b.start}Z`;
    return row;
  },
};

const server = createServer(async (req, res) => {
  const url = new URL(/** @type {string} */ (req.url), 'http://raw');
  const handler = handlers[url.pathname.slice(1)];
  req.resume();
  if (!handler) {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    return;
  }
  try {
    const body = JSON.stringify({ data: await handler(url.searchParams) });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  } catch (err) {
    res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(/** @type {any} */ (err)?.message ?? err) }));
  }
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), process.env.HOST || '127.0.0.1', () => {
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  process.stdout.write(`LISTENING ${JSON.stringify({ port, w7: W7_SQL })}\n`);
});

const stop = () => {
  server.close();
  server.closeAllConnections?.();
  pool.end().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

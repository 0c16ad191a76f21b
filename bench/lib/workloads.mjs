// @ts-check
// The eight workloads as each contender asks for them, and how to read each
// answer back into a comparable form (sids in order, hasNextPage, counts).

export const WORKLOADS = {
  w1: 'first page of 50 bindings of the largest service',
  w2: 'a page of 50 deep in the largest service (after a cursor 100 rows before its end)',
  w3: "one identity's bindings in the largest service",
  w4: 'bindings of two types (apn, fcm) in the largest service, page of 50',
  w5: 'fetch one binding by sid',
  w6: '20 users of the largest service, each with a page of 50 bindings (nested connection)',
  w7: "totalCount of the largest service's bindings",
  w8: 'bindingStats of the largest service, unfiltered (total, by type, credential and message type, 31 days of registrations, staleness)',
};

/** What `npm run bench` runs unless BENCH_WORKLOADS says otherwise: W8 is measured by `npm run bench:stats` (stats.mjs), since PostGraphile's answer takes seconds. */
export const DEFAULT_WORKLOADS = ['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7'];

export const CONTENDERS = {
  graphql: 'this gateway, GraphQL (POST /graphql)',
  rest: 'this gateway, Twilio REST shim (GET /v2/…)',
  postgraphile: 'PostGraphile 5.1.5 (amber preset + connection filter + pg-aggregates), grafserv on node:http, no auth',
  postgraphile_rls: 'the same PostGraphile as deployed: HTTP Basic auth (cached 60 s) and row-level security on account_sid',
  raw: 'node:http + pg, one prepared statement per workload, no auth',
};

/** Which contenders can express which workload (REST has no nested list nor counts). */
export const SUPPORTED = {
  graphql: ['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7', 'w8'],
  rest: ['w1', 'w2', 'w3', 'w4', 'w5'],
  postgraphile: ['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7', 'w8'],
  postgraphile_rls: ['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7', 'w8'],
  raw: ['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7', 'w8'],
};

const FIELDS = 'sid accountSid serviceSid identity endpoint bindingType credentialSid messageTypes dateCreated dateUpdated';
const PAGE = `pageInfo { hasNextPage endCursor } nodes { ${FIELDS} }`;

const DAY_MS = 86_400_000;
/** W8's registrations window: the 30 days before the moment this module was loaded (not on a midnight, so the first and last day are partial). */
export const W8_WINDOW = (() => {
  const to = new Date(Math.floor(Date.now() / 1000) * 1000 - 1234);
  return { from: new Date(to.getTime() - 30 * DAY_MS).toISOString(), to: to.toISOString() };
})();
const STALE_DAYS = [30, 90, 180, 365];

/** Our schema (schema.graphql). */
const OURS = {
  w1: `query W1($service: String!) { service(sid: $service) { bindings(first: 50) { ${PAGE} } } }`,
  w2: `query W2($service: String!, $after: String!) { service(sid: $service) { bindings(first: 50, after: $after) { ${PAGE} } } }`,
  w3: `query W3($service: String!, $identity: String!) { service(sid: $service) { bindings(first: 50, identity: [$identity]) { ${PAGE} } } }`,
  w4: `query W4($service: String!) { service(sid: $service) { bindings(first: 50, bindingType: [APN, FCM]) { ${PAGE} } } }`,
  w5: `query W5($sid: ID!) { node(id: $sid) { ... on Binding { ${FIELDS} } } }`,
  w6: `query W6($service: String!) { service(sid: $service) { users(first: 20) { pageInfo { hasNextPage endCursor } nodes { sid identity bindings(first: 50) { ${PAGE} } } } } }`,
  w7: `query W7($service: String!) { service(sid: $service) { bindings { totalCount } } }`,
  w8: `query W8($service: String!, $from: DateTime!, $to: DateTime!) { service(sid: $service) { bindingStats {
    total byType { bindingType count } byCredential { credentialSid count } byMessageType { messageType count }
    registrations(interval: DAY, from: $from, to: $to) { start count } staleness { olderThanDays count } } } }`,
};

/** PostGraphile v5 amber naming over the same tables. */
const PGL_LIST = 'bindingsByServiceSidAndAccountSid';
const PGL = {
  w1: `query W1($service: String!) { serviceBySid(sid: $service) { ${PGL_LIST}(first: 50, orderBy: PRIMARY_KEY_ASC) { ${PAGE} } } }`,
  w2: `query W2($service: String!, $after: Cursor!) { serviceBySid(sid: $service) { ${PGL_LIST}(first: 50, after: $after, orderBy: PRIMARY_KEY_ASC) { ${PAGE} } } }`,
  w3: `query W3($service: String!, $identity: String!) { serviceBySid(sid: $service) { ${PGL_LIST}(first: 50, condition: { identity: $identity }, orderBy: PRIMARY_KEY_ASC) { ${PAGE} } } }`,
  w4: `query W4($service: String!) { serviceBySid(sid: $service) { ${PGL_LIST}(first: 50, filter: { bindingType: { in: [apn, fcm] } }, orderBy: PRIMARY_KEY_ASC) { ${PAGE} } } }`,
  w5: `query W5($sid: String!) { bindingBySid(sid: $sid) { ${FIELDS} } }`,
  w6: `query W6($service: String!) { serviceBySid(sid: $service) { usersByServiceSid(first: 20, orderBy: PRIMARY_KEY_ASC) { pageInfo { hasNextPage endCursor } nodes { sid identity bindingsByUserSidAndServiceSidAndIdentity(first: 50, orderBy: PRIMARY_KEY_ASC) { ${PAGE} } } } } }`,
  w7: `query W7($service: String!) { serviceBySid(sid: $service) { ${PGL_LIST} { totalCount } } }`,
  // @graphile/pg-aggregates: per-group counts are distinctCount of the primary key; message types can only be
  // grouped by the whole array (split by the client); staleness is one filtered totalCount per cutoff (computed by the client).
  w8: `query W8($service: String!, $from: Datetime!, $to: Datetime!, $s30: Datetime!, $s90: Datetime!, $s180: Datetime!, $s365: Datetime!) {
    serviceBySid(sid: $service) {
      all: ${PGL_LIST} {
        totalCount
        byType: groupedAggregates(groupBy: [BINDING_TYPE]) { keys distinctCount { sid } }
        byCredential: groupedAggregates(groupBy: [CREDENTIAL_SID]) { keys distinctCount { sid } }
        byMessageTypes: groupedAggregates(groupBy: [MESSAGE_TYPES]) { keys distinctCount { sid } }
      }
      registrations: ${PGL_LIST}(filter: { dateCreated: { greaterThanOrEqualTo: $from, lessThan: $to } }) {
        groupedAggregates(groupBy: [DATE_CREATED_TRUNCATED_TO_DAY]) { keys distinctCount { sid } }
      }
      s30: ${PGL_LIST}(filter: { dateUpdated: { lessThan: $s30 } }) { totalCount }
      s90: ${PGL_LIST}(filter: { dateUpdated: { lessThan: $s90 } }) { totalCount }
      s180: ${PGL_LIST}(filter: { dateUpdated: { lessThan: $s180 } }) { totalCount }
      s365: ${PGL_LIST}(filter: { dateUpdated: { lessThan: $s365 } }) { totalCount }
    }
  }`,
};

/** Documents used once before measuring, to obtain each server's own cursor for W2. */
export const CURSOR_QUERIES = {
  graphql: `query Deep($service: String!) { service(sid: $service) { bindings(last: 101) { edges { cursor node { sid } } } } }`,
  postgraphile: `query Deep($service: String!) { serviceBySid(sid: $service) { ${PGL_LIST}(last: 101, orderBy: PRIMARY_KEY_ASC) { edges { cursor node { sid } } } } }`,
};
/** Contenders that speak PostGraphile's schema (the deployed one sends the same documents, authenticated). */
export const PGL_CONTENDERS = ['postgraphile', 'postgraphile_rls'];

/** @typedef {{ method: 'GET' | 'POST', path: string, headers?: Record<string, string>, body?: string }} BenchRequest */

/**
 * Basic authorization headers, one per load API key the seed issued (the
 * account's auth token when it issued none): see LOAD_KEYS in seed.mjs.
 *
 * @param {{ accountSid: string, authToken: string, apiKeys?: { sid: string, secret: string }[] }} seed
 */
export function authorizations(seed) {
  const basic = (user, secret) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
  return seed.apiKeys?.length ? seed.apiKeys.map((k) => basic(k.sid, k.secret)) : [basic(seed.accountSid, seed.authToken)];
}

/**
 * `request` once per authorization header, for a load generator to cycle
 * through. Every contender gets the same bytes (those without auth ignore it).
 *
 * @param {BenchRequest} request
 * @param {string[]} auths
 * @returns {BenchRequest[]}
 */
export function perCredential(request, auths) {
  return auths.map((authorization) => ({ ...request, headers: { ...request.headers, authorization } }));
}

export function graphqlBody(query, variables) {
  return JSON.stringify({ query, variables });
}

/**
 * Every request, as { method, path, headers?, body? }, for every contender and
 * workload. `cursors` holds each GraphQL server's cursor pointing at
 * params.deepAfterSid.
 */
export function buildRequests(params, cursors, authorization) {
  /** @type {(query: string, variables: object) => BenchRequest} */
  const gql = (query, variables) => ({
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization },
    body: graphqlBody(query, variables),
  });
  /** @type {(path: string) => BenchRequest} */
  const get = (path) => ({ method: 'GET', path, headers: { accept: 'application/json', authorization } });
  const s = params.serviceSid;
  const svc = { service: s };
  const rest = `/v2/Services/${s}/Bindings`;
  const q = (o) => new URLSearchParams(o).toString();
  /** @type {Record<string, Record<string, BenchRequest>>} */
  const requests = {
    graphql: {
      w1: gql(OURS.w1, svc),
      w2: gql(OURS.w2, { ...svc, after: cursors.graphql }),
      w3: gql(OURS.w3, { ...svc, identity: params.identity }),
      w4: gql(OURS.w4, svc),
      w5: gql(OURS.w5, { sid: params.bindingSid }),
      w6: gql(OURS.w6, svc),
      w7: gql(OURS.w7, svc),
      w8: gql(OURS.w8, { ...svc, ...W8_WINDOW }),
    },
    rest: {
      w1: get(`${rest}?PageSize=50`),
      w2: get(`${rest}?${q({ PageSize: 50, Page: 1, PageToken: `PA${cursors.graphql}` })}`),
      w3: get(`${rest}?${q({ Identity: params.identity, PageSize: 50 })}`),
      w4: get(`${rest}?BindingType=apn&BindingType=fcm&PageSize=50`),
      w5: get(`${rest}/${params.bindingSid}`),
    },
    postgraphile: {
      w1: gql(PGL.w1, svc),
      w2: gql(PGL.w2, { ...svc, after: cursors.postgraphile }),
      w3: gql(PGL.w3, { ...svc, identity: params.identity }),
      w4: gql(PGL.w4, svc),
      w5: gql(PGL.w5, { sid: params.bindingSid }),
      w6: gql(PGL.w6, svc),
      w7: gql(PGL.w7, svc),
      w8: gql(PGL.w8, {
        ...svc,
        ...W8_WINDOW,
        ...Object.fromEntries(STALE_DAYS.map((n) => [`s${n}`, new Date(Date.now() - n * DAY_MS).toISOString()])),
      }),
    },
    raw: {
      w1: get(`/w1?${q(svc)}`),
      w2: get(`/w2?${q({ ...svc, after: params.deepAfterSid })}`),
      w3: get(`/w3?${q({ ...svc, identity: params.identity })}`),
      w4: get(`/w4?${q({ ...svc, types: params.bindingTypes.join(',') })}`),
      w5: get(`/w5?${q({ sid: params.bindingSid })}`),
      w6: get(`/w6?${q(svc)}`),
      w7: get(`/w7?${q(svc)}`),
      w8: get(`/w8?${q({ ...svc, ...W8_WINDOW })}`),
    },
  };
  // The deployed PostGraphile: the same documents and Authorization header, W2 with its own cursor.
  requests.postgraphile_rls = { ...requests.postgraphile, w2: gql(PGL.w2, { ...svc, after: cursors.postgraphile_rls }) };
  return requests;
}

const pageOf = (conn) => ({ sids: conn.nodes.map((n) => n.sid), hasNextPage: conn.pageInfo.hasNextPage });

/**
 * An answer in comparable form: { sids, hasNextPage } for lists,
 * { users: [[userSid, sids…]…] } for W6, { count } for W7.
 * Throws when the body is not a successful answer.
 */
export function normalize(contender, workload, json) {
  if (json?.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(json.errors).slice(0, 300)}`);
  if (contender === 'rest') {
    if (workload === 'w5') return { sids: [json.sid] };
    return { sids: json.bindings.map((b) => b.sid), hasNextPage: json.meta.next_page_url !== null };
  }
  const data = json.data;
  if (workload === 'w8') return statsOf(contender, data);
  if (contender === 'raw') {
    if (workload === 'w5') return { sids: [data.sid] };
    if (workload === 'w6') return { users: data.nodes.map((u) => [u.sid, ...u.bindings.nodes.map((b) => b.sid)]), hasNextPage: data.hasNextPage };
    if (workload === 'w7') return { count: data.totalCount };
    return { sids: data.nodes.map((n) => n.sid), hasNextPage: data.hasNextPage };
  }
  if (contender === 'graphql') {
    if (workload === 'w5') return { sids: [data.node.sid] };
    if (workload === 'w6') {
      const users = data.service.users;
      return { users: users.nodes.map((u) => [u.sid, ...u.bindings.nodes.map((b) => b.sid)]), hasNextPage: users.pageInfo.hasNextPage };
    }
    if (workload === 'w7') return { count: data.service.bindings.totalCount };
    return pageOf(data.service.bindings);
  }
  // postgraphile, postgraphile_rls
  if (workload === 'w5') return { sids: [data.bindingBySid.sid] };
  if (workload === 'w6') {
    const users = data.serviceBySid.usersByServiceSid;
    return {
      users: users.nodes.map((u) => [u.sid, ...u.bindingsByUserSidAndServiceSidAndIdentity.nodes.map((b) => b.sid)]),
      hasNextPage: users.pageInfo.hasNextPage,
    };
  }
  if (workload === 'w7') return { count: data.serviceBySid[PGL_LIST].totalCount };
  return pageOf(data.serviceBySid[PGL_LIST]);
}

/** [key, count] pairs, largest first, ties by key. */
const rankedPairs = (pairs) => pairs.filter(([, n]) => n > 0).sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0));

/**
 * W8 in comparable form: total, [type, n], [credential, n], [message type, n],
 * [UTC day, n] for the non-empty days of the window, and the staleness counts.
 * `checkStaleness: false` (the default) leaves staleness out: each contender
 * reads its own clock, so a binding can cross a cutoff between two answers.
 */
function statsOf(contender, data) {
  if (PGL_CONTENDERS.includes(contender)) {
    const s = data.serviceBySid;
    const groups = (g) => g.map((x) => [x.keys[0], Number(x.distinctCount.sid)]);
    const messageTypes = new Map();
    for (const [key, n] of groups(s.all.byMessageTypes)) {
      // keys are stringified: a Postgres array literal or JSON, whichever the plugin produces.
      const list =
        key === null
          ? []
          : key.startsWith('[')
            ? JSON.parse(key)
            : key
                .replace(/^\{|\}$/g, '')
                .split(',')
                .filter(Boolean)
                .map((k) => k.replace(/^"|"$/g, ''));
      for (const t of new Set(list)) messageTypes.set(t, (messageTypes.get(t) ?? 0) + n);
    }
    return {
      total: s.all.totalCount,
      byType: rankedPairs(groups(s.all.byType)),
      byCredential: rankedPairs(groups(s.all.byCredential).map(([k, n]) => [k ?? null, n])),
      byMessageType: rankedPairs([...messageTypes]),
      registrations: groups(s.registrations.groupedAggregates)
        .map(([k, n]) => [String(k).slice(0, 10), n])
        .filter(([, n]) => n > 0)
        .sort(([a], [b]) => (a < b ? -1 : 1)),
      staleness: STALE_DAYS.map((d) => s[`s${d}`].totalCount),
    };
  }
  const st = contender === 'raw' ? data : data.service.bindingStats;
  return {
    total: st.total,
    byType: rankedPairs(st.byType.map((x) => [String(x.bindingType).toLowerCase(), x.count])),
    byCredential: rankedPairs(st.byCredential.map((x) => [x.credentialSid, x.count])),
    byMessageType: rankedPairs(st.byMessageType.map((x) => [x.messageType, x.count])),
    registrations: st.registrations.filter((b) => b.count > 0).map((b) => [String(b.start).slice(0, 10), b.count]),
    staleness: st.staleness.map((x) => x.count),
  };
}

/** W8 as plain GROUP BY statements over the rows (the reference answer, and the hand-written baseline). */
export async function statsBySql(client, serviceSid, window = W8_WINDOW) {
  const q = async (sql, values) => (await client.query(sql, values)).rows.map((r) => [r.k, Number(r.n)]);
  const s = [serviceSid];
  const [{ total }] = (await client.query('SELECT count(*)::int AS total FROM bindings WHERE service_sid = $1', s)).rows;
  const stale = (
    await client.query(
      `SELECT ${STALE_DAYS.map((d) => `count(*) FILTER (WHERE date_updated < (now() AT TIME ZONE 'UTC') - interval '${d} days')::int AS s${d}`).join(', ')}
         FROM bindings WHERE service_sid = $1`,
      s,
    )
  ).rows[0];
  return {
    total,
    byType: rankedPairs(await q('SELECT binding_type::text AS k, count(*) AS n FROM bindings WHERE service_sid = $1 GROUP BY 1', s)),
    byCredential: rankedPairs(await q('SELECT credential_sid AS k, count(*) AS n FROM bindings WHERE service_sid = $1 GROUP BY 1', s)),
    byMessageType: rankedPairs(
      await q(
        'SELECT m AS k, count(*) AS n FROM bindings b CROSS JOIN LATERAL (SELECT DISTINCT unnest(b.message_types) AS m) x WHERE b.service_sid = $1 GROUP BY 1',
        s,
      ),
    ),
    registrations: (
      await q(
        `SELECT to_char(date_trunc('day', date_created), 'YYYY-MM-DD') AS k, count(*) AS n FROM bindings
          WHERE service_sid = $1 AND date_created >= $2::timestamp AND date_created < $3::timestamp GROUP BY 1 ORDER BY 1`,
        [serviceSid, window.from.replace('Z', ''), window.to.replace('Z', '')],
      )
    ).filter(([, n]) => n > 0),
    staleness: STALE_DAYS.map((d) => stale[`s${d}`]),
  };
}

/** The expected answers, straight from SQL (independent of every contender). */
export async function expectedAnswers(client, params) {
  const sids = async (sql, values) => (await client.query(sql, values)).rows.map((r) => r.sid);
  const pageFrom = (rows) => ({ sids: rows.slice(0, 50), hasNextPage: rows.length > 50 });
  const s = params.serviceSid;
  const users = (await client.query('SELECT sid FROM users WHERE service_sid = $1 ORDER BY sid LIMIT 21', [s])).rows.map((r) => r.sid);
  const w6 = [];
  for (const u of users.slice(0, 20)) {
    w6.push([u, ...(await sids('SELECT sid FROM bindings WHERE user_sid = $1 ORDER BY sid LIMIT 50', [u]))]);
  }
  return {
    w1: pageFrom(await sids('SELECT sid FROM bindings WHERE service_sid = $1 ORDER BY sid LIMIT 51', [s])),
    w2: pageFrom(await sids('SELECT sid FROM bindings WHERE service_sid = $1 AND sid > $2 ORDER BY sid LIMIT 51', [s, params.deepAfterSid])),
    w3: pageFrom(await sids('SELECT sid FROM bindings WHERE service_sid = $1 AND identity = $2 ORDER BY sid LIMIT 51', [s, params.identity])),
    w4: pageFrom(await sids(`SELECT sid FROM bindings WHERE service_sid = $1 AND binding_type IN ('apn', 'fcm') ORDER BY sid LIMIT 51`, [s])),
    w5: { sids: [params.bindingSid] },
    w6: { users: w6, hasNextPage: users.length > 20 },
    w7: { count: (await client.query('SELECT count(*)::int AS n FROM bindings WHERE service_sid = $1', [s])).rows[0].n },
    w8: await statsBySql(client, s),
  };
}

/** Where two normalized answers differ, or null when they agree (W8's staleness is compared apart: see statsOf). */
export function difference(expected, actual) {
  const strip = (x) => (x && typeof x === 'object' && 'staleness' in x ? { ...x, staleness: undefined } : x);
  const a = JSON.stringify(strip(expected));
  const b = JSON.stringify(strip(actual));
  if (a === b) return null;
  return `expected ${a.slice(0, 160)}… got ${b.slice(0, 160)}…`;
}

// @ts-check
// The seven workloads as each contender asks for them, and how to read each
// answer back into a comparable form (sids in order, hasNextPage, counts).

export const WORKLOADS = {
  w1: 'first page of 50 bindings of the largest service',
  w2: 'a page of 50 deep in the largest service (after a cursor 100 rows before its end)',
  w3: "one identity's bindings in the largest service",
  w4: 'bindings of two types (apn, fcm) in the largest service, page of 50',
  w5: 'fetch one binding by sid',
  w6: '20 users of the largest service, each with a page of 50 bindings (nested connection)',
  w7: "totalCount of the largest service's bindings",
};

export const CONTENDERS = {
  graphql: 'this gateway, GraphQL (POST /graphql)',
  rest: 'this gateway, Twilio REST shim (GET /v2/…)',
  postgraphile: 'PostGraphile 5.1.5 (amber preset + connection filter), grafserv on node:http, no auth',
  raw: 'node:http + pg, one prepared statement per workload, no auth',
};

/** Which contenders can express which workload (REST has no nested list nor counts). */
export const SUPPORTED = {
  graphql: ['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7'],
  rest: ['w1', 'w2', 'w3', 'w4', 'w5'],
  postgraphile: ['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7'],
  raw: ['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7'],
};

const FIELDS = 'sid accountSid serviceSid identity endpoint bindingType credentialSid messageTypes dateCreated dateUpdated';
const PAGE = `pageInfo { hasNextPage endCursor } nodes { ${FIELDS} }`;

/** Our schema (schema.graphql). */
const OURS = {
  w1: `query W1($service: String!) { service(sid: $service) { bindings(first: 50) { ${PAGE} } } }`,
  w2: `query W2($service: String!, $after: String!) { service(sid: $service) { bindings(first: 50, after: $after) { ${PAGE} } } }`,
  w3: `query W3($service: String!, $identity: String!) { service(sid: $service) { bindings(first: 50, identity: [$identity]) { ${PAGE} } } }`,
  w4: `query W4($service: String!) { service(sid: $service) { bindings(first: 50, bindingType: [APN, FCM]) { ${PAGE} } } }`,
  w5: `query W5($sid: ID!) { node(id: $sid) { ... on Binding { ${FIELDS} } } }`,
  w6: `query W6($service: String!) { service(sid: $service) { users(first: 20) { pageInfo { hasNextPage endCursor } nodes { sid identity bindings(first: 50) { ${PAGE} } } } } }`,
  w7: `query W7($service: String!) { service(sid: $service) { bindings { totalCount } } }`,
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
};

/** Documents used once before measuring, to obtain each server's own cursor for W2. */
export const CURSOR_QUERIES = {
  graphql: `query Deep($service: String!) { service(sid: $service) { bindings(last: 101) { edges { cursor node { sid } } } } }`,
  postgraphile: `query Deep($service: String!) { serviceBySid(sid: $service) { ${PGL_LIST}(last: 101, orderBy: PRIMARY_KEY_ASC) { edges { cursor node { sid } } } } }`,
};

/** @typedef {{ method: 'GET' | 'POST', path: string, headers?: Record<string, string>, body?: string }} BenchRequest */

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
  return {
    graphql: {
      w1: gql(OURS.w1, svc),
      w2: gql(OURS.w2, { ...svc, after: cursors.graphql }),
      w3: gql(OURS.w3, { ...svc, identity: params.identity }),
      w4: gql(OURS.w4, svc),
      w5: gql(OURS.w5, { sid: params.bindingSid }),
      w6: gql(OURS.w6, svc),
      w7: gql(OURS.w7, svc),
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
    },
    raw: {
      w1: get(`/w1?${q(svc)}`),
      w2: get(`/w2?${q({ ...svc, after: params.deepAfterSid })}`),
      w3: get(`/w3?${q({ ...svc, identity: params.identity })}`),
      w4: get(`/w4?${q({ ...svc, types: params.bindingTypes.join(',') })}`),
      w5: get(`/w5?${q({ sid: params.bindingSid })}`),
      w6: get(`/w6?${q(svc)}`),
      w7: get(`/w7?${q(svc)}`),
    },
  };
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
  // postgraphile
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
  };
}

/** Where two normalized answers differ, or null when they agree. */
export function difference(expected, actual) {
  const a = JSON.stringify(expected);
  const b = JSON.stringify(actual);
  if (a === b) return null;
  return `expected ${a.slice(0, 160)}… got ${b.slice(0, 160)}…`;
}

/**
 * Tenant isolation matrix: for every REST endpoint and every GraphQL root and
 * nested field that reaches data, a request from account B with account A's
 * SIDs, global IDs, cursors and page tokens returns not-found or nothing.
 *
 * The matrix is enumerated from the REST route table (`routes`) and the
 * GraphQL schema (`schema`), so a new endpoint or field cannot be added
 * without being covered: a route without an entry in ROUTE_CASES (or with a
 * path parameter without values in PARAM_VALUES), a root or argument-taking
 * field without an entry in GQL_CASES, or any field no executed document
 * selects, fails this file with the list of what is missing.
 *
 * Every foreign request is also sent with A's values swapped for values that
 * exist nowhere ("unknown twins"): foreign and unknown must be answered alike
 * (same status, same body once the values are swapped back), so no answer can
 * tell B that A's object exists. Every response of every request (including
 * B's own controls) is scanned for A's SIDs, identities, endpoints and
 * friendly names. Expected leaks: 0.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  type DocumentNode,
  extendSchema,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isLeafType,
  isObjectType,
  Lexer,
  parse,
  print,
  Source,
  TokenKind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPruneJob } from '../../src/domain/prune.js';
import { newSid } from '../../src/domain/sids.js';
import { schema } from '../../src/graphql/schema/index.js';
import { type Route, routes } from '../../src/rest/routes.js';
import {
  type Answer,
  accountSecrets,
  brandAccountData,
  type Harness,
  LeakDetector,
  makeApiKey,
  replaceAll,
  startHarness,
  unknownTwin,
} from '../helpers/isolation.js';

// ---------------------------------------------------------------------------
// The world: account A (the victim) and account B (the caller).

interface World {
  a: {
    account: string;
    service: string;
    service2: string;
    user: string;
    identity: string;
    binding: string;
    credential: string;
    /** The credential's type, as GraphQL names it (APN, GCM, FCM). */
    credentialType: string;
    apiKey: string;
    /** A queued prune job of A's (no runner runs here: it stays queued). */
    pruneJob: string;
  };
  b: {
    account: string;
    service: string;
    user: string;
    identity: string;
    binding: string;
    credential: string;
    credentialType: string;
    /** A queued prune job of B's own, for the traversal to reach PruneJob. */
    pruneJob: string;
  };
  /** A's REST page tokens (PA…/PB…) from each of A's lists, plus A's GraphQL cursors as tokens. */
  aTokens: Array<{ label: string; value: string }>;
  /** A's GraphQL cursors from each of A's connections, plus A's REST page tokens as cursors. */
  aCursors: Array<{ label: string; value: string }>;
  /** B's own page token for each list route (route name → token). */
  bTokens: Map<string, string>;
}

interface Cred {
  label: string;
  authorization: string;
  scope: 'read' | 'read-write';
}

let h: Harness;
let w: World;
/** B's credentials: every request of the matrix is made with each. */
let creds: Cred[];
let detector: LeakDetector;
/** Every GraphQL document sent, for the field coverage check. */
const executed: DocumentNode[] = [];
const counts = { restCases: 0, restRequests: 0, graphqlCases: 0, graphqlRequests: 0, twins: 0 };
/** A's and B's rows before the matrix; compared after (nothing may change, nothing may be deleted). */
let snapshotBefore: string;

const SEED = 'tenant-isolation';

async function snapshot(): Promise<string> {
  const p = h.db.prisma;
  const [accounts, services, users, bindings, credentials, apiKeys] = await Promise.all([
    p.account.findMany({ orderBy: { sid: 'asc' } }),
    p.service.findMany({ orderBy: { sid: 'asc' } }),
    p.user.findMany({ orderBy: { sid: 'asc' } }),
    p.binding.findMany({ orderBy: { sid: 'asc' } }),
    p.credential.findMany({ orderBy: { sid: 'asc' } }),
    p.apiKey.findMany({ orderBy: { sid: 'asc' } }),
  ]);
  return JSON.stringify({ accounts, services, users, bindings, credentials, apiKeys });
}

beforeAll(async () => {
  h = await startHarness({ seed: SEED });
  const { a, b } = h.scenario;
  const p = h.db.prisma;
  // The scenario gives both accounts `endpoint-N` and `User N`: make A's its own, so finding one in B's answers means a leak.
  await brandAccountData(h.db, a.sid, 'alpha');

  // B's ListService needs a second page (B's own page tokens): a second, empty service.
  await p.service.create({ data: { sid: newSid('IS'), accountSid: b.sid, friendlyName: 'Beta service 1' } });

  const aBinding = await p.binding.findUniqueOrThrow({ where: { sid: a.services[0]!.bindings[3]! } });
  const bBinding = await p.binding.findUniqueOrThrow({ where: { sid: b.services[0]!.bindings[0]! } });
  const aKey = await makeApiKey(h.db, a.sid, 'read-write', 'Alpha key');
  const bWrite = await makeApiKey(h.db, b.sid, 'read-write', 'Beta write key');
  const bRead = await makeApiKey(h.db, b.sid, 'read', 'Beta read key');
  const aJob = await createPruneJob(p, { accountSid: a.sid, scope: 'read-write', credentialSid: aKey.sid }, a.services[0]!.sid, {
    identities: [aBinding.identity],
  });
  const bJob = await createPruneJob(p, { accountSid: b.sid, scope: 'read-write', credentialSid: bWrite.sid }, b.services[0]!.sid, {
    identities: [bBinding.identity],
  });
  creds = [
    { label: "B's auth token", authorization: b.authorization, scope: 'read-write' },
    { label: "B's read-write key", authorization: bWrite.authorization, scope: 'read-write' },
    { label: "B's read key", authorization: bRead.authorization, scope: 'read' },
  ];
  w = {
    a: {
      account: a.sid,
      service: a.services[0]!.sid,
      service2: a.services[1]!.sid,
      user: aBinding.userSid,
      identity: aBinding.identity,
      binding: aBinding.sid,
      credential: aBinding.credentialSid!,
      credentialType: aBinding.bindingType.toUpperCase(),
      apiKey: aKey.sid,
      pruneJob: aJob.sid,
    },
    b: {
      account: b.sid,
      service: b.services[0]!.sid,
      user: bBinding.userSid,
      identity: bBinding.identity,
      binding: bBinding.sid,
      credential: bBinding.credentialSid!,
      credentialType: bBinding.bindingType.toUpperCase(),
      pruneJob: bJob.sid,
    },
    aTokens: [],
    aCursors: [],
    bTokens: new Map(),
  };
  expect(w.a.credential).toMatch(/^CR/);
  expect(w.b.credential).toMatch(/^CR/);

  // A's page tokens, from A's own lists through A's own eyes (PageSize=1: the next page's token, then the previous page's).
  for (const route of routes) {
    if (ROUTE_CASES[route.name]?.kind !== 'list') continue;
    for (const [owner, auth] of [
      ['A', a.authorization],
      ['B', b.authorization],
    ] as const) {
      const values = owner === 'A' ? { ServiceSid: w.a.service, UserSid: w.a.user } : { ServiceSid: w.b.service, UserSid: w.b.user };
      const first = await h.request('GET', `${fill(route.pattern, values)}?PageSize=1`, auth);
      expect(first.status, `${owner} lists ${route.pattern}: ${first.text}`).toBe(200);
      const next = first.json.meta.next_page_url as string;
      expect(next, `${owner}'s ${route.name} has a second page`).toBeTruthy();
      const nextToken = new URL(next).searchParams.get('PageToken')!;
      if (owner === 'B') {
        w.bTokens.set(route.name, nextToken);
        continue;
      }
      w.aTokens.push({ label: `A's ${route.name} next-page token`, value: nextToken });
      const second = await h.request('GET', new URL(next).pathname + new URL(next).search, auth);
      expect(second.status).toBe(200);
      const prevToken = new URL(second.json.meta.previous_page_url as string).searchParams.get('PageToken')!;
      w.aTokens.push({ label: `A's ${route.name} previous-page token`, value: prevToken });
    }
  }
  // A's GraphQL cursors from each of A's connections.
  const cursors = await h.graphql(
    `query($s: String!, $u: String!) {
      services(first: 1) { edges { cursor } }
      service(sid: $s) {
        bindings(first: 1) { edges { cursor } }
        users(first: 1) { edges { cursor } }
        user(sid: $u) { bindings(first: 1) { edges { cursor } } }
      }
    }`,
    { s: w.a.service, u: w.a.user },
    a.authorization,
  );
  expect(cursors.json.errors).toBeUndefined();
  const d = cursors.json.data;
  const gqlCursors = [
    { label: "A's services cursor", value: d.services.edges[0].cursor as string },
    { label: "A's Service.bindings cursor", value: d.service.bindings.edges[0].cursor as string },
    { label: "A's Service.users cursor", value: d.service.users.edges[0].cursor as string },
    { label: "A's User.bindings cursor", value: d.service.user.bindings.edges[0].cursor as string },
  ];
  const restTokens = [...w.aTokens];
  w.aCursors = [...gqlCursors, ...restTokens.map((t) => ({ label: `${t.label} as a cursor`, value: t.value.slice(2) }))];
  w.aTokens = [
    ...restTokens,
    ...gqlCursors.flatMap((c) => [
      { label: `${c.label} as a PA token`, value: `PA${c.value}` },
      { label: `${c.label} as a PB token`, value: `PB${c.value}` },
    ]),
  ];

  detector = new LeakDetector(await accountSecrets(h.db, a.sid), /alpha/i);
  snapshotBefore = await snapshot();
});

afterAll(async () => {
  if (detector) {
    console.info(
      `tenant isolation matrix: ${counts.restCases} REST cases (${counts.restRequests} requests), ` +
        `${counts.graphqlCases} GraphQL cases (${counts.graphqlRequests} requests), ${counts.twins} unknown-twin comparisons, ` +
        `${detector.scanned} responses scanned, ${detector.leaks.length} leaks; ` +
        `largest GraphQL document: ${Math.max(...executed.map(tokenCount))} tokens, depth ${Math.max(...executed.map(depthOf))}`,
    );
  }
  await h?.close();
});

function tokenCount(document: DocumentNode): number {
  const lexer = new Lexer(new Source(print(document)));
  let n = 0;
  while (lexer.advance().kind !== TokenKind.EOF) n++;
  return n;
}

function depthOf(document: DocumentNode): number {
  let depth = 0;
  let max = 0;
  visit(document, {
    Field: { enter: () => void (max = Math.max(max, ++depth)), leave: () => void depth-- },
  });
  return max;
}

// ---------------------------------------------------------------------------
// REST: the case table, keyed by route name. Every route of `routes` needs one.

type Owner = 'A' | 'B';

interface ParamValue {
  owner: Owner;
  label: string;
  value: string;
}

/** The values each path parameter takes in the matrix: A's (foreign) and B's (own), every form a parameter accepts. */
const PARAM_VALUES: Record<string, (w: World) => ParamValue[]> = {
  ServiceSid: (w) => [
    { owner: 'A', label: "A's service", value: w.a.service },
    { owner: 'B', label: "B's service", value: w.b.service },
  ],
  UserSid: (w) => [
    { owner: 'A', label: "A's user by sid", value: w.a.user },
    { owner: 'A', label: "A's user by identity", value: w.a.identity },
    { owner: 'B', label: "B's user by sid", value: w.b.user },
    { owner: 'B', label: "B's user by identity", value: w.b.identity },
  ],
  Sid: (w) => [
    { owner: 'A', label: "A's binding", value: w.a.binding },
    { owner: 'B', label: "B's binding", value: w.b.binding },
  ],
  CredentialSid: (w) => [
    { owner: 'A', label: "A's credential", value: w.a.credential },
    { owner: 'B', label: "B's credential", value: w.b.credential },
  ],
};

interface RouteCase {
  kind: 'fetch' | 'list';
  /** Lists: whether `Identity=` filters the list (otherwise it is ignored). */
  identityFilter?: boolean;
}

const ROUTE_CASES: Record<string, RouteCase> = {
  ListService: { kind: 'list', identityFilter: false },
  FetchService: { kind: 'fetch' },
  ListUser: { kind: 'list', identityFilter: false },
  FetchUser: { kind: 'fetch' },
  ListBinding: { kind: 'list', identityFilter: true },
  'FetchBinding, DeleteBinding': { kind: 'fetch' },
  ListUserBinding: { kind: 'list', identityFilter: false },
  'FetchUserBinding, DeleteUserBinding': { kind: 'fetch' },
  ListCredential: { kind: 'list', identityFilter: false },
  FetchCredential: { kind: 'fetch' },
};

/** Methods the matrix knows what to expect from; a route serving another one must be given a case first. */
const KNOWN_METHODS = ['GET', 'DELETE'];
/** Sent to every route too: answered 405 whatever the IDs are. */
const UNSUPPORTED_METHOD = 'POST';

function paramsOf(pattern: string): string[] {
  return [...pattern.matchAll(/:(\w+)/g)].map((m) => m[1]!);
}

function fill(pattern: string, values: Record<string, string>): string {
  return pattern.replace(/:(\w+)/g, (_m, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for :${name} in ${pattern}`);
    return encodeURIComponent(value);
  });
}

/** Everything about a route table the matrix cannot cover; empty when every route × method has its cases. */
function uncoveredRoutes(table: readonly Route[]): string[] {
  const problems: string[] = [];
  for (const route of table) {
    const where = `${route.name} (${route.pattern})`;
    if (!ROUTE_CASES[route.name]) problems.push(`${where}: no entry in ROUTE_CASES`);
    for (const param of paramsOf(route.pattern)) {
      if (!PARAM_VALUES[param]) problems.push(`${where}: no values for :${param} in PARAM_VALUES`);
    }
    for (const method of Object.keys(route.methods)) {
      if (!KNOWN_METHODS.includes(method)) problems.push(`${where}: method ${method} has no expectation`);
    }
  }
  for (const name of Object.keys(ROUTE_CASES)) {
    if (!table.some((r) => r.name === name)) problems.push(`${name}: ROUTE_CASES entry for a route that does not exist`);
  }
  return problems;
}

type RestExpectation =
  /** Twilio 404 for the path. */
  | 'not-found'
  /** A read key's DELETE: 403 (read-only) or 404, never anything else. */
  | 'forbidden-or-not-found'
  /** Twilio 400 21481 Invalid PageToken. */
  | 'bad-token'
  /** 200, B's own list, nothing of A in it (and nothing at all when `empty`). */
  | 'own-list'
  | 'own-list-empty'
  /** 405 with Allow. */
  | 'method-not-allowed';

interface RestCase {
  label: string;
  method: string;
  cred: Cred;
  path: string;
  query: Array<[string, string]>;
  /** A's values in the request. */
  foreign: string[];
  expectation: RestExpectation;
}

/** The REST matrix for one route: every combination of A's and B's values × query variants × methods × B's credentials. */
function restCases(route: Route): { foreign: RestCase[]; controls: RestCase[] } {
  const rc = ROUTE_CASES[route.name]!;
  const params = paramsOf(route.pattern);
  const combos = cartesian(params.map((p) => PARAM_VALUES[p]!(w)));
  const methods = [...Object.keys(route.methods), ...(UNSUPPORTED_METHOD in route.methods ? [] : [UNSUPPORTED_METHOD])];
  const foreign: RestCase[] = [];
  const controls: RestCase[] = [];
  for (const combo of combos) {
    const foreignParams = combo.filter((v) => v.owner === 'A');
    const path = fill(route.pattern, Object.fromEntries(params.map((p, i) => [p, combo[i]!.value])));
    const comboLabel = combo.map((v) => v.label).join(', ') || 'no parameters';
    type Variant = { label: string; query: Array<[string, string]>; foreign: string[]; kind: 'none' | 'token' | 'identity' | 'own-token' };
    const variants: Variant[] = [{ label: '', query: [], foreign: [], kind: 'none' }];
    if (rc.kind === 'list') {
      const tokens = foreignParams.length ? w.aTokens.filter((t) => t.label.startsWith(`A's ${route.name} `)) : w.aTokens;
      for (const t of tokens) variants.push({ label: ` ?PageToken=${t.label}`, query: [['PageToken', t.value]], foreign: [t.value], kind: 'token' });
      variants.push({ label: " ?Identity=A's identity", query: [['Identity', w.a.identity]], foreign: [w.a.identity], kind: 'identity' });
      const own = w.bTokens.get(route.name);
      if (foreignParams.length && own) variants.push({ label: " ?PageToken=B's own token", query: [['PageToken', own]], foreign: [], kind: 'own-token' });
    }
    for (const method of methods) {
      for (const cred of creds) {
        for (const v of variants) {
          const allForeign = [...foreignParams.map((p) => p.value), ...v.foreign];
          const base = {
            method,
            cred,
            path,
            query: v.query,
            foreign: allForeign,
            label: `${method} ${route.pattern} [${comboLabel}${v.label}] as ${cred.label}`,
          };
          if (!allForeign.length) {
            if (method === 'GET') controls.push({ ...base, expectation: 'own-list' });
            continue;
          }
          let expectation: RestExpectation;
          if (!(method in route.methods)) expectation = 'method-not-allowed';
          else if (foreignParams.length) expectation = method === 'DELETE' && cred.scope === 'read' ? 'forbidden-or-not-found' : 'not-found';
          else if (v.kind === 'token') expectation = 'bad-token';
          else expectation = rc.identityFilter ? 'own-list-empty' : 'own-list';
          foreign.push({ ...base, expectation });
        }
      }
    }
  }
  return { foreign, controls };
}

function cartesian<T>(lists: T[][]): T[][] {
  return lists.reduce<T[][]>((acc, list) => acc.flatMap((prefix) => list.map((item) => [...prefix, item])), [[]]);
}

function url(path: string, query: Array<[string, string]>): string {
  return query.length ? `${path}?${new URLSearchParams(query).toString()}` : path;
}

const twilioError = (status: number, code: number, message: string) => ({
  code,
  message,
  more_info: `https://www.twilio.com/docs/errors/${code}`,
  status,
});

/** What is wrong with an answer to a foreign REST case; undefined when it is as expected. */
function checkRest(c: RestCase, r: Answer): string | undefined {
  const notFound = twilioError(404, 20404, `The requested resource ${c.path.replace(/^\/v2/, '')} was not found`);
  const got = `HTTP ${r.status} ${r.text.slice(0, 300)}`;
  switch (c.expectation) {
    case 'not-found':
      return r.status === 404 && isDeepStrictEqual(r.json, notFound) ? undefined : `expected the Twilio 404, got ${got}`;
    case 'forbidden-or-not-found':
      if (r.status === 404 && isDeepStrictEqual(r.json, notFound)) return undefined;
      return r.status === 403 && r.json?.code === 20403 && r.json?.status === 403 && Object.keys(r.json).length === 4
        ? undefined
        : `expected a Twilio 403 or 404, got ${got}`;
    case 'bad-token':
      return r.status === 400 && isDeepStrictEqual(r.json, twilioError(400, 21481, 'Invalid PageToken'))
        ? undefined
        : `expected 400 Invalid PageToken, got ${got}`;
    case 'own-list':
    case 'own-list-empty': {
      if (r.status !== 200) return `expected 200, got ${got}`;
      const key = r.json?.meta?.key as string | undefined;
      const items = key ? (r.json[key] as Array<Record<string, unknown>>) : undefined;
      if (!key || !Array.isArray(items)) return r.json?.sid === undefined ? `not a Twilio list or resource: ${got}` : ownResource(r.json);
      if (c.expectation === 'own-list-empty' && items.length) return `expected no items, got ${items.length}: ${got}`;
      for (const item of items) {
        const problem = ownResource(item);
        if (problem) return problem;
      }
      return undefined;
    }
    case 'method-not-allowed':
      return r.status === 405 && r.json?.code === 20004 && r.headers.get('allow') ? undefined : `expected 405, got ${got}`;
  }
}

/** A resource body of B: its account (or its service's) is B's. */
function ownResource(body: Record<string, unknown>): string | undefined {
  if (body.account_sid !== undefined && body.account_sid !== w.b.account) return `resource of another account: ${JSON.stringify(body)}`;
  if (body.service_sid !== undefined && body.service_sid !== w.b.service) return `resource of another service: ${JSON.stringify(body)}`;
  return undefined;
}

/** Sends a case, checks it, scans it, and compares it with its unknown twin. Returns the problems found. */
async function runRest(c: RestCase): Promise<string[]> {
  const problems: string[] = [];
  const r = await h.request(c.method, url(c.path, c.query), c.cred.authorization);
  counts.restRequests++;
  const problem = checkRest(c, r);
  if (problem) problems.push(`${c.label}: ${problem}`);
  for (const leak of detector.scan(c.label, r.text, c.foreign)) problems.push(`${c.label}: LEAK of ${leak.what}`);
  if (c.foreign.length) {
    // The same request with A's values swapped for unknown ones must be answered the same way.
    const pairs = c.foreign.map((f) => [f, unknownTwin(f)] as const);
    const twinPath = replaceAll(c.path, pairs);
    const twinQuery = c.query.map(([k, v]) => [k, replaceAll(v, pairs)] as [string, string]);
    const twin = await h.request(c.method, url(twinPath, twinQuery), c.cred.authorization);
    counts.restRequests++;
    counts.twins++;
    detector.scan(
      `${c.label} (unknown twin)`,
      twin.text,
      pairs.map(([, t]) => t),
    );
    const back = replaceAll(
      twin.text,
      pairs.map(([f, t]) => [t, f] as const),
    );
    if (twin.status !== r.status || back !== r.text) {
      problems.push(
        `${c.label}: foreign and unknown answered differently: HTTP ${r.status} ${r.text.slice(0, 200)} vs HTTP ${twin.status} ${back.slice(0, 200)}`,
      );
    }
  }
  return problems;
}

describe('REST: every route × method × A ID (by sid and by identity) × query variant × B credential', () => {
  it('has a case for every route of the route table', () => {
    expect(uncoveredRoutes(routes)).toEqual([]);
  });

  it('would fail for a route without a case (a scratch copy of the table with extra routes)', () => {
    const scratch: Route[] = [
      ...routes,
      { name: 'FetchRole', pattern: '/v2/Services/:ServiceSid/Roles/:RoleSid', methods: { GET: async () => new Response() } },
      {
        name: 'ListBinding',
        pattern: '/v2/Services/:ServiceSid/Bindings',
        methods: { GET: async () => new Response(), PUT: async () => new Response() } as Route['methods'],
      },
    ];
    expect(uncoveredRoutes(scratch)).toEqual([
      'FetchRole (/v2/Services/:ServiceSid/Roles/:RoleSid): no entry in ROUTE_CASES',
      'FetchRole (/v2/Services/:ServiceSid/Roles/:RoleSid): no values for :RoleSid in PARAM_VALUES',
      'ListBinding (/v2/Services/:ServiceSid/Bindings): method PUT has no expectation',
    ]);
    // And a route that disappears leaves a stale case behind, which is reported too.
    expect(uncoveredRoutes(routes.filter((r) => r.name !== 'FetchUser'))).toEqual(['FetchUser: ROUTE_CASES entry for a route that does not exist']);
  });

  it("A's own IDs and tokens are real (the control for B's view)", async () => {
    const problems: string[] = [];
    for (const route of routes) {
      for (const userSid of [w.a.user, w.a.identity]) {
        const path = fill(route.pattern, { ServiceSid: w.a.service, UserSid: userSid, Sid: w.a.binding, CredentialSid: w.a.credential });
        const r = await h.request('GET', path, h.scenario.a.authorization);
        if (r.status !== 200) problems.push(`A GET ${path}: HTTP ${r.status} ${r.text.slice(0, 200)}`);
        if (!paramsOf(route.pattern).includes('UserSid')) break;
      }
    }
    for (const t of w.aTokens) {
      // Each of A's tokens pages A's own list of the same kind somewhere (the REST ones on the list they came from).
      const route = routes.find((r) => t.label.startsWith(`A's ${r.name} `));
      if (!route) continue;
      const path = fill(route.pattern, { ServiceSid: w.a.service, UserSid: w.a.user });
      const r = await h.request('GET', url(path, [['PageToken', t.value]]), h.scenario.a.authorization);
      if (r.status !== 200) problems.push(`A GET ${path} with ${t.label}: HTTP ${r.status} ${r.text.slice(0, 200)}`);
    }
    expect(problems).toEqual([]);
  });

  for (const route of routes) {
    it(`${route.name} ${route.pattern}: A's IDs and tokens are not found for B, alike to unknown ones, and leak nothing`, async () => {
      const { foreign, controls } = restCases(route);
      expect(foreign.length).toBeGreaterThan(0);
      const problems: string[] = [];
      for (const c of controls) {
        const r = await h.request(c.method, url(c.path, c.query), c.cred.authorization);
        counts.restRequests++;
        const problem = checkRest(c, r);
        if (problem) problems.push(`control ${c.label}: ${problem}`);
        for (const leak of detector.scan(`control ${c.label}`, r.text)) problems.push(`control ${c.label}: LEAK of ${leak.what}`);
      }
      for (const c of foreign) {
        counts.restCases++;
        problems.push(...(await runRest(c)));
      }
      expect(problems, problems.slice(0, 20).join('\n')).toEqual([]);
    });
  }

  it("left every row in place: B's DELETEs with A's IDs removed nothing and audited nothing", async () => {
    expect(await snapshot()).toBe(snapshotBefore);
    expect(await h.db.prisma.bindingDeletion.count()).toBe(0);
  });
});

// ---------------------------------------------------------------------------
// GraphQL: the case table, keyed by schema coordinate. Every root field and
// every field that takes arguments needs one.

type Check = (body: any, cred: Cred) => string | undefined;

interface GqlProbe {
  label: string;
  query: string;
  variables: Record<string, unknown>;
  /** A's values in the variables. */
  foreign: string[];
  check: Check;
}

interface GqlCase {
  /** Arguments to use on B's own data when the traversal selects the field (fields with arguments only). */
  own?: (w: World) => string;
  /** Requests with A's values. */
  probes: (w: World, s: GraphQLSchema) => GqlProbe[];
}

const errorCodesOf = (body: any): unknown[] => (body?.errors ?? []).map((e: any) => e?.extensions?.code);

const expectData =
  (data: unknown): Check =>
  (body) => {
    if (body?.errors) return `unexpected errors ${JSON.stringify(body.errors).slice(0, 300)}`;
    return isDeepStrictEqual(body?.data, data) ? undefined : `expected data ${JSON.stringify(data)}, got ${JSON.stringify(body?.data).slice(0, 300)}`;
  };

const expectErrors =
  (code: string | ((cred: Cred) => string), data: unknown): Check =>
  (body, cred) => {
    const want = typeof code === 'string' ? code : code(cred);
    const codes = errorCodesOf(body);
    if (!codes.length || codes.some((c) => c !== want)) return `expected ${want} errors, got ${JSON.stringify(body).slice(0, 300)}`;
    return isDeepStrictEqual(body.data ?? null, data) ? undefined : `expected data ${JSON.stringify(data)}, got ${JSON.stringify(body.data).slice(0, 300)}`;
  };

/** A's global IDs, one per node type (and A's API key SID, which is no node type at all). */
function aIds(w: World) {
  return [
    { label: "A's account", id: w.a.account },
    { label: "A's service", id: w.a.service },
    { label: "A's second service", id: w.a.service2 },
    { label: "A's user", id: w.a.user },
    { label: "A's credential", id: w.a.credential },
    { label: "A's binding", id: w.a.binding },
  ];
}

const nodeSelection = (s: GraphQLSchema) => selection(s, s.getType('Node')!, 1);

/** One probe per A cursor, as `after` (with first) and as `before` (with last), on a connection reached through B's own data. */
function cursorProbes(w: World, field: string, wrap: (args: string, inner: string) => string, data: unknown, connection: string, s: GraphQLSchema): GqlProbe[] {
  return w.aCursors.flatMap((c) =>
    (
      [
        ['after', 'first'],
        ['before', 'last'],
      ] as const
    ).map(([arg, size]) => ({
      label: `${field}(${arg}: ${c.label})`,
      query: `query($c: String!) { ${wrap(`(${size}: 5, ${arg}: $c)`, selection(s, s.getType(connection)!, 1))} }`,
      variables: { c: c.value },
      foreign: [c.value],
      check: expectErrors('BAD_USER_INPUT', data),
    })),
  );
}

/** Every field of BindingStats but asOf (the clock differs between two requests) and registrations (its own case). */
const STATS_SELECTION =
  'total byType { bindingType count } byCredential { credentialSid count credential { sid } } byMessageType { messageType count } staleness { olderThanDays count }';
const EMPTY_STATS = {
  total: 0,
  byType: [],
  byCredential: [],
  byMessageType: [],
  staleness: [30, 90, 180, 365].map((n) => ({ olderThanDays: n, count: 0 })),
};

const GQL_CASES: Record<string, GqlCase> = {
  'Query.account': {
    probes: (w, s) => [
      {
        label: 'account (always the caller’s own)',
        query: `{ account { ${selection(s, s.getType('Account')!, 1)} } }`,
        variables: {},
        foreign: [],
        check: (body) => (body?.data?.account?.sid === w.b.account && !body.errors ? undefined : `not B's account: ${JSON.stringify(body)}`),
      },
    ],
  },
  'Query.node': {
    own: (w) => `(id: "${w.b.binding}")`,
    probes: (w, s) => [
      ...aIds(w).map((x) => ({
        label: `node(id: ${x.label})`,
        query: `query($id: ID!) { node(id: $id) { ${nodeSelection(s)} } }`,
        variables: { id: x.id },
        foreign: [x.id],
        check: expectData({ node: null }),
      })),
      {
        label: "node(id: A's API key SID)",
        query: `query($id: ID!) { node(id: $id) { ${nodeSelection(s)} } }`,
        variables: { id: w.a.apiKey },
        foreign: [w.a.apiKey],
        check: expectErrors('BAD_USER_INPUT', { node: null }),
      },
    ],
  },
  'Query.nodes': {
    own: (w) => `(ids: ["${w.b.account}", "${w.b.service}", "${w.b.user}", "${w.b.credential}", "${w.b.binding}"])`,
    probes: (w, s) => [
      {
        label: "nodes(ids: all of A's)",
        query: `query($ids: [ID!]!) { nodes(ids: $ids) { ${nodeSelection(s)} } }`,
        variables: { ids: aIds(w).map((x) => x.id) },
        foreign: aIds(w).map((x) => x.id),
        check: expectData({ nodes: aIds(w).map(() => null) }),
      },
      ...aIds(w).map((x) => ({
        label: `nodes(ids: [${x.label}, B's binding])`,
        query: `query($ids: [ID!]!) { nodes(ids: $ids) { __typename ... on Binding { sid accountSid } } }`,
        variables: { ids: [x.id, w.b.binding] },
        foreign: [x.id],
        check: expectData({ nodes: [null, { __typename: 'Binding', sid: w.b.binding, accountSid: w.b.account }] }),
      })),
    ],
  },
  'Query.service': {
    own: (w) => `(sid: "${w.b.service}")`,
    probes: (w, s) =>
      aIds(w).map((x) => ({
        label: `service(sid: ${x.label})`,
        query: `query($sid: String!) { service(sid: $sid) { ${selection(s, s.getType('Service')!, 1)} } }`,
        variables: { sid: x.id },
        foreign: [x.id],
        check: expectData({ service: null }),
      })),
  },
  'Query.services': {
    own: () => '(first: 5)',
    probes: (w, s) => cursorProbes(w, 'services', (args, inner) => `services${args} { ${inner} }`, null, 'QueryServicesConnection', s),
  },
  'Service.bindings': {
    own: () => '(first: 5)',
    probes: (w, s) => [
      ...cursorProbes(
        w,
        "B's service.bindings",
        (args, inner) => `service(sid: "${w.b.service}") { bindings${args} { ${inner} } }`,
        { service: null },
        'ServiceBindingsConnection',
        s,
      ),
      {
        label: "B's service.bindings(identity: [A's identity])",
        query: `query($i: String!) { service(sid: "${w.b.service}") { bindings(first: 100, identity: [$i]) { totalCount nodes { sid } } } }`,
        variables: { i: w.a.identity },
        foreign: [w.a.identity],
        check: expectData({ service: { bindings: { totalCount: 0, nodes: [] } } }),
      },
      {
        label: "B's service.bindings(credentialSid: [A's credential])",
        query: `query($c: String!) { service(sid: "${w.b.service}") { bindings(first: 100, credentialSid: [$c]) { totalCount nodes { sid } } } }`,
        variables: { c: w.a.credential },
        foreign: [w.a.credential],
        check: expectData({ service: { bindings: { totalCount: 0, nodes: [] } } }),
      },
      {
        label: "B's service.bindings(identityPrefix: A's identity)",
        query: `query($i: String!) { service(sid: "${w.b.service}") { bindings(first: 100, identityPrefix: $i) { totalCount nodes { sid } } } }`,
        variables: { i: w.a.identity },
        foreign: [w.a.identity],
        check: expectData({ service: { bindings: { totalCount: 0, nodes: [] } } }),
      },
      {
        label: "B's service.bindings(identity: [A's identity, B's identity])",
        query: `query($i: String!) { service(sid: "${w.b.service}") { bindings(first: 100, identity: [$i, "${w.b.identity}"]) { nodes { accountSid identity } } } }`,
        variables: { i: w.a.identity },
        foreign: [w.a.identity],
        check: (body) => {
          const nodes = body?.data?.service?.bindings?.nodes as Array<{ accountSid: string; identity: string }> | undefined;
          if (body?.errors || !nodes?.length) return `expected B's bindings only, got ${JSON.stringify(body)}`;
          return nodes.every((n) => n.accountSid === w.b.account && n.identity === w.b.identity) ? undefined : `foreign bindings: ${JSON.stringify(nodes)}`;
        },
      },
    ],
  },
  'Service.bindingStats': {
    own: () => '',
    probes: (w) => [
      ...[
        { label: 'identity: [$v]', value: w.a.identity },
        { label: 'identityPrefix: $v', value: w.a.identity, arg: 'identityPrefix: $v' },
        { label: 'credentialSid: [$v]', value: w.a.credential },
      ].map((x) => {
        const arg = x.arg ?? x.label;
        return {
          label: `B's service.bindingStats(${x.label.replace('$v', "A's value")})`,
          query: `query($v: String!) { service(sid: "${w.b.service}") { bindingStats(${arg}) { ${STATS_SELECTION} } } }`,
          variables: { v: x.value },
          foreign: [x.value],
          check: expectData({ service: { bindingStats: EMPTY_STATS } }),
        };
      }),
      ...aIds(w).map((x) => ({
        label: `service(sid: ${x.label}).bindingStats`,
        query: `query($sid: String!) { service(sid: $sid) { bindingStats { ${STATS_SELECTION} } } }`,
        variables: { sid: x.id },
        foreign: [x.id],
        check: expectData({ service: null }),
      })),
    ],
  },
  'User.bindingStats': {
    own: () => '',
    probes: (w) => [
      {
        label: "B's user.bindingStats(credentialSid: [A's credential])",
        query: `query($v: String!) { service(sid: "${w.b.service}") { user(sid: "${w.b.user}") { bindingStats(credentialSid: [$v]) { ${STATS_SELECTION} } } } }`,
        variables: { v: w.a.credential },
        foreign: [w.a.credential],
        check: expectData({ service: { user: { bindingStats: EMPTY_STATS } } }),
      },
      {
        label: "B's service.user(sid: A's user).bindingStats",
        query: `query($v: String!) { service(sid: "${w.b.service}") { user(sid: $v) { bindingStats { ${STATS_SELECTION} } } } }`,
        variables: { v: w.a.user },
        foreign: [w.a.user],
        check: expectData({ service: { user: null } }),
      },
    ],
  },
  'BindingStats.registrations': {
    own: () => '(interval: DAY)',
    probes: (w) => [
      {
        label: "B's service.bindingStats(credentialSid: [A's credential]).registrations",
        query: `query($v: String!) { service(sid: "${w.b.service}") { bindingStats(credentialSid: [$v]) {
          registrations(interval: MONTH, from: "2000-01-01T00:00:00Z", to: "2000-03-01T00:00:00Z") { start count } } } }`,
        variables: { v: w.a.credential },
        foreign: [w.a.credential],
        check: expectData({
          service: {
            bindingStats: {
              registrations: [
                { start: '2000-01-01T00:00:00.000Z', count: 0 },
                { start: '2000-02-01T00:00:00.000Z', count: 0 },
              ],
            },
          },
        }),
      },
    ],
  },
  'Service.users': {
    own: () => '(first: 5)',
    probes: (w, s) =>
      cursorProbes(
        w,
        "B's service.users",
        (args, inner) => `service(sid: "${w.b.service}") { users${args} { ${inner} } }`,
        { service: null },
        'ServiceUsersConnection',
        s,
      ),
  },
  'Service.user': {
    own: (w) => `(sid: "${w.b.user}")`,
    probes: (w, s) => [
      ...[
        { label: "A's user sid", value: w.a.user },
        { label: "A's binding sid", value: w.a.binding },
      ].map((x) => ({
        label: `B's service.user(sid: ${x.label})`,
        query: `query($v: String!) { service(sid: "${w.b.service}") { user(sid: $v) { ${selection(s, s.getType('User')!, 1)} } } }`,
        variables: { v: x.value },
        foreign: [x.value],
        check: expectData({ service: { user: null } }),
      })),
      {
        label: "B's service.user(identity: A's identity)",
        query: `query($v: String!) { service(sid: "${w.b.service}") { user(identity: $v) { ${selection(s, s.getType('User')!, 1)} } } }`,
        variables: { v: w.a.identity },
        foreign: [w.a.identity],
        check: expectData({ service: { user: null } }),
      },
    ],
  },
  'User.bindings': {
    own: () => '(first: 5)',
    probes: (w, s) =>
      cursorProbes(
        w,
        "B's user.bindings",
        (args, inner) => `service(sid: "${w.b.service}") { user(sid: "${w.b.user}") { bindings${args} { ${inner} } } }`,
        { service: { user: null } },
        'UserBindingsConnection',
        s,
      ),
  },
  'Mutation.deleteBinding': {
    probes: (w, s) =>
      [...aIds(w), { label: "A's API key", id: w.a.apiKey }].map((x) => ({
        label: `deleteBinding(id: ${x.label})`,
        query: `mutation($id: ID!) { deleteBinding(input: { id: $id }) { ${selection(s, s.getType('DeleteBindingPayload')!, 1)} } }`,
        variables: { id: x.id },
        foreign: [x.id],
        // A read key is refused before anything is looked up, so it cannot tell either.
        check: expectErrors((cred) => (cred.scope === 'read' && x.id.startsWith('BS') ? 'FORBIDDEN' : 'NOT_FOUND'), null),
      })),
  },
  'Query.pruneJob': {
    own: (w) => `(id: "${w.b.pruneJob}")`,
    probes: (w, s) =>
      [...aIds(w), { label: "A's prune job", id: w.a.pruneJob }].map((x) => ({
        label: `pruneJob(id: ${x.label})`,
        query: `query($id: ID!) { pruneJob(id: $id) { ${selection(s, s.getType('PruneJob')!, 1)} } }`,
        variables: { id: x.id },
        foreign: [x.id],
        check: expectData({ pruneJob: null }),
      })),
  },
  'Mutation.cancelPruneJob': {
    probes: (w, s) =>
      [...aIds(w), { label: "A's prune job", id: w.a.pruneJob }].map((x) => ({
        label: `cancelPruneJob(id: ${x.label})`,
        query: `mutation($id: ID!) { cancelPruneJob(input: { id: $id }) { ${selection(s, s.getType('CancelPruneJobPayload')!, 1)} } }`,
        variables: { id: x.id },
        foreign: [x.id],
        check: expectErrors((cred) => (cred.scope === 'read' ? 'FORBIDDEN' : 'NOT_FOUND'), null),
      })),
  },
  'PruneBindingsPayload.sample': {
    own: () => '(first: 5)',
    probes: (w) => [
      {
        label: "pruneBindings(B's service, identity: [A's identity], dryRun).sample",
        query: `mutation($i: String!) { pruneBindings(input: { serviceSid: "${w.b.service}", filter: { identity: [$i] }, dryRun: true }) { matched sample(first: 20) { sid } } }`,
        variables: { i: w.a.identity },
        foreign: [w.a.identity],
        check: expectData({ pruneBindings: { matched: 0, sample: [] } }),
      },
    ],
  },
  'Mutation.pruneBindings': {
    probes: (w, s) =>
      [true, false].flatMap((dryRun) =>
        aIds(w).map((x) => ({
          label: `pruneBindings(serviceSid: ${x.label}, dryRun: ${dryRun})`,
          query: `mutation($input: PruneBindingsInput!) { pruneBindings(input: $input) { ${selection(s, s.getType('PruneBindingsPayload')!, 1)} } }`,
          variables: { input: { serviceSid: x.id, filter: { bindingType: ['APN', 'GCM', 'FCM'] }, dryRun } },
          foreign: [x.id],
          // A read key may dry-run (it only reads); starting a job it is refused before anything is looked up.
          check: expectErrors((cred) => (cred.scope === 'read' && !dryRun ? 'FORBIDDEN' : 'NOT_FOUND'), null),
        })),
      ),
  },
  'Subscription.bindingEvents': {
    // Refused before any stream starts (so JSON clients get the answer too): A's service is as unknown as any.
    probes: (w, s) =>
      aIds(w).map((x) => ({
        label: `bindingEvents(serviceSid: ${x.label})`,
        query: `subscription($sid: String!) { bindingEvents(serviceSid: $sid) { ${selection(s, s.getType('BindingEvent')!, 1)} } }`,
        variables: { sid: x.id },
        foreign: [x.id],
        check: expectErrors('NOT_FOUND', null),
      })),
  },
  'Mutation.registerBinding': {
    // A's IDs as the service (with B's credential) and as the credential (in B's service). A read key is
    // refused before anything is looked up; a sid of another kind is refused for its form, whoever owns it.
    probes: (w, s) =>
      (['serviceSid', 'credentialSid'] as const).flatMap((field) =>
        [...aIds(w), { label: "A's API key", id: w.a.apiKey }].map((x) => {
          const own = { serviceSid: w.b.service, credentialSid: w.b.credential };
          const bindingType = field === 'credentialSid' && x.id === w.a.credential ? w.a.credentialType : w.b.credentialType;
          const expected = x.id.startsWith(field === 'serviceSid' ? 'IS' : 'CR') ? 'NOT_FOUND' : 'BAD_USER_INPUT';
          return {
            label: `registerBinding(${field}: ${x.label})`,
            query: `mutation($input: RegisterBindingInput!) { registerBinding(input: $input) { ${selection(s, s.getType('RegisterBindingPayload')!, 1)} } }`,
            variables: {
              input: { ...own, [field]: x.id, identity: 'probe@beta.example', bindingType, endpoint: 'probe-endpoint', messageTypes: ['new_message'] },
            },
            foreign: [x.id],
            check: expectErrors((cred) => (cred.scope === 'read' ? 'FORBIDDEN' : expected), null),
          };
        }),
      ),
  },
};

function fieldInventory(s: GraphQLSchema) {
  const roots = new Set([s.getQueryType(), s.getMutationType(), s.getSubscriptionType()].filter(Boolean).map((t) => t!.name));
  const out: Array<{ coordinate: string; root: boolean; hasArgs: boolean }> = [];
  for (const type of Object.values(s.getTypeMap())) {
    if (type.name.startsWith('__') || (!isObjectType(type) && !isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields())) {
      out.push({ coordinate: `${type.name}.${field.name}`, root: roots.has(type.name), hasArgs: field.args.length > 0 });
    }
  }
  return out.sort((x, y) => x.coordinate.localeCompare(y.coordinate));
}

/** Root fields and fields with arguments that have no entry in GQL_CASES (and entries for fields that do not exist). */
function uncoveredFields(s: GraphQLSchema): string[] {
  const inventory = fieldInventory(s);
  const missing = inventory.filter((f) => (f.root || f.hasArgs) && !GQL_CASES[f.coordinate]).map((f) => `${f.coordinate}: no entry in GQL_CASES`);
  const stale = Object.keys(GQL_CASES)
    .filter((c) => !inventory.some((f) => f.coordinate === c))
    .map((c) => `${c}: GQL_CASES entry for a field that does not exist`);
  return [...missing, ...stale];
}

/**
 * Every field of `type` (its own arguments from GQL_CASES for fields that take
 * some), objects `depth` levels deep, and every possible type of an interface.
 * Fields with arguments but no recipe are left out (and then reported as unselected).
 */
function selection(s: GraphQLSchema, type: GraphQLNamedType, depth: number, aliased: ReadonlySet<string> = new Set()): string {
  if (isLeafType(type)) return '';
  const parts = ['__typename'];
  if (isObjectType(type) || isInterfaceType(type)) {
    for (const field of Object.values(type.getFields())) {
      let args = '';
      if (field.args.length) {
        const own = GQL_CASES[`${type.name}.${field.name}`]?.own;
        if (!own) continue;
        args = own(w);
      }
      const named = getNamedType(field.type);
      const name = aliased.has(field.name) ? `${type.name}_${field.name}: ${field.name}` : field.name;
      parts.push(isLeafType(named) ? name + args : `${name}${args} { ${depth > 0 ? selection(s, named, depth - 1) : '__typename'} }`);
    }
  }
  if (isAbstractType(type)) {
    // Fields of the same name but another type (or arguments) in two possible types cannot share a response key.
    const possibles = s.getPossibleTypes(type);
    const shapes = new Map<string, Set<string>>();
    for (const possible of possibles) {
      for (const field of Object.values(possible.getFields())) {
        const shape = `${String(field.type)}(${field.args.map((a) => `${a.name}:${String(a.type)}`).join(',')})`;
        shapes.set(field.name, (shapes.get(field.name) ?? new Set()).add(shape));
      }
    }
    const conflicting = new Set([...shapes].filter(([, set]) => set.size > 1).map(([name]) => name));
    for (const possible of possibles) parts.push(`... on ${possible.name} { ${selection(s, possible, depth, conflicting)} }`);
  }
  return parts.join(' ');
}

/**
 * One query per object type reachable from Query, through B's own data: the
 * shortest path of fields from the root (with GQL_CASES' own arguments), then
 * every field of the type two levels deep.
 */
function traversalDocuments(s: GraphQLSchema): Array<{ focus: string; query: string }> {
  const query = s.getQueryType()!;
  const paths = new Map<string, string[]>([[query.name, []]]);
  const queue = [query.name];
  while (queue.length) {
    const typeName = queue.shift()!;
    const type = s.getType(typeName);
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      // Through object fields only: an interface (node) would need an ID of each possible type.
      if (!isObjectType(named) || paths.has(named.name)) continue;
      let args = '';
      if (field.args.length) {
        const own = GQL_CASES[`${type.name}.${field.name}`]?.own;
        if (!own) continue;
        args = own(w);
      }
      paths.set(named.name, [...paths.get(typeName)!, field.name + args]);
      queue.push(named.name);
    }
  }
  return [...paths.entries()]
    .filter(([name]) => name !== query.name)
    .map(([focus, path]) => ({
      focus,
      query: `{ ${path.reduceRight((inner, step) => `${step} { ${inner} }`, selection(s, s.getType(focus)!, 2))} }`,
    }));
}

/** `Type.field` of every field the documents select. */
function selectedCoordinates(s: GraphQLSchema, documents: DocumentNode[]): Set<string> {
  const selected = new Set<string>();
  for (const document of documents) {
    const typeInfo = new TypeInfo(s);
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field() {
          const parent = typeInfo.getParentType();
          const field = typeInfo.getFieldDef();
          if (parent && field && !field.name.startsWith('__')) selected.add(`${parent.name}.${field.name}`);
        },
      }),
    );
  }
  return selected;
}

function unselectedFields(s: GraphQLSchema, documents: DocumentNode[]): string[] {
  const selected = selectedCoordinates(s, documents);
  return fieldInventory(s)
    .map((f) => f.coordinate)
    .filter((c) => !selected.has(c));
}

/** Every object in a JSON value with the given __typename. */
function objectsOfType(value: unknown, typename: string, out: unknown[] = []): unknown[] {
  if (Array.isArray(value)) for (const v of value) objectsOfType(v, typename, out);
  else if (value && typeof value === 'object') {
    if ((value as Record<string, unknown>).__typename === typename) out.push(value);
    for (const v of Object.values(value)) objectsOfType(v, typename, out);
  }
  return out;
}

/** Every `accountSid` in a JSON value. */
function accountSids(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) accountSids(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'accountSid' && typeof v === 'string') out.push(v);
      else accountSids(v, out);
    }
  }
  return out;
}

async function sendGraphQL(label: string, query: string, variables: Record<string, unknown>, cred: Cred, echoes: string[]) {
  executed.push(parse(query));
  const r = await h.graphql(query, variables, cred.authorization);
  counts.graphqlRequests++;
  const leaks = detector.scan(label, r.text, echoes);
  return { r, leaks };
}

async function runProbe(p: GqlProbe, cred: Cred): Promise<string[]> {
  const label = `${p.label} as ${cred.label}`;
  const problems: string[] = [];
  const { r, leaks } = await sendGraphQL(label, p.query, p.variables, cred, p.foreign);
  for (const leak of leaks) problems.push(`${label}: LEAK of ${leak.what}`);
  const problem = r.json === undefined ? `not JSON: HTTP ${r.status} ${r.text.slice(0, 200)}` : p.check(r.json, cred);
  if (problem) problems.push(`${label}: ${problem}`);
  if (p.foreign.length) {
    const pairs = p.foreign.map((f) => [f, unknownTwin(f)] as const);
    const twinVariables = JSON.parse(replaceAll(JSON.stringify(p.variables), pairs)) as Record<string, unknown>;
    const twin = await sendGraphQL(
      `${label} (unknown twin)`,
      p.query,
      twinVariables,
      cred,
      pairs.map(([, t]) => t),
    );
    counts.twins++;
    const back = replaceAll(
      twin.r.text,
      pairs.map(([f, t]) => [t, f] as const),
    );
    if (twin.r.status !== r.status || back !== r.text) {
      problems.push(
        `${label}: foreign and unknown answered differently: HTTP ${r.status} ${r.text.slice(0, 200)} vs HTTP ${twin.r.status} ${back.slice(0, 200)}`,
      );
    }
  }
  return problems;
}

describe('GraphQL: every root field and every field with arguments × A IDs/cursors × B credential', () => {
  it('has a case for every root field and every field that takes arguments', () => {
    expect(uncoveredFields(schema)).toEqual([]);
  });

  it('would fail for a field without a case (a scratch schema with extra fields)', () => {
    const scratch = extendSchema(
      schema,
      parse(`
        extend type Query { credential(sid: String!): Credential }
        extend type Service { deletions(after: String, first: Int): [String!]! }
        extend type Binding { note: String }
      `),
    );
    expect(uncoveredFields(scratch)).toEqual(['Query.credential: no entry in GQL_CASES', 'Service.deletions: no entry in GQL_CASES']);
    // The traversal generator leaves out argument-taking fields without a recipe, so they are reported unselected too;
    // an argument-less new field (Binding.note) is picked up and selected automatically.
    const docs = [...traversalDocuments(scratch).map((d) => parse(d.query))];
    const unselected = unselectedFields(scratch, docs);
    expect(unselected).toContain('Query.credential');
    expect(unselected).toContain('Service.deletions');
    expect(unselected).not.toContain('Binding.note');
  });

  it("A's own IDs and cursors are real (the control for B's view)", async () => {
    const a: Cred = { label: "A's auth token", authorization: h.scenario.a.authorization, scope: 'read-write' };
    const r = await h.graphql(`query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, { ids: aIds(w).map((x) => x.id) }, a.authorization);
    expect(r.json).toEqual({ data: { nodes: aIds(w).map((x) => ({ __typename: expect.any(String), id: x.id })) } });
    expect(w.aCursors.length).toBeGreaterThanOrEqual(4 + 6);
  });

  for (const coordinate of Object.keys(GQL_CASES)) {
    it(`${coordinate}: A's IDs and cursors give B null, nothing or an error, alike to unknown ones, and leak nothing`, async () => {
      const probes = GQL_CASES[coordinate]!.probes(w, schema);
      expect(probes.length).toBeGreaterThan(0);
      // Each probe's document selects the field it is the case for.
      for (const p of probes) expect(selectedCoordinates(schema, [parse(p.query)]).has(coordinate), p.label).toBe(true);
      const problems: string[] = [];
      for (const p of probes) {
        for (const cred of creds) {
          counts.graphqlCases++;
          problems.push(...(await runProbe(p, cred)));
        }
      }
      expect(problems, problems.slice(0, 20).join('\n')).toEqual([]);
    });
  }

  it("reaches every object type through B's own data, two levels of every field deep, and finds only B's", async () => {
    const problems: string[] = [];
    const docs = traversalDocuments(schema);
    for (const { focus, query } of docs) {
      for (const cred of creds) {
        const label = `traversal to ${focus} as ${cred.label}`;
        const { r, leaks } = await sendGraphQL(label, query, {}, cred, []);
        for (const leak of leaks) problems.push(`${label}: LEAK of ${leak.what}`);
        if (r.status !== 200 || r.json?.errors) problems.push(`${label}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
        if (!objectsOfType(r.json?.data, focus).length) problems.push(`${label}: reached no ${focus}`);
        const foreignAccounts = accountSids(r.json?.data).filter((sid) => sid !== w.b.account);
        if (foreignAccounts.length) problems.push(`${label}: objects of ${foreignAccounts.join(', ')}`);
      }
    }
    // node/nodes over every node type of B's, with every field of each possible type.
    const bIds = [w.b.account, w.b.service, w.b.user, w.b.credential, w.b.binding];
    for (const id of bIds) {
      const label = `node(id: B's ${id.slice(0, 2)})`;
      const { r, leaks } = await sendGraphQL(
        label,
        `query($id: ID!) { node(id: $id) { ${selection(schema, schema.getType('Node')!, 2)} } }`,
        { id },
        creds[0]!,
        [],
      );
      for (const leak of leaks) problems.push(`${label}: LEAK of ${leak.what}`);
      if (r.json?.errors || r.json?.data?.node?.id !== id) problems.push(`${label}: ${r.text.slice(0, 300)}`);
      if (accountSids(r.json?.data).some((sid) => sid !== w.b.account)) problems.push(`${label}: foreign objects ${r.text.slice(0, 300)}`);
    }
    const { r, leaks } = await sendGraphQL(
      'nodes(ids: all of B’s)',
      `{ nodes${GQL_CASES['Query.nodes']!.own!(w)} { ${nodeSelection(schema)} } }`,
      {},
      creds[2]!,
      [],
    );
    for (const leak of leaks) problems.push(`nodes: LEAK of ${leak.what}`);
    if (r.json?.errors || r.json?.data?.nodes?.some((n: unknown) => n === null)) problems.push(`nodes(ids: B's): ${r.text.slice(0, 300)}`);
    expect(problems, problems.slice(0, 20).join('\n')).toEqual([]);
  });

  it("left every row in place: B's deleteBinding and registerBinding with A's IDs changed nothing and audited nothing", async () => {
    expect(await snapshot()).toBe(snapshotBefore);
    expect(await h.db.prisma.bindingDeletion.count()).toBe(0);
    expect(await h.db.prisma.bindingRegistration.count()).toBe(0);
  });

  it("B deleting its own binding (the payload, every field) shows nothing of A's and audits B's", async () => {
    const before = await h.db.prisma.binding.count({ where: { accountSid: w.a.account } });
    const own = h.scenario.b.services[0]!.bindings[3]!;
    const { r, leaks } = await sendGraphQL(
      "deleteBinding(B's own)",
      `mutation($id: ID!) { deleteBinding(input: { id: $id }) { ${selection(schema, schema.getType('DeleteBindingPayload')!, 2)} } }`,
      { id: own },
      creds[1]!,
      [],
    );
    expect(leaks).toEqual([]);
    expect(r.json.errors).toBeUndefined();
    expect(r.json.data.deleteBinding.deletedBindingId).toBe(own);
    expect(accountSids(r.json.data).every((sid) => sid === w.b.account)).toBe(true);
    expect(await h.db.prisma.binding.count({ where: { accountSid: w.a.account } })).toBe(before);
    const audit = await h.db.prisma.bindingDeletion.findMany();
    expect(audit.map((d) => [d.accountSid, d.bindingSid])).toEqual([[w.b.account, own]]);
  });

  it("B registering a device of its own (the payload, every field) shows nothing of A's and audits B's", async () => {
    const before = await h.db.prisma.binding.count({ where: { accountSid: w.a.account } });
    const input = {
      serviceSid: w.b.service,
      credentialSid: w.b.credential,
      bindingType: w.b.credentialType,
      identity: w.b.identity,
      endpoint: 'beta-registered-device',
      messageTypes: ['new_message'],
    };
    const { r, leaks } = await sendGraphQL(
      "registerBinding(B's own)",
      `mutation($input: RegisterBindingInput!) { registerBinding(input: $input) { ${selection(schema, schema.getType('RegisterBindingPayload')!, 2)} } }`,
      { input },
      creds[1]!,
      [],
    );
    expect(leaks).toEqual([]);
    expect(r.json.errors).toBeUndefined();
    expect(r.json.data.registerBinding.created).toBe(true);
    expect(accountSids(r.json.data).every((sid) => sid === w.b.account)).toBe(true);
    expect(await h.db.prisma.binding.count({ where: { accountSid: w.a.account } })).toBe(before);
    const audit = await h.db.prisma.bindingRegistration.findMany();
    expect(audit.map((d) => [d.accountSid, d.bindingSid])).toEqual([[w.b.account, r.json.data.registerBinding.binding.sid]]);
  });

  it('selected every field of every type of the schema in the documents sent', () => {
    expect(unselectedFields(schema, executed)).toEqual([]);
  });
});

describe('Expected leaks: 0', () => {
  it("no response to B contained any of A's SIDs, identities, endpoints or friendly names", () => {
    expect(detector.scanned).toBeGreaterThan(1000);
    if (detector.leaks.length) console.error(`${detector.leaks.length} leaks:\n${detector.report()}`);
    expect(detector.leaks.length).toBe(0);
  });
});

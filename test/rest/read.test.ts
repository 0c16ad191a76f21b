/**
 * The read endpoints beside the Bindings over raw HTTP: ListService,
 * FetchService, ListUser, FetchUser, ListCredential and FetchCredential. Every
 * 200 body is validated against Twilio's read excerpt
 * (test/fixtures/twilio/chat_v2_read.openapi.json, test/helpers/openapi.ts)
 * and compared with the database; paging, page tokens, errors, auth and
 * isolation are held to what the Bindings lists do (test/rest/http.test.ts).
 *
 * Data: the scenario (account A with five services and three credentials,
 * account B with one of each kind), four more credentials of A (one without a
 * friendly name), and account C, created here, which starts with nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createAccount } from '../../src/domain/accounts.js';
import { newSid } from '../../src/domain/sids.js';
import type { Credential, Service, User } from '../../src/generated/prisma/client.js';
import { type BodyKind, expectValid } from '../helpers/openapi.js';
import { type Answer, expectTwilioError, restCall } from '../helpers/rest.js';
import { basicAuth, listen, startTestServer, type TestServer, testLogger } from '../helpers/server.js';

let t: TestServer;
let IS: string;
/** Account C: no services, no credentials (until a test gives it some). */
let C: { sid: string; authorization: string };

beforeAll(async () => {
  t = await startTestServer({ seed: 'rest-read', extraServices: 3 });
  IS = t.scenario.a.services[0]!.sid;
  const a = t.scenario.a.sid;
  const day = (n: number) => new Date(Date.UTC(2026, 0, n, 10, 20, 30, 456));
  await t.db.prisma.credential.createMany({
    data: [
      { sid: newSid('CR'), accountSid: a, friendlyName: null, type: 'fcm', sandbox: false, dateCreated: day(1), dateUpdated: day(2) },
      { sid: newSid('CR'), accountSid: a, friendlyName: 'Alpha iOS sandbox', type: 'apn', sandbox: true, dateCreated: day(3), dateUpdated: day(4) },
      { sid: newSid('CR'), accountSid: a, friendlyName: 'Alpha GCM', type: 'gcm', sandbox: false, dateCreated: day(5), dateUpdated: day(5) },
      { sid: newSid('CR'), accountSid: a, friendlyName: 'Alpha "quoted" & <odd>', type: 'apn', sandbox: false, dateCreated: day(6), dateUpdated: day(7) },
    ],
  });
  const created = await createAccount(t.db.prisma, { friendlyName: 'Gamma' });
  C = { sid: created.sid, authorization: basicAuth(created.sid, created.authToken) };
});

afterAll(async () => {
  await t?.close();
});

/** One request: `target` is a path (`/v2/…`) or an absolute URL. Account A's credentials unless told. */
const call = (target: string, init: { method?: string; auth?: string | null } = {}) =>
  restCall(t.baseUrl, target, { ...init, auth: init.auth === undefined ? t.scenario.a.authorization : init.auth });

/** A 200 answer of `kind`, validated against the read excerpt. */
async function ok(kind: BodyKind, target: string, auth?: string | null): Promise<any> {
  const answer = await call(target, auth === undefined ? {} : { auth });
  expect(answer.status, `${target}: ${answer.text}`).toBe(200);
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  expectValid(kind, answer.body);
  return answer.body;
}

const expectError = expectTwilioError;

const expectNotFound = (answer: Answer, path: string) => expectError(answer, 404, 20404, `The requested resource ${path.replace(/^\/v2/, '')} was not found`);
const expectInvalidToken = (answer: Answer) => expectError(answer, 400, 21481, 'Invalid PageToken');
const tokenOf = (url: string) => new URL(url).searchParams.get('PageToken')!;
const twilioDate = (d: Date) => `${d.toISOString().slice(0, 19)}Z`;

// What each resource must look like, written out from the database row.

function expectedService(s: Service, origin = t.baseUrl) {
  const url = `${origin}/v2/Services/${s.sid}`;
  return {
    account_sid: s.accountSid,
    consumption_report_interval: 10,
    date_created: twilioDate(s.dateCreated),
    date_updated: twilioDate(s.dateUpdated),
    default_channel_creator_role_sid: null,
    default_channel_role_sid: null,
    default_service_role_sid: null,
    friendly_name: s.friendlyName,
    limits: null,
    links: { users: `${url}/Users`, bindings: `${url}/Bindings` },
    notifications: null,
    post_webhook_url: null,
    pre_webhook_url: null,
    pre_webhook_retry_count: 0,
    post_webhook_retry_count: 0,
    reachability_enabled: null,
    read_status_enabled: null,
    sid: s.sid,
    typing_indicator_timeout: 5,
    url,
    webhook_filters: null,
    webhook_method: null,
    media: null,
  };
}

function expectedUser(u: User, accountSid: string, origin = t.baseUrl) {
  const url = `${origin}/v2/Services/${u.serviceSid}/Users/${u.sid}`;
  return {
    sid: u.sid,
    account_sid: accountSid,
    service_sid: u.serviceSid,
    role_sid: null,
    identity: u.identity,
    attributes: null,
    is_online: null,
    is_notifiable: null,
    friendly_name: u.friendlyName,
    date_created: twilioDate(u.dateCreated),
    date_updated: twilioDate(u.dateUpdated),
    joined_channels_count: 0,
    links: { user_bindings: `${url}/Bindings` },
    url,
  };
}

function expectedCredential(c: Credential, origin = t.baseUrl) {
  return {
    sid: c.sid,
    account_sid: c.accountSid,
    friendly_name: c.friendlyName,
    type: c.type,
    sandbox: c.sandbox ? 'True' : 'False',
    date_created: twilioDate(c.dateCreated),
    date_updated: twilioDate(c.dateUpdated),
    url: `${origin}/v2/Credentials/${c.sid}`,
  };
}

const dbServices = (accountSid: string) => t.db.prisma.service.findMany({ where: { accountSid }, orderBy: { sid: 'asc' } });
const dbCredentials = (accountSid: string) => t.db.prisma.credential.findMany({ where: { accountSid }, orderBy: { sid: 'asc' } });
const dbUsers = (serviceSid: string) => t.db.prisma.user.findMany({ where: { serviceSid }, orderBy: { sid: 'asc' } });

/** The three lists, each with its path, key, body kind and its rows in the database as the API must answer them. */
interface ListCase {
  name: string;
  path: () => string;
  key: string;
  kind: BodyKind;
  expected: () => Promise<Array<Record<string, unknown>>>;
}

const LISTS: ListCase[] = [
  {
    name: 'ListService',
    path: () => '/v2/Services',
    key: 'services',
    kind: 'serviceList',
    expected: async () => (await dbServices(t.scenario.a.sid)).map((s) => expectedService(s)),
  },
  {
    name: 'ListCredential',
    path: () => '/v2/Credentials',
    key: 'credentials',
    kind: 'credentialList',
    expected: async () => (await dbCredentials(t.scenario.a.sid)).map((c) => expectedCredential(c)),
  },
  {
    name: 'ListUser',
    path: () => `/v2/Services/${IS}/Users`,
    key: 'users',
    kind: 'userList',
    expected: async () => (await dbUsers(IS)).map((u) => expectedUser(u, t.scenario.a.sid)),
  },
];

describe.each(LISTS)('$name', (list) => {
  it('first page without parameters: defaults written out, every row of the database, exactly', async () => {
    const expected = await list.expected();
    expect(expected.length).toBeGreaterThan(2);
    const base = `${t.baseUrl}${list.path()}`;
    const page = await ok(list.kind, list.path());
    expect(page).toEqual({
      meta: {
        page: 0,
        page_size: 50,
        first_page_url: `${base}?PageSize=50&Page=0`,
        previous_page_url: null,
        url: `${base}?PageSize=50&Page=0`,
        next_page_url: null,
        key: list.key,
      },
      [list.key]: expected,
    });
  });

  it('walking next_page_url with PageSize=2: exact meta on every page, then back with previous_page_url', async () => {
    const expected = await list.expected();
    const base = `${t.baseUrl}${list.path()}`;
    const pageCount = Math.ceil(expected.length / 2);
    const pages: any[] = [];
    let target = `${list.path()}?PageSize=2`;
    for (let i = 0; i < pageCount; i++) {
      const page = await ok(list.kind, target);
      pages.push(page);
      expect(page[list.key], `page ${i}`).toEqual(expected.slice(i * 2, i * 2 + 2));
      expect(page.meta.page).toBe(i);
      expect(page.meta.page_size).toBe(2);
      expect(page.meta.key).toBe(list.key);
      expect(page.meta.first_page_url).toBe(`${base}?PageSize=2&Page=0`);
      expect(page.meta.url).toBe(i === 0 ? `${base}?PageSize=2&Page=0` : `${base}?PageSize=2&Page=${i}&PageToken=${encodeURIComponent(tokenOf(target))}`);
      if (i === 0) expect(page.meta.previous_page_url).toBeNull();
      else expect(page.meta.previous_page_url).toMatch(new RegExp(`^${escapeRegExp(base)}\\?PageSize=2&Page=${i - 1}&PageToken=PB[^&]+$`));
      if (i === pageCount - 1) expect(page.meta.next_page_url).toBeNull();
      else {
        expect(page.meta.next_page_url).toMatch(new RegExp(`^${escapeRegExp(base)}\\?PageSize=2&Page=${i + 1}&PageToken=PA[^&]+$`));
        target = page.meta.next_page_url;
      }
    }
    // Back from the last page to the first, by previous_page_url.
    let page = pages.at(-1);
    for (let i = pageCount - 2; i >= 0; i--) {
      page = await ok(list.kind, page.meta.previous_page_url);
      expect(page[list.key], `back to page ${i}`).toEqual(pages[i][list.key]);
      expect(page.meta.page).toBe(i);
    }
    expect(page.meta.previous_page_url).toBeNull();
  });

  it('PageSize 1 and 1000 are fine; 0, 1001, abc, -1, 1.5 and empty are 400/20001; Page > 0 needs a PageToken', async () => {
    const expected = await list.expected();
    expect((await ok(list.kind, `${list.path()}?PageSize=1`))[list.key]).toEqual(expected.slice(0, 1));
    const max = await ok(list.kind, `${list.path()}?PageSize=1000`);
    expect(max.meta.page_size).toBe(1000);
    expect(max[list.key]).toEqual(expected);
    for (const size of ['0', '1001', 'abc', '-1', '1.5', '', '1e2']) {
      expectError(await call(`${list.path()}?PageSize=${encodeURIComponent(size)}`), 400, 20001);
    }
    expectError(await call(`${list.path()}?Page=1`), 400, 20001, 'PageToken is required for paging.');
    for (const p of ['-1', 'abc']) expectError(await call(`${list.path()}?Page=${p}`), 400, 20001);
  });

  it('the token decides the position (Page is only echoed); tampered and garbage tokens are 400/21481', async () => {
    const expected = await list.expected();
    const first = await ok(list.kind, `${list.path()}?PageSize=1`);
    const token = tokenOf(first.meta.next_page_url);
    const page = await ok(list.kind, `${list.path()}?PageSize=1&Page=7&PageToken=${encodeURIComponent(token)}`);
    expect(page.meta.page).toBe(7);
    expect(page[list.key]).toEqual(expected.slice(1, 2));
    const at = Math.floor(token.length / 2);
    for (const bad of [
      `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`,
      `${token}x`,
      token.slice(0, -3),
      `PX${token.slice(2)}`,
      '',
      'PA',
      'PB.',
      'x',
      `PA${'a'.repeat(600)}`,
    ]) {
      expectInvalidToken(await call(`${list.path()}?PageSize=1&Page=1&PageToken=${encodeURIComponent(bad)}`));
    }
  });

  it('401 without credentials or with wrong ones, and a 405 for every other method', async () => {
    for (const auth of [null, basicAuth(t.scenario.a.sid, `${t.scenario.a.authToken}x`), basicAuth(t.scenario.b.sid, t.scenario.a.authToken)]) {
      const answer = await call(list.path(), { auth });
      expectError(answer, 401, 20003, 'Authenticate');
      expect(answer.headers.get('www-authenticate')).toMatch(/^Basic /);
    }
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const answer = await call(list.path(), { method });
      expectError(answer, 405, 20004, `The requested resource ${list.path().replace(/^\/v2/, '')} does not support the attempted HTTP method ${method}`);
      expect(answer.headers.get('allow')).toBe('GET');
    }
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('page tokens of one list are refused by every other, and by another account', () => {
  /** The next-page token of a list's first page (PageSize=1), as `auth` sees it. */
  async function nextToken(kind: BodyKind, path: string, auth?: string) {
    const page = await ok(kind, `${path}?PageSize=1`, auth);
    expect(page.meta.next_page_url, path).not.toBeNull();
    return tokenOf(page.meta.next_page_url);
  }

  it('services, credentials, users and bindings tokens: 400/21481 on each other’s lists', async () => {
    const SECOND = t.scenario.a.services[1]!.sid;
    const tokens: Record<string, string> = {
      services: await nextToken('serviceList', '/v2/Services'),
      credentials: await nextToken('credentialList', '/v2/Credentials'),
      users: await nextToken('userList', `/v2/Services/${IS}/Users`),
      bindings: await nextToken('bindingList', `/v2/Services/${IS}/Bindings`),
    };
    const lists: Record<string, string> = {
      services: '/v2/Services',
      credentials: '/v2/Credentials',
      users: `/v2/Services/${IS}/Users`,
      bindings: `/v2/Services/${IS}/Bindings`,
    };
    for (const [from, token] of Object.entries(tokens)) {
      for (const [to, path] of Object.entries(lists)) {
        const answer = await call(`${path}?PageSize=1&Page=1&PageToken=${encodeURIComponent(token)}`);
        if (from === to) expect(answer.status, `${from} token on ${to}`).toBe(200);
        else expectInvalidToken(answer);
      }
    }
    // A users token of one service on another service's users.
    expectInvalidToken(await call(`/v2/Services/${SECOND}/Users?PageSize=1&Page=1&PageToken=${encodeURIComponent(tokens.users!)}`));
  });

  it('another account’s token is 400/21481 both ways, and still works for its owner', async () => {
    const B = t.scenario.b;
    // B has one service: give it a second for a second page (removed again below).
    const extra = await t.db.prisma.service.create({ data: { sid: newSid('IS'), accountSid: B.sid, friendlyName: 'Beta extra' } });
    try {
      for (const [kind, path] of [
        ['serviceList', '/v2/Services'],
        ['credentialList', '/v2/Credentials'],
      ] as const) {
        const aToken = await nextToken(kind, path);
        const bToken = await nextToken(kind, path, B.authorization);
        const page = (token: string, auth: string) => call(`${path}?PageSize=1&Page=1&PageToken=${encodeURIComponent(token)}`, { auth });
        expectInvalidToken(await page(bToken, t.scenario.a.authorization));
        expectInvalidToken(await page(aToken, B.authorization));
        expectInvalidToken(await page(aToken, C.authorization));
        expect((await page(aToken, t.scenario.a.authorization)).status).toBe(200);
        const own = await page(bToken, B.authorization);
        expect(own.status).toBe(200);
        for (const item of own.body[kind === 'serviceList' ? 'services' : 'credentials']) expect(item.account_sid).toBe(B.sid);
      }
    } finally {
      await t.db.prisma.service.delete({ where: { sid: extra.sid } });
    }
  });

  it('survive deleting the row they point at (account C’s credentials)', async () => {
    const sids = Array.from({ length: 6 }, () => newSid('CR')).sort();
    await t.db.prisma.credential.createMany({ data: sids.map((sid, i) => ({ sid, accountSid: C.sid, friendlyName: `Gamma ${i}`, type: 'fcm' as const })) });
    try {
      const list = (target: string) => ok('credentialList', target, C.authorization);
      const ofPage = (page: any) => page.credentials.map((c: any) => c.sid);
      const page0 = await list('/v2/Credentials?PageSize=2');
      const page1 = await list(page0.meta.next_page_url);
      expect(ofPage(page1)).toEqual(sids.slice(2, 4));
      // The next token of page 0 points at sids[1]; page 1's previous token at sids[2].
      await t.db.prisma.credential.deleteMany({ where: { sid: { in: [sids[1]!, sids[2]!] } } });
      expect(ofPage(await list(page0.meta.next_page_url))).toEqual(sids.slice(3, 5));
      const back = await list(page1.meta.previous_page_url);
      expect(ofPage(back)).toEqual([sids[0]]);
      expect(back.meta.previous_page_url).toBeNull();
      expect(ofPage(await list(page1.meta.next_page_url))).toEqual(sids.slice(4, 6));
    } finally {
      await t.db.prisma.credential.deleteMany({ where: { accountSid: C.sid } });
    }
  });
});

describe('empty lists', () => {
  /** The exact empty answer of a list at `path` (no query but PageSize). */
  const emptyList = (path: string, key: string, size = 50) => {
    const base = `${t.baseUrl}${path}`;
    return {
      meta: {
        page: 0,
        page_size: size,
        first_page_url: `${base}?PageSize=${size}&Page=0`,
        previous_page_url: null,
        url: `${base}?PageSize=${size}&Page=0`,
        next_page_url: null,
        key,
      },
      [key]: [],
    };
  };

  it('an account without services or credentials: [] and both neighbours null', async () => {
    expect(await ok('serviceList', '/v2/Services', C.authorization)).toEqual(emptyList('/v2/Services', 'services'));
    expect(await ok('serviceList', '/v2/Services?PageSize=3', C.authorization)).toEqual(emptyList('/v2/Services', 'services', 3));
    expect(await ok('credentialList', '/v2/Credentials', C.authorization)).toEqual(emptyList('/v2/Credentials', 'credentials'));
  });

  it('a service without users: [] and both neighbours null', async () => {
    const service = await t.db.prisma.service.create({ data: { sid: newSid('IS'), accountSid: C.sid, friendlyName: 'Gamma empty' } });
    try {
      const path = `/v2/Services/${service.sid}/Users`;
      expect(await ok('userList', path, C.authorization)).toEqual(emptyList(path, 'users'));
      // Its account's list now has it, and only it.
      expect((await ok('serviceList', '/v2/Services', C.authorization)).services).toEqual([expectedService(service)]);
    } finally {
      await t.db.prisma.service.delete({ where: { sid: service.sid } });
    }
  });
});

describe('fetching', () => {
  it('every credential of A: its database row, sandbox "True"/"False", null friendly_name as null, no secret', async () => {
    const rows = await dbCredentials(t.scenario.a.sid);
    expect(rows.some((c) => c.friendlyName === null)).toBe(true);
    expect(new Set(rows.map((c) => c.sandbox))).toEqual(new Set([true, false]));
    expect(new Set(rows.map((c) => c.type))).toEqual(new Set(['apn', 'gcm', 'fcm']));
    for (const row of rows) {
      const body = await ok('credential', `/v2/Credentials/${row.sid}`);
      expect(body).toEqual(expectedCredential(row));
    }
  });

  it('every service of A: its database row, Chat’s defaults for what is not stored; each list item is the fetched body', async () => {
    const listed = (await ok('serviceList', '/v2/Services')).services;
    for (const row of await dbServices(t.scenario.a.sid)) {
      const body = await ok('service', `/v2/Services/${row.sid}`);
      expect(body).toEqual(expectedService(row));
      expect(JSON.stringify(listed.find((s: any) => s.sid === row.sid))).toBe(JSON.stringify(body));
    }
  });

  it('a user by US sid and by identity: the same body, its url by sid; listed, only the key order differs', async () => {
    const listed = (await ok('userList', `/v2/Services/${IS}/Users`)).users;
    for (const row of (await dbUsers(IS)).slice(0, 4)) {
      const bySid = await ok('user', `/v2/Services/${IS}/Users/${row.sid}`);
      const byIdentity = await ok('user', `/v2/Services/${IS}/Users/${encodeURIComponent(row.identity)}`);
      expect(bySid).toEqual(expectedUser(row, t.scenario.a.sid));
      expect(JSON.stringify(byIdentity)).toBe(JSON.stringify(bySid));
      const item = listed.find((u: any) => u.sid === row.sid);
      expect(item).toEqual(bySid);
      expect(Object.keys(item)).not.toEqual(Object.keys(bySid));
    }
  });

  it('unknown, malformed and other accounts’ credentials are 404/20404, alike', async () => {
    const mine = (await dbCredentials(t.scenario.a.sid))[0]!.sid;
    const theirs = (await dbCredentials(t.scenario.b.sid))[0]!.sid;
    for (const sid of [
      `CR${'0'.repeat(32)}`,
      'CRnothex',
      `cr${mine.slice(2)}`,
      `CR${mine.slice(2).toUpperCase()}`,
      mine.slice(0, -1),
      `${mine}0`,
      `${mine} `,
      theirs,
      IS,
      t.scenario.a.services[0]!.bindings[0]!,
      t.scenario.a.sid,
      "CR' OR '1'='1",
      '%00',
    ]) {
      const path = `/v2/Credentials/${encodeURIComponent(sid)}`;
      expectNotFound(await call(path), path);
    }
    // A's credential, seen by B and C: the same 404 as an unknown one.
    for (const auth of [t.scenario.b.authorization, C.authorization]) {
      expectNotFound(await call(`/v2/Credentials/${mine}`, { auth }), `/v2/Credentials/${mine}`);
    }
    expect((await call(`/v2/Credentials/${theirs}`, { auth: t.scenario.b.authorization })).status).toBe(200);
  });

  it('unknown, malformed and other accounts’ services are 404/20404 on FetchService and ListUser', async () => {
    for (const service of [`IS${'0'.repeat(32)}`, 'ISnothex', `is${IS.slice(2)}`, IS.slice(0, -1), t.scenario.b.services[0]!.sid]) {
      for (const path of [`/v2/Services/${service}`, `/v2/Services/${service}/Users`]) expectNotFound(await call(path), path);
    }
    for (const path of [`/v2/Services/${IS}`, `/v2/Services/${IS}/Users`]) expectNotFound(await call(path, { auth: t.scenario.b.authorization }), path);
  });

  it('401 without credentials, 405 for other methods', async () => {
    const path = `/v2/Credentials/${(await dbCredentials(t.scenario.a.sid))[0]!.sid}`;
    expectError(await call(path, { auth: null }), 401, 20003, 'Authenticate');
    expectError(await call(`/v2/Credentials/CR${'0'.repeat(32)}`, { auth: null }), 401, 20003, 'Authenticate');
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const answer = await call(path, { method });
      expectError(answer, 405, 20004);
      expect(answer.headers.get('allow')).toBe('GET');
    }
    expect(await t.db.prisma.credential.count({ where: { accountSid: t.scenario.a.sid } })).toBe(7);
  });

  it('an API key of A (read-write or read) reads the same as the auth token', async () => {
    const key = basicAuth(t.apiKey.sid, t.apiKey.secret);
    for (const path of ['/v2/Services', '/v2/Credentials', `/v2/Services/${IS}/Users?PageSize=3`]) {
      const [byToken, byKey] = [await call(path), await call(path, { auth: key })];
      expect(byKey.status).toBe(200);
      expect(byKey.text).toBe(byToken.text);
    }
  });
});

describe('PUBLIC_URL', () => {
  it('every URL of the new lists and resources starts with the public origin', async () => {
    const publicUrl = 'https://chat.example.com/prefix';
    const served = await listen(await createApp(t.db, testLogger, { publicUrl }));
    try {
      const via = (url: string) => url.replace(publicUrl, served.baseUrl);
      for (const [kind, path] of [
        ['serviceList', '/v2/Services?PageSize=2'],
        ['credentialList', '/v2/Credentials?PageSize=2'],
        ['userList', `/v2/Services/${IS}/Users?PageSize=2`],
      ] as const) {
        const page = await ok(kind, `${served.baseUrl}${path}`);
        const urls = [page.meta.first_page_url, page.meta.url, page.meta.next_page_url];
        const items = page[page.meta.key] as any[];
        for (const item of items) urls.push(item.url, ...Object.values(item.links ?? {}));
        for (const url of urls) expect(url.startsWith(`${publicUrl}/v2/`), url).toBe(true);
        const next = await ok(kind, via(page.meta.next_page_url));
        expect(next.meta.previous_page_url.startsWith(`${publicUrl}${path.split('?')[0]}?PageSize=2&Page=0&PageToken=PB`)).toBe(true);
      }
      const credential = (await dbCredentials(t.scenario.a.sid))[0]!;
      expect(await ok('credential', `${served.baseUrl}/v2/Credentials/${credential.sid}`)).toEqual(expectedCredential(credential, publicUrl));
      const service = (await dbServices(t.scenario.a.sid))[0]!;
      expect(await ok('service', `${served.baseUrl}/v2/Services/${service.sid}`)).toEqual(expectedService(service, publicUrl));
    } finally {
      await served.close();
    }
  });
});

/**
 * The REST shim driven by the unmodified `twilio` npm client (6.2.0), pointed
 * at the real HTTP server with BINDINGS_API.md §8 recipe A. Every raw response
 * the client receives is checked against Twilio's OpenAPI schemas (and the
 * contract's extra rules) after each test.
 */
import twilio from 'twilio';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Binding } from '../../src/domain/bindings.js';
import { expectValid, kindOfPath } from '../helpers/openapi.js';
import { type Exchange, startTestServer, type TestServer, twilioClient } from '../helpers/server.js';

let t: TestServer;
let client: twilio.Twilio;
/** Every response any client of this file received; checked after each test. */
const exchanges: Exchange[] = [];
let checked = 0;
const kindsSeen = new Set<string>();

let IS: string;
let SMALL: string;

beforeAll(async () => {
  t = await startTestServer({ seed: 'rest-twilio-client' });
  client = twilioClient(t.baseUrl, t.scenario.a.sid, t.scenario.a.authToken, { exchanges });
  IS = t.scenario.a.services[0]!.sid;
  SMALL = t.scenario.a.services[1]!.sid;
});

afterAll(async () => {
  await t?.close();
});

/** Validates the responses recorded since the last call: success bodies by schema, errors by Twilio's shape. */
function checkExchanges() {
  for (; checked < exchanges.length; checked++) {
    const e = exchanges[checked]!;
    const where = `${e.method} ${e.url} → ${e.statusCode}`;
    const url = new URL(e.url);
    expect(url.origin, where).toBe(t.baseUrl);
    if (e.statusCode === 204) {
      expect(e.method, where).toBe('DELETE');
      expect(e.body, where).toBe('');
      kindsSeen.add('delete');
    } else if (e.statusCode === 200) {
      expect(e.method, where).toBe('GET');
      const kind = kindOfPath(url.pathname);
      expect(kind, where).toBeDefined();
      expectValid(kind!, e.json);
      kindsSeen.add(kind!);
      expect(String(e.headers['content-type']), where).toMatch(/^application\/json/);
    } else {
      expectTwilioError(e.json, e.statusCode, where);
      kindsSeen.add(`error ${e.statusCode}`);
    }
  }
}

function expectTwilioError(body: any, status: number, where: string) {
  const keys = status === 401 ? ['code', 'message', 'more_info', 'status', 'detail'] : ['code', 'message', 'more_info', 'status'];
  expect(Object.keys(body), where).toEqual(keys);
  expect(body.status, where).toBe(status);
  expect(typeof body.code, where).toBe('number');
  expect(body.more_info, where).toBe(`https://www.twilio.com/docs/errors/${body.code}`);
}

afterEach(() => checkExchanges());

/** The service's bindings from the database, in the order the API lists them. */
async function dbBindings(where: { serviceSid: string; bindingType?: { in: Binding['bindingType'][] }; identity?: { in: string[] }; userSid?: string }) {
  return t.db.prisma.binding.findMany({ where, orderBy: { sid: 'asc' } });
}

function expectRestException(err: unknown, status: number, code: number) {
  expect(err).toBeInstanceOf(twilio.RestException);
  const e = err as twilio.RestException;
  expect({ status: e.status, code: e.code }).toEqual({ status, code });
  expect(e.moreInfo).toBe(`https://www.twilio.com/docs/errors/${code}`);
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

/** Walks `page()`/`nextPage()` to the end; returns the sids of every page. */
async function walkPages(first: Promise<{ instances: Array<{ sid: string }>; nextPage(): Promise<any> | undefined }>) {
  const pages: string[][] = [];
  let page: { instances: Array<{ sid: string }>; nextPage(): Promise<any> | undefined } | undefined = await first;
  while (page) {
    pages.push(page.instances.map((b) => b.sid));
    page = await page.nextPage();
  }
  return pages;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out.length ? out : [[]];
}

/** `each()` as a promise of the items it visited. */
function eachSids(run: (opts: { pageSize: number; done: (err?: Error) => void }, cb: (item: { sid: string }) => void) => void, pageSize: number) {
  return new Promise<string[]>((resolve, reject) => {
    const sids: string[] = [];
    run({ pageSize, done: (err) => (err ? reject(err) : resolve(sids)) }, (item) => sids.push(item.sid));
  });
}

describe('listing a service’s bindings', () => {
  it('page() and nextPage() with pageSize 7 walk the whole ordered set', async () => {
    const expected = (await dbBindings({ serviceSid: IS })).map((b) => b.sid);
    expect(expected).toEqual(t.scenario.a.services[0]!.bindings);
    const before = exchanges.length;
    const pages = await walkPages(client.chat.v2.services(IS).bindings.page({ pageSize: 7 }));
    expect(pages).toEqual(chunks(expected, 7));
    // Each page was its own request with PageSize=7; page i echoes Page=i.
    const requests = exchanges.slice(before);
    expect(requests).toHaveLength(pages.length);
    requests.forEach((e, i) => {
      const q = new URL(e.url).searchParams;
      expect(q.get('PageSize')).toBe('7');
      expect((e.json as any).meta.page).toBe(i);
    });
  });

  it('list() and each() with pageSize 7 give the same ordered set', async () => {
    const expected = (await dbBindings({ serviceSid: IS })).map((b) => b.sid);
    const listed = await client.chat.v2.services(IS).bindings.list({ pageSize: 7 });
    expect(listed.map((b) => b.sid)).toEqual(expected);
    const visited = await eachSids((opts, cb) => client.chat.v2.services(IS).bindings.each(opts, cb), 7);
    expect(visited).toEqual(expected);
    const limited = await client.chat.v2.services(IS).bindings.list({ pageSize: 7, limit: 10 });
    expect(limited.map((b) => b.sid)).toEqual(expected.slice(0, 10));
  });

  it('bindingType [apn, gcm] pages through exactly the matching bindings', async () => {
    const expected = (await dbBindings({ serviceSid: IS, bindingType: { in: ['apn', 'gcm'] } })).map((b) => b.sid);
    expect(expected.length).toBeGreaterThan(14);
    const pages = await walkPages(client.chat.v2.services(IS).bindings.page({ pageSize: 7, bindingType: ['apn', 'gcm'] }));
    expect(pages).toEqual(chunks(expected, 7));
    const listed = await client.chat.v2.services(IS).bindings.list({ pageSize: 7, bindingType: ['apn', 'gcm'] });
    expect(listed.map((b) => b.sid)).toEqual(expected);
    expect(new Set(listed.map((b) => b.bindingType))).toEqual(new Set(['apn', 'gcm']));
    const visited = await eachSids((opts, cb) => client.chat.v2.services(IS).bindings.each({ ...opts, bindingType: ['apn', 'gcm'] }, cb), 7);
    expect(visited).toEqual(expected);
  });

  it('identity [id1, id2] (with "@") pages through exactly their bindings', async () => {
    const identities = ['user-3@alpha.example', 'user-5@alpha.example'];
    const expected = (await dbBindings({ serviceSid: IS, identity: { in: identities } })).map((b) => b.sid);
    expect(expected.length).toBeGreaterThan(7);
    const pages = await walkPages(client.chat.v2.services(IS).bindings.page({ pageSize: 7, identity: identities }));
    expect(pages).toEqual(chunks(expected, 7));
    const listed = await client.chat.v2.services(IS).bindings.list({ pageSize: 7, identity: identities });
    expect(listed.map((b) => b.sid)).toEqual(expected);
    const visited = await eachSids((opts, cb) => client.chat.v2.services(IS).bindings.each({ ...opts, identity: identities }, cb), 7);
    expect(visited).toEqual(expected);
  });

  it('both filters together, and a filter matching nothing', async () => {
    const identities = ['user-3@alpha.example', 'user-4@alpha.example'];
    const expected = (await dbBindings({ serviceSid: IS, bindingType: { in: ['fcm'] }, identity: { in: identities } })).map((b) => b.sid);
    const listed = await client.chat.v2.services(IS).bindings.list({ pageSize: 2, bindingType: ['fcm'], identity: identities });
    expect(listed.map((b) => b.sid)).toEqual(expected);
    expect(await client.chat.v2.services(IS).bindings.list({ identity: ['nobody@alpha.example'] })).toEqual([]);
  });
});

describe('fetching a binding', () => {
  it('gives every field of the database row', async () => {
    const row = (await dbBindings({ serviceSid: IS })).find((b) => b.credentialSid !== null && b.messageTypes.length > 1)!;
    const b = await client.chat.v2.services(IS).bindings(row.sid).fetch();
    expect(b.dateCreated).toBeInstanceOf(Date);
    expect(b.dateUpdated).toBeInstanceOf(Date);
    const seconds = (d: Date) => Math.floor(d.getTime() / 1000) * 1000;
    expect({
      sid: b.sid,
      accountSid: b.accountSid,
      serviceSid: b.serviceSid,
      dateCreated: b.dateCreated.getTime(),
      dateUpdated: b.dateUpdated.getTime(),
      endpoint: b.endpoint,
      identity: b.identity,
      credentialSid: b.credentialSid,
      bindingType: b.bindingType,
      messageTypes: b.messageTypes,
      url: b.url,
    }).toEqual({
      sid: row.sid,
      accountSid: row.accountSid,
      serviceSid: row.serviceSid,
      dateCreated: seconds(row.dateCreated),
      dateUpdated: seconds(row.dateUpdated),
      endpoint: row.endpoint,
      identity: row.identity,
      credentialSid: row.credentialSid,
      bindingType: row.bindingType,
      messageTypes: row.messageTypes,
      url: `${t.baseUrl}/v2/Services/${IS}/Bindings/${row.sid}`,
    });
    const userLink = new URL(b.links.user!);
    expect(userLink.origin).toBe(t.baseUrl);
    const segments = userLink.pathname.split('/');
    expect(segments.slice(0, -1).join('/')).toBe(`/v2/Services/${IS}/Users`);
    expect(decodeURIComponent(segments.at(-1)!)).toBe(row.identity);
  });

  it('gives null credential_sid and [] message_types as such', async () => {
    const row = (await dbBindings({ serviceSid: IS })).find((b) => b.credentialSid === null && b.messageTypes.length === 0)!;
    expect(row).toBeDefined();
    const b = await client.chat.v2.services(IS).bindings(row.sid).fetch();
    expect(b.credentialSid).toBeNull();
    expect(b.messageTypes).toEqual([]);
  });
});

describe('a user’s bindings', () => {
  const identity = 'user-3@alpha.example';

  it('list by identity (with "@") and by US sid', async () => {
    const user = (await t.db.prisma.user.findFirst({ where: { serviceSid: IS, identity } }))!;
    const expected = await dbBindings({ serviceSid: IS, userSid: user.sid });
    expect(expected.length).toBeGreaterThan(2);
    for (const named of [identity, user.sid]) {
      const listed = await client.chat.v2.services(IS).users(named).userBindings.list();
      expect(
        listed.map((b) => b.sid),
        named,
      ).toEqual(expected.map((b) => b.sid));
      for (const b of listed) {
        expect(b.userSid).toBe(user.sid);
        expect(b.identity).toBe(identity);
        expect(b.url).toBe(`${t.baseUrl}/v2/Services/${IS}/Users/${user.sid}/Bindings/${b.sid}`);
      }
      const paged = await walkPages(client.chat.v2.services(IS).users(named).userBindings.page({ pageSize: 2 }));
      expect(paged).toEqual(
        chunks(
          expected.map((b) => b.sid),
          2,
        ),
      );
      const typed = await client.chat.v2
        .services(IS)
        .users(named)
        .userBindings.list({ bindingType: ['gcm'] });
      expect(typed.map((b) => b.sid)).toEqual(expected.filter((b) => b.bindingType === 'gcm').map((b) => b.sid));
    }
  });

  it('fetch by identity and by US sid', async () => {
    const user = (await t.db.prisma.user.findFirst({ where: { serviceSid: IS, identity } }))!;
    const [row] = await dbBindings({ serviceSid: IS, userSid: user.sid });
    for (const named of [identity, user.sid]) {
      const b = await client.chat.v2.services(IS).users(named).userBindings(row!.sid).fetch();
      expect(b.dateCreated).toBeInstanceOf(Date);
      expect({
        sid: b.sid,
        accountSid: b.accountSid,
        serviceSid: b.serviceSid,
        endpoint: b.endpoint,
        identity: b.identity,
        userSid: b.userSid,
        credentialSid: b.credentialSid,
        bindingType: b.bindingType,
        messageTypes: b.messageTypes,
      }).toEqual({
        sid: row!.sid,
        accountSid: row!.accountSid,
        serviceSid: row!.serviceSid,
        endpoint: row!.endpoint,
        identity: row!.identity,
        userSid: row!.userSid,
        credentialSid: row!.credentialSid,
        bindingType: row!.bindingType,
        messageTypes: row!.messageTypes,
      });
    }
  });
});

describe('the Service and User resources', () => {
  const get = async (url: string) => {
    const response = await fetch(url, { headers: { authorization: t.scenario.a.authorization } });
    expect(response.status, url).toBe(200);
    return (await response.json()) as any;
  };

  it('the client fetches the Service; its url and links lead back to it and its bindings', async () => {
    const service = await client.chat.v2.services(IS).fetch();
    const row = (await t.db.prisma.service.findUnique({ where: { sid: IS } }))!;
    expect({ sid: service.sid, accountSid: service.accountSid, friendlyName: service.friendlyName }).toEqual({
      sid: row.sid,
      accountSid: row.accountSid,
      friendlyName: row.friendlyName,
    });
    expect(service.url).toBe(`${t.baseUrl}/v2/Services/${IS}`);
    const body = await get(service.url);
    expectValid('service', body);
    expect(body.sid).toBe(IS);
    const list = await get(`${service.links.bindings}?PageSize=7`);
    expectValid('bindingList', list);
    expect(list.bindings.map((b: any) => b.sid)).toEqual(t.scenario.a.services[0]!.bindings.slice(0, 7));
  });

  it('a binding’s links.user leads to its User; the User’s url and links.user_bindings lead on', async () => {
    const [row] = await dbBindings({ serviceSid: IS });
    const binding = await client.chat.v2.services(IS).bindings(row!.sid).fetch();
    const user = await get(binding.links.user!);
    expectValid('user', user);
    const userRow = (await t.db.prisma.user.findUnique({ where: { sid: row!.userSid } }))!;
    expect({ sid: user.sid, identity: user.identity, service_sid: user.service_sid, account_sid: user.account_sid }).toEqual({
      sid: userRow.sid,
      identity: userRow.identity,
      service_sid: IS,
      account_sid: t.scenario.a.sid,
    });
    expect(user.url).toBe(`${t.baseUrl}/v2/Services/${IS}/Users/${userRow.sid}`);
    expectValid('user', await get(user.url));
    const list = await get(user.links.user_bindings);
    expectValid('userBindingList', list);
    expect(list.bindings.map((b: any) => b.sid)).toEqual((await dbBindings({ serviceSid: IS, userSid: userRow.sid })).map((b) => b.sid));

    // The client reads the same User by identity and by sid.
    for (const named of [userRow.identity, userRow.sid]) {
      const fetched = await client.chat.v2.services(IS).users(named).fetch();
      expect({ sid: fetched.sid, identity: fetched.identity }).toEqual({ sid: userRow.sid, identity: userRow.identity });
    }
  });
});

describe('services, credentials and users through the client', () => {
  const seconds = (d: Date) => Math.floor(d.getTime() / 1000) * 1000;

  it('services.list(), page()/nextPage() and each(): every service of the account, read as the database has it', async () => {
    const rows = await t.db.prisma.service.findMany({ where: { accountSid: t.scenario.a.sid }, orderBy: { sid: 'asc' } });
    expect(rows.length).toBeGreaterThan(1);
    const listed = await client.chat.v2.services.list();
    expect(
      listed.map((s) => ({
        sid: s.sid,
        accountSid: s.accountSid,
        friendlyName: s.friendlyName,
        dateCreated: s.dateCreated.getTime(),
        dateUpdated: s.dateUpdated.getTime(),
        url: s.url,
        links: s.links,
        typingIndicatorTimeout: s.typingIndicatorTimeout,
        webhookFilters: s.webhookFilters,
      })),
    ).toEqual(
      rows.map((r) => ({
        sid: r.sid,
        accountSid: r.accountSid,
        friendlyName: r.friendlyName,
        dateCreated: seconds(r.dateCreated),
        dateUpdated: seconds(r.dateUpdated),
        url: `${t.baseUrl}/v2/Services/${r.sid}`,
        links: { users: `${t.baseUrl}/v2/Services/${r.sid}/Users`, bindings: `${t.baseUrl}/v2/Services/${r.sid}/Bindings` },
        typingIndicatorTimeout: 5,
        webhookFilters: null,
      })),
    );
    const sids = rows.map((r) => r.sid);
    expect(await walkPages(client.chat.v2.services.page({ pageSize: 1 }))).toEqual(chunks(sids, 1));
    expect(await eachSids((opts, cb) => client.chat.v2.services.each(opts, cb), 1)).toEqual(sids);
    expect((await client.chat.v2.services.list({ pageSize: 1, limit: 1 })).map((s) => s.sid)).toEqual(sids.slice(0, 1));
    // Each listed service fetches to the same resource.
    const fetched = await client.chat.v2.services(sids[1]!).fetch();
    expect(fetched.toJSON()).toEqual(listed[1]!.toJSON());
  });

  it('credentials.list() and credentials(sid).fetch(): type, sandbox and dates as stored; no secret', async () => {
    const rows = await t.db.prisma.credential.findMany({ where: { accountSid: t.scenario.a.sid }, orderBy: { sid: 'asc' } });
    expect(rows.length).toBe(3);
    const expected = rows.map((r) => ({
      sid: r.sid,
      accountSid: r.accountSid,
      friendlyName: r.friendlyName,
      type: r.type,
      sandbox: r.sandbox ? 'True' : 'False',
      dateCreated: seconds(r.dateCreated),
      dateUpdated: seconds(r.dateUpdated),
      url: `${t.baseUrl}/v2/Credentials/${r.sid}`,
    }));
    const read = (c: Awaited<ReturnType<typeof client.chat.v2.credentials.list>>[number]) => ({
      sid: c.sid,
      accountSid: c.accountSid,
      friendlyName: c.friendlyName,
      type: c.type,
      sandbox: c.sandbox,
      dateCreated: c.dateCreated.getTime(),
      dateUpdated: c.dateUpdated.getTime(),
      url: c.url,
    });
    expect((await client.chat.v2.credentials.list()).map(read)).toEqual(expected);
    expect((await client.chat.v2.credentials.list({ pageSize: 2 })).map(read)).toEqual(expected);
    expect(await walkPages(client.chat.v2.credentials.page({ pageSize: 2 }))).toEqual(
      chunks(
        rows.map((r) => r.sid),
        2,
      ),
    );
    for (const [i, row] of rows.entries()) {
      const one = await client.chat.v2.credentials(row.sid).fetch();
      expect(read(one)).toEqual(expected[i]);
      expect(Object.keys(one.toJSON()).sort()).toEqual(['accountSid', 'dateCreated', 'dateUpdated', 'friendlyName', 'sandbox', 'sid', 'type', 'url']);
    }
    // Account B's credential is a 404 for A, exactly like one that does not exist.
    const theirs = (await t.db.prisma.credential.findFirstOrThrow({ where: { accountSid: t.scenario.b.sid } })).sid;
    expectRestException(await rejection(client.chat.v2.credentials(theirs).fetch()), 404, 20404);
    expectRestException(await rejection(client.chat.v2.credentials(`CR${'0'.repeat(32)}`).fetch()), 404, 20404);
  });

  it('services(sid).users.list() and page(): every user of the service, read as the database has it', async () => {
    const rows = await t.db.prisma.user.findMany({ where: { serviceSid: IS }, orderBy: { sid: 'asc' } });
    expect(rows.length).toBeGreaterThan(5);
    const listed = await client.chat.v2.services(IS).users.list();
    expect(
      listed.map((u) => ({
        sid: u.sid,
        accountSid: u.accountSid,
        serviceSid: u.serviceSid,
        identity: u.identity,
        friendlyName: u.friendlyName,
        attributes: u.attributes,
        roleSid: u.roleSid,
        isOnline: u.isOnline,
        isNotifiable: u.isNotifiable,
        joinedChannelsCount: u.joinedChannelsCount,
        dateCreated: u.dateCreated.getTime(),
        dateUpdated: u.dateUpdated.getTime(),
        url: u.url,
        links: u.links,
      })),
    ).toEqual(
      rows.map((r) => ({
        sid: r.sid,
        accountSid: t.scenario.a.sid,
        serviceSid: IS,
        identity: r.identity,
        friendlyName: r.friendlyName,
        attributes: null,
        roleSid: null,
        isOnline: null,
        isNotifiable: null,
        joinedChannelsCount: 0,
        dateCreated: seconds(r.dateCreated),
        dateUpdated: seconds(r.dateUpdated),
        url: `${t.baseUrl}/v2/Services/${IS}/Users/${r.sid}`,
        links: { user_bindings: `${t.baseUrl}/v2/Services/${IS}/Users/${r.sid}/Bindings` },
      })),
    );
    const sids = rows.map((r) => r.sid);
    expect(await walkPages(client.chat.v2.services(IS).users.page({ pageSize: 5 }))).toEqual(chunks(sids, 5));
    expect(await eachSids((opts, cb) => client.chat.v2.services(IS).users.each(opts, cb), 5)).toEqual(sids);
    // Another account's service: 404 for its users too.
    expectRestException(await rejection(client.chat.v2.services(t.scenario.b.services[0]!.sid).users.list()), 404, 20404);
  });

  it('account B’s client lists only B’s services and credentials', async () => {
    const b = twilioClient(t.baseUrl, t.scenario.b.sid, t.scenario.b.authToken, { exchanges });
    expect((await b.chat.v2.services.list()).map((s) => s.sid)).toEqual(t.scenario.b.services.map((s) => s.sid));
    const theirs = await t.db.prisma.credential.findMany({ where: { accountSid: t.scenario.b.sid }, orderBy: { sid: 'asc' } });
    expect((await b.chat.v2.credentials.list()).map((c) => c.sid)).toEqual(theirs.map((c) => c.sid));
    const mine = (await t.db.prisma.credential.findFirstOrThrow({ where: { accountSid: t.scenario.a.sid } })).sid;
    expectRestException(await rejection(b.chat.v2.credentials(mine).fetch()), 404, 20404);
  });
});

describe('removing a binding', () => {
  const graphqlNode = async (id: string) => {
    const response = await fetch(`${t.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: t.scenario.a.authorization },
      body: JSON.stringify({ query: 'query RestNode($id: ID!) { node(id: $id) { id } }', variables: { id } }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data?: { node: { id: string } | null }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return body.data!.node;
  };

  it('remove() answers true; the next fetch is a RestException 404/20404; GraphQL no longer finds it', async () => {
    const sid = t.scenario.a.services[1]!.bindings[0]!;
    expect(await graphqlNode(sid)).toEqual({ id: sid });
    expect(await client.chat.v2.services(SMALL).bindings(sid).remove()).toBe(true);
    const gone = await rejection(client.chat.v2.services(SMALL).bindings(sid).fetch());
    expectRestException(gone, 404, 20404);
    expect((gone as twilio.RestException).message).toBe(`The requested resource /Services/${SMALL}/Bindings/${sid} was not found`);
    expect(await graphqlNode(sid)).toBeNull();
    expect(await t.db.prisma.binding.findUnique({ where: { sid } })).toBeNull();
    const listed = await client.chat.v2.services(SMALL).bindings.list();
    expect(listed.map((b) => b.sid)).not.toContain(sid);
    // A second remove is a 404 too.
    expectRestException(await rejection(client.chat.v2.services(SMALL).bindings(sid).remove()), 404, 20404);
  });

  it('a user binding removed through the user path (identity with "@") is gone', async () => {
    const sid = t.scenario.a.services[1]!.bindings[1]!;
    const row = (await t.db.prisma.binding.findUnique({ where: { sid } }))!;
    expect(await client.chat.v2.services(SMALL).users(row.identity).userBindings(sid).remove()).toBe(true);
    expectRestException(await rejection(client.chat.v2.services(SMALL).users(row.userSid).userBindings(sid).fetch()), 404, 20404);
    expectRestException(await rejection(client.chat.v2.services(SMALL).bindings(sid).fetch()), 404, 20404);
    expect(await graphqlNode(sid)).toBeNull();
  });
});

describe('authentication', () => {
  it('a wrong auth token gets RestException 401/20003 on list, fetch and remove', async () => {
    const wrong = twilioClient(t.baseUrl, t.scenario.a.sid, `${t.scenario.a.authToken.slice(0, -1)}x`, { exchanges });
    const sid = t.scenario.a.services[0]!.bindings[0]!;
    for (const call of [
      () => wrong.chat.v2.services(IS).bindings.list({ pageSize: 7 }),
      () => wrong.chat.v2.services(IS).bindings(sid).fetch(),
      () => wrong.chat.v2.services(IS).bindings(sid).remove(),
      () => wrong.chat.v2.services(IS).users('user-3@alpha.example').userBindings.list(),
    ]) {
      const err = await rejection(call());
      expectRestException(err, 401, 20003);
      expect((err as twilio.RestException).message).toBe('Authenticate');
    }
    expect(await t.db.prisma.binding.findUnique({ where: { sid } })).not.toBeNull();
  });

  it('account B’s credentials do not see account A’s service (404/20404)', async () => {
    const b = twilioClient(t.baseUrl, t.scenario.b.sid, t.scenario.b.authToken, { exchanges });
    expectRestException(await rejection(b.chat.v2.services(IS).bindings.list()), 404, 20404);
    const own = await b.chat.v2.services(t.scenario.b.services[0]!.sid).bindings.list();
    expect(own.map((x) => x.sid)).toEqual(t.scenario.b.services[0]!.bindings);
  });

  it('an API key (SK + secret, accountSid option) can list and fetch', async () => {
    const keyed = twilioClient(t.baseUrl, t.apiKey.sid, t.apiKey.secret, { accountSid: t.scenario.a.sid, exchanges });
    const expected = (await dbBindings({ serviceSid: IS })).map((b) => b.sid);
    const listed = await keyed.chat.v2.services(IS).bindings.list({ pageSize: 7 });
    expect(listed.map((b) => b.sid)).toEqual(expected);
    const one = await keyed.chat.v2.services(IS).bindings(expected[0]!).fetch();
    expect(one.accountSid).toBe(t.scenario.a.sid);
    // The key is account A's: account B's service stays invisible.
    expectRestException(await rejection(keyed.chat.v2.services(t.scenario.b.services[0]!.sid).bindings.list()), 404, 20404);
    // A wrong secret for the key is a 401.
    const wrong = twilioClient(t.baseUrl, t.apiKey.sid, `${t.apiKey.secret}x`, { accountSid: t.scenario.a.sid, exchanges });
    expectRestException(await rejection(wrong.chat.v2.services(IS).bindings.list()), 401, 20003);
  });
});

describe('the recorded traffic', () => {
  it('covered every body kind, and every body was checked', () => {
    checkExchanges();
    expect(checked).toBe(exchanges.length);
    for (const kind of [
      'bindingList',
      'binding',
      'userBindingList',
      'userBinding',
      'serviceList',
      'service',
      'userList',
      'user',
      'credentialList',
      'credential',
      'delete',
      'error 404',
      'error 401',
    ]) {
      expect(kindsSeen, kind).toContain(kind);
    }
  });
});

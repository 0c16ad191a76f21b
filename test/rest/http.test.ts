/**
 * The REST shim over raw HTTP, for what the twilio client hides: exact `meta`
 * (URLs, origin, filter order, neighbours), PUBLIC_URL, page tokens (reuse,
 * tampering, foreign tokens, deleted rows) and every error body and status.
 *
 * Tests share the file's data: account A's services[0] and [1] are read-only
 * here; services[2] is for the DELETE tests, services[3] for the
 * token-after-delete test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { expectValid } from '../helpers/openapi.js';
import { type Answer, expectTwilioError, restCall } from '../helpers/rest.js';
import { basicAuth, listen, startTestServer, type TestServer, testLogger } from '../helpers/server.js';

let t: TestServer;
let IS: string;
let SMALL: string;

beforeAll(async () => {
  t = await startTestServer({ seed: 'rest-http', extraServices: 2 });
  IS = t.scenario.a.services[0]!.sid;
  SMALL = t.scenario.a.services[1]!.sid;
});

afterAll(async () => {
  await t?.close();
});

/** One request to the server: `target` is a path (`/v2/…`) or an absolute URL. Account A's credentials unless told. */
const call = (target: string, init: { method?: string; auth?: string | null; body?: string } = {}) =>
  restCall(t.baseUrl, target, { ...init, auth: init.auth === undefined ? t.scenario.a.authorization : init.auth });

/** A 200 list answer, validated against the schema. */
async function list(target: string, kind: 'bindingList' | 'userBindingList' = 'bindingList', auth?: string) {
  const answer = await call(target, auth ? { auth } : {});
  expect(answer.status, `${target}: ${answer.text}`).toBe(200);
  expectValid(kind, answer.body);
  return answer.body as { meta: Record<string, any>; bindings: Array<Record<string, any>> };
}

const sids = (page: { bindings: Array<Record<string, any>> }) => page.bindings.map((b) => b.sid as string);
const query = (url: string) => [...new URL(url).searchParams];
const tokenOf = (url: string) => new URL(url).searchParams.get('PageToken')!;

/** Chat's message path: the request path without `/v2`. */
const resource = (path: string) => path.replace(/^\/v2/, '');

const expectError = expectTwilioError;

const expectNotFound = (answer: Answer, path: string) =>
  expectError(answer, 404, 20404, `The requested resource ${resource(new URL(path, 'http://x').pathname)} was not found`);

async function dbSids(where: Record<string, unknown>) {
  return (await t.db.prisma.binding.findMany({ where, orderBy: { sid: 'asc' }, select: { sid: true } })).map((b) => b.sid);
}

async function userOf(serviceSid: string, identity: string) {
  return (await t.db.prisma.user.findFirst({ where: { serviceSid, identity } }))!;
}

describe('list meta', () => {
  it('first page with no parameters: defaults written out, own origin, previous null', async () => {
    const page = await list(`/v2/Services/${IS}/Bindings`);
    const base = `${t.baseUrl}/v2/Services/${IS}/Bindings`;
    expect(page.meta).toEqual({
      page: 0,
      page_size: 50,
      first_page_url: `${base}?PageSize=50&Page=0`,
      previous_page_url: null,
      url: `${base}?PageSize=50&Page=0`,
      next_page_url: expect.stringMatching(new RegExp(`^${base.replace(/[.?]/g, '\\$&')}\\?PageSize=50&Page=1&PageToken=PA[^&]+$`)),
      key: 'bindings',
    });
    expect(sids(page)).toEqual(t.scenario.a.services[0]!.bindings.slice(0, 50));
  });

  it('walking next_page_url: exact meta on every page, next null on the last', async () => {
    const all = await dbSids({ serviceSid: IS });
    const base = `${t.baseUrl}/v2/Services/${IS}/Bindings`;
    const pageCount = Math.ceil(all.length / 7);
    let target = `/v2/Services/${IS}/Bindings?PageSize=7`;
    const seen: string[] = [];
    for (let i = 0; i < pageCount; i++) {
      const page = await list(target);
      const { meta } = page;
      expect(sids(page), `page ${i}`).toEqual(all.slice(i * 7, i * 7 + 7));
      seen.push(...sids(page));
      expect(meta.page).toBe(i);
      expect(meta.page_size).toBe(7);
      expect(meta.key).toBe('bindings');
      expect(meta.first_page_url).toBe(`${base}?PageSize=7&Page=0`);
      // url: this page as requested, with the token when one was sent.
      expect(meta.url).toBe(i === 0 ? `${base}?PageSize=7&Page=0` : `${base}?PageSize=7&Page=${i}&PageToken=${encodeURIComponent(tokenOf(target))}`);
      if (i === 0) expect(meta.previous_page_url).toBeNull();
      else {
        expect(meta.previous_page_url.startsWith(`${base}?PageSize=7&Page=${i - 1}&PageToken=PB`)).toBe(true);
        expect(query(meta.previous_page_url).map(([k]) => k)).toEqual(['PageSize', 'Page', 'PageToken']);
      }
      if (i === pageCount - 1) expect(meta.next_page_url).toBeNull();
      else {
        expect(meta.next_page_url.startsWith(`${base}?PageSize=7&Page=${i + 1}&PageToken=PA`)).toBe(true);
        expect(query(meta.next_page_url).map(([k]) => k)).toEqual(['PageSize', 'Page', 'PageToken']);
        target = meta.next_page_url;
      }
    }
    expect(seen).toEqual(all);
  });

  it('previous_page_url from page 2 gives page 1 exactly, and from there page 0', async () => {
    const all = await dbSids({ serviceSid: IS });
    const page0 = await list(`/v2/Services/${IS}/Bindings?PageSize=7`);
    const page1 = await list(page0.meta.next_page_url);
    const page2 = await list(page1.meta.next_page_url);
    expect(sids(page2)).toEqual(all.slice(14, 21));

    const back1 = await list(page2.meta.previous_page_url);
    expect(back1.bindings).toEqual(page1.bindings);
    expect(back1.meta.page).toBe(1);
    expect(back1.meta.page_size).toBe(7);
    expect(back1.meta.first_page_url).toBe(page1.meta.first_page_url);
    expect(back1.meta.url).toBe(page2.meta.previous_page_url);
    // Its neighbours are pages 0 and 2 again.
    expect(sids(await list(back1.meta.next_page_url))).toEqual(sids(page2));
    const back0 = await list(back1.meta.previous_page_url);
    expect(back0.bindings).toEqual(page0.bindings);
    expect(back0.meta.page).toBe(0);
    expect(back0.meta.previous_page_url).toBeNull();
    expect(sids(await list(back0.meta.next_page_url))).toEqual(sids(page1));
  });

  it('filters are kept in order BindingType…&Identity…&PageSize&Page&PageToken, whatever the request order', async () => {
    const identities = ['user-3@alpha.example', 'user-5@alpha.example'];
    const expected = await dbSids({ serviceSid: IS, bindingType: { in: ['gcm', 'apn'] }, identity: { in: identities } });
    expect(expected.length).toBeGreaterThan(3);
    const q = new URLSearchParams([
      ['Identity', identities[0]!],
      ['PageSize', '3'],
      ['BindingType', 'gcm'],
      ['Identity', identities[1]!],
      ['BindingType', 'apn'],
    ]);
    const base = `${t.baseUrl}/v2/Services/${IS}/Bindings`;
    const filters = 'BindingType=gcm&BindingType=apn&Identity=user-3%40alpha.example&Identity=user-5%40alpha.example';
    let page = await list(`/v2/Services/${IS}/Bindings?${q}`);
    expect(page.meta.first_page_url).toBe(`${base}?${filters}&PageSize=3&Page=0`);
    expect(page.meta.url).toBe(`${base}?${filters}&PageSize=3&Page=0`);
    expect(page.meta.next_page_url.startsWith(`${base}?${filters}&PageSize=3&Page=1&PageToken=`)).toBe(true);
    const seen = sids(page);
    while (page.meta.next_page_url) {
      page = await list(page.meta.next_page_url);
      expect(page.meta.url.startsWith(`${base}?${filters}&PageSize=3&Page=${page.meta.page}&PageToken=`)).toBe(true);
      expect(page.meta.previous_page_url.startsWith(`${base}?${filters}&PageSize=3&Page=${page.meta.page - 1}&PageToken=`)).toBe(true);
      seen.push(...sids(page));
    }
    expect(seen).toEqual(expected);
  });

  it('user binding lists: the user segment echoed as requested, BindingType kept, items under the US sid', async () => {
    const identity = 'user-3@alpha.example';
    const user = await userOf(IS, identity);
    const expected = await dbSids({ userSid: user.sid });
    for (const [segment, echoed] of [
      [identity, encodeURIComponent(identity)],
      [user.sid, user.sid],
    ] as const) {
      const base = `${t.baseUrl}/v2/Services/${IS}/Users/${echoed}/Bindings`;
      const first = await list(`/v2/Services/${IS}/Users/${segment}/Bindings?PageSize=2`, 'userBindingList');
      expect(first.meta).toMatchObject({
        page: 0,
        page_size: 2,
        first_page_url: `${base}?PageSize=2&Page=0`,
        previous_page_url: null,
        url: `${base}?PageSize=2&Page=0`,
      });
      let page = first;
      const seen = sids(page);
      while (page.meta.next_page_url) {
        expect(page.meta.next_page_url.startsWith(`${base}?PageSize=2&Page=${page.meta.page + 1}&PageToken=PA`)).toBe(true);
        page = await list(page.meta.next_page_url, 'userBindingList');
        seen.push(...sids(page));
      }
      expect(seen).toEqual(expected);
      for (const b of first.bindings) expect(b.url).toBe(`${t.baseUrl}/v2/Services/${IS}/Users/${user.sid}/Bindings/${b.sid}`);

      const typed = await list(`/v2/Services/${IS}/Users/${segment}/Bindings?BindingType=fcm&PageSize=1`, 'userBindingList');
      expect(typed.meta.url).toBe(`${base}?BindingType=fcm&PageSize=1&Page=0`);
      expect(sids(typed)).toEqual((await dbSids({ userSid: user.sid, bindingType: 'fcm' })).slice(0, 1));
    }
  });

  it('an empty list: bindings [] and both neighbours null', async () => {
    const base = `${t.baseUrl}/v2/Services/${IS}/Bindings`;
    const page = await list(`/v2/Services/${IS}/Bindings?Identity=nobody`);
    expect(page).toEqual({
      meta: {
        page: 0,
        page_size: 50,
        first_page_url: `${base}?Identity=nobody&PageSize=50&Page=0`,
        previous_page_url: null,
        url: `${base}?Identity=nobody&PageSize=50&Page=0`,
        next_page_url: null,
        key: 'bindings',
      },
      bindings: [],
    });
    expect(page.bindings).toEqual([]);
  });

  it('the last page exactly full: next null; PageSize=1000 is accepted and gives everything', async () => {
    const all = await dbSids({ serviceSid: IS });
    const whole = await list(`/v2/Services/${IS}/Bindings?PageSize=${all.length}`);
    expect(sids(whole)).toEqual(all);
    expect(whole.meta.next_page_url).toBeNull();
    const max = await list(`/v2/Services/${IS}/Bindings?PageSize=1000`);
    expect(max.meta.page_size).toBe(1000);
    expect(sids(max)).toEqual(all);
    expect(max.meta.next_page_url).toBeNull();
    expect(max.meta.previous_page_url).toBeNull();
  });

  it('the token decides the position; Page is only echoed', async () => {
    const page0 = await list(`/v2/Services/${IS}/Bindings?PageSize=7`);
    const token = tokenOf(page0.meta.next_page_url);
    const page = await list(`/v2/Services/${IS}/Bindings?PageSize=7&Page=5&PageToken=${encodeURIComponent(token)}`);
    expect(page.meta.page).toBe(5);
    expect(sids(page)).toEqual((await dbSids({ serviceSid: IS })).slice(7, 14));
  });
});

describe('PUBLIC_URL', () => {
  it('every URL in bodies starts with the public origin', async () => {
    const publicUrl = 'https://chat.example.com';
    const app = await createApp(t.db, testLogger, { publicUrl });
    const served = await listen(app);
    try {
      const via = (url: string) => url.replace(publicUrl, served.baseUrl);
      const page = await list(`${served.baseUrl}/v2/Services/${IS}/Bindings?PageSize=7`);
      const base = `${publicUrl}/v2/Services/${IS}/Bindings`;
      expect(page.meta.first_page_url).toBe(`${base}?PageSize=7&Page=0`);
      expect(page.meta.url).toBe(`${base}?PageSize=7&Page=0`);
      expect(page.meta.next_page_url.startsWith(`${base}?PageSize=7&Page=1&PageToken=PA`)).toBe(true);
      for (const b of page.bindings) {
        expect(b.url).toBe(`${base}/${b.sid}`);
        expect(b.links.user.startsWith(`${publicUrl}/v2/Services/${IS}/Users/`)).toBe(true);
      }
      const next = await list(via(page.meta.next_page_url));
      expect(next.meta.previous_page_url.startsWith(`${base}?PageSize=7&Page=0&PageToken=PB`)).toBe(true);
      expect(sids(next)).toEqual((await dbSids({ serviceSid: IS })).slice(7, 14));

      const user = await call(via(page.bindings[0]!.links.user));
      expect(user.status).toBe(200);
      expectValid('user', user.body);
      expect(user.body.url.startsWith(`${publicUrl}/v2/Services/${IS}/Users/US`)).toBe(true);
      expect(user.body.links.user_bindings).toBe(`${user.body.url}/Bindings`);
      const userBindings = await list(via(user.body.links.user_bindings), 'userBindingList');
      expect(userBindings.meta.url.startsWith(`${user.body.url}/Bindings?`)).toBe(true);
      for (const b of userBindings.bindings) expect(b.url).toBe(`${user.body.url}/Bindings/${b.sid}`);

      const service = await call(`${served.baseUrl}/v2/Services/${IS}`);
      expect(service.status).toBe(200);
      expectValid('service', service.body);
      expect(service.body.url).toBe(`${publicUrl}/v2/Services/${IS}`);
      for (const link of Object.values(service.body.links as Record<string, string>)) expect(link.startsWith(`${publicUrl}/v2/Services/${IS}/`)).toBe(true);
    } finally {
      await served.close();
    }
  });
});

describe('page tokens', () => {
  /** A next-page token of some list, by its first page at `PageSize`. */
  async function nextToken(path: string, size = 2, auth?: string) {
    const page = await list(`${path}?PageSize=${size}`, path.includes('/Users/') ? 'userBindingList' : 'bindingList', auth);
    expect(page.meta.next_page_url).not.toBeNull();
    return tokenOf(page.meta.next_page_url);
  }

  const expectInvalidToken = (answer: Answer) => expectError(answer, 400, 21481, 'Invalid PageToken');
  const servicePage = (token: string, serviceSid = IS, auth?: string) =>
    call(`/v2/Services/${serviceSid}/Bindings?PageSize=2&Page=1&PageToken=${encodeURIComponent(token)}`, auth ? { auth } : {});

  it('survive deleting the row they point at', async () => {
    const service = t.scenario.a.services[3]!;
    const all = await dbSids({ serviceSid: service.sid });
    expect(all).toHaveLength(8);
    const page0 = await list(`/v2/Services/${service.sid}/Bindings?PageSize=2`);
    const page1 = await list(page0.meta.next_page_url);
    expect(sids(page1)).toEqual(all.slice(2, 4));

    // Delete the last row of page 0: the next token points at it.
    expect((await call(`/v2/Services/${service.sid}/Bindings/${all[1]}`, { method: 'DELETE' })).status).toBe(204);
    const again1 = await list(page0.meta.next_page_url);
    expect(sids(again1)).toEqual(all.slice(2, 4));
    expect(again1.meta.page).toBe(1);

    // Delete the first row of page 1: its previous token points at it.
    expect((await call(`/v2/Services/${service.sid}/Bindings/${all[2]}`, { method: 'DELETE' })).status).toBe(204);
    const back = await list(page1.meta.previous_page_url);
    expect(sids(back)).toEqual([all[0]]);
    expect(back.meta.previous_page_url).toBeNull();
    const onward = await list(page1.meta.next_page_url);
    expect(sids(onward)).toEqual(all.slice(4, 6));
    expect(sids(await list(again1.meta.next_page_url))).toEqual(all.slice(4, 6));
  });

  it('a tampered token is 400/21481', async () => {
    const token = await nextToken(`/v2/Services/${IS}/Bindings`);
    const tampered = new Set<string>();
    for (const at of [2, Math.floor(token.length / 2), token.length - 3, token.length - 1]) {
      const c = token[at]!;
      tampered.add(token.slice(0, at) + (c === 'A' ? 'B' : 'A') + token.slice(at + 1));
    }
    tampered.add(`PX${token.slice(2)}`);
    tampered.add(token.slice(0, -4));
    tampered.add(`${token}xy`);
    tampered.add(`${token.slice(0, token.indexOf('.'))}=${token.slice(token.indexOf('.'))}`);
    for (const bad of tampered) expectInvalidToken(await servicePage(bad));
  });

  // base64url decoding ignores stray trailing bits; only the exact token issued is accepted.
  it('a token with one character appended is 400/21481', async () => {
    const token = await nextToken(`/v2/Services/${IS}/Bindings`);
    expectInvalidToken(await servicePage(`${token}x`));
  });

  it('garbage tokens are 400/21481, never 500', async () => {
    for (const bad of [
      '',
      'PA',
      'PB',
      'PAx',
      'PA.',
      'PA.x',
      'x',
      'PT10',
      'PABS00000000000000000000000000000000',
      `PA${'a'.repeat(600)}`,
      'PA%00',
      'PA\u00e9.\u00e9',
    ]) {
      expectInvalidToken(await servicePage(bad));
    }
  });

  it('a token of another service is 400/21481', async () => {
    const token = await nextToken(`/v2/Services/${SMALL}/Bindings`);
    expectInvalidToken(await servicePage(token, IS));
    // …and still fine where it came from.
    expect((await servicePage(token, SMALL)).status).toBe(200);
  });

  it('a token of a user-bindings list used on the service list is 400/21481 (and the reverse)', async () => {
    const user = await userOf(IS, 'user-3@alpha.example');
    const userToken = await nextToken(`/v2/Services/${IS}/Users/${user.sid}/Bindings`);
    expectInvalidToken(await servicePage(userToken, IS));
    const serviceToken = await nextToken(`/v2/Services/${IS}/Bindings`);
    expectInvalidToken(await call(`/v2/Services/${IS}/Users/${user.sid}/Bindings?PageSize=2&Page=1&PageToken=${encodeURIComponent(serviceToken)}`));
    // A token of one user's list on another user's list.
    const other = await userOf(IS, 'user-4@alpha.example');
    expectInvalidToken(await call(`/v2/Services/${IS}/Users/${other.sid}/Bindings?PageSize=2&Page=1&PageToken=${encodeURIComponent(userToken)}`));
  });

  it('a token of another account is 400/21481 both ways', async () => {
    const B = t.scenario.b;
    const bService = B.services[0]!.sid;
    const bToken = await nextToken(`/v2/Services/${bService}/Bindings`, 2, B.authorization);
    const aToken = await nextToken(`/v2/Services/${IS}/Bindings`);
    // B's token replayed by A on A's own service.
    expectInvalidToken(await servicePage(bToken, IS));
    // A's token used by B on B's own service.
    expectInvalidToken(await servicePage(aToken, bService, B.authorization));
    // A's token used by B on A's service: the service itself is not B's to see.
    expectNotFound(await servicePage(aToken, IS, B.authorization), `/v2/Services/${IS}/Bindings`);
    // Both tokens still work for their owners.
    expect((await servicePage(bToken, bService, B.authorization)).status).toBe(200);
    expect((await servicePage(aToken, IS)).status).toBe(200);
  });
});

describe('errors', () => {
  const AUTH_BODY = {
    code: 20003,
    message: 'Authenticate',
    more_info: 'https://www.twilio.com/docs/errors/20003',
    status: 401,
    detail: 'Your AccountSid or AuthToken was incorrect.',
  };

  it('missing credentials: 401/20003 with detail and WWW-Authenticate', async () => {
    for (const path of [`/v2/Services/${IS}/Bindings`, `/v2/Services/${IS}/Bindings/${t.scenario.a.services[0]!.bindings[0]}`, '/v2/Foo']) {
      const answer = await call(path, { auth: null });
      expectError(answer, 401, 20003, 'Authenticate');
      expect(answer.body).toEqual(AUTH_BODY);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Basic /);
    }
  });

  it('wrong credentials: 401/20003 with detail and WWW-Authenticate', async () => {
    const a = t.scenario.a;
    for (const auth of [
      basicAuth(a.sid, `${a.authToken}x`),
      basicAuth(a.sid, ''),
      basicAuth(a.sid, t.scenario.b.authToken),
      basicAuth(`AC${'0'.repeat(32)}`, a.authToken),
      basicAuth(t.apiKey.sid, a.authToken),
      basicAuth(t.apiKey.sid, `${t.apiKey.secret}x`),
      basicAuth('someone', 'something'),
      `Bearer ${a.authToken}`,
      'Basic !!!',
      'Basic',
    ]) {
      const answer = await call(`/v2/Services/${IS}/Bindings`, { auth });
      expectError(answer, 401, 20003);
      expect(answer.body, auth).toEqual(AUTH_BODY);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Basic /);
    }
    // The right ones work: account token and API key.
    expect((await call(`/v2/Services/${IS}/Bindings?PageSize=1`)).status).toBe(200);
    expect((await call(`/v2/Services/${IS}/Bindings?PageSize=1`, { auth: basicAuth(t.apiKey.sid, t.apiKey.secret) })).status).toBe(200);
  });

  it('BindingType=foo is 400/20001 on both lists', async () => {
    const user = await userOf(IS, 'user-3@alpha.example');
    for (const path of [`/v2/Services/${IS}/Bindings`, `/v2/Services/${IS}/Users/${user.sid}/Bindings`]) {
      for (const q of ['BindingType=foo', 'BindingType=gcm&BindingType=foo', 'BindingType=', 'BindingType=GCM']) {
        expectError(await call(`${path}?${q}`), 400, 20001);
      }
    }
  });

  it('PageSize 0, 1001, abc, -1, 1.5 (and empty) are 400/20001; 1 and 1000 are fine', async () => {
    for (const size of ['0', '1001', 'abc', '-1', '1.5', '', '1e2', ' 7', '99999999999999999999']) {
      expectError(await call(`/v2/Services/${IS}/Bindings?PageSize=${encodeURIComponent(size)}`), 400, 20001);
    }
    for (const size of ['1', '1000']) {
      expect((await list(`/v2/Services/${IS}/Bindings?PageSize=${size}`)).meta.page_size).toBe(Number(size));
    }
  });

  it('Page > 0 without PageToken is 400/20001 "PageToken is required for paging."; a bad Page is 400/20001', async () => {
    expectError(await call(`/v2/Services/${IS}/Bindings?Page=2`), 400, 20001, 'PageToken is required for paging.');
    expectError(await call(`/v2/Services/${IS}/Bindings?PageSize=7&Page=1`), 400, 20001, 'PageToken is required for paging.');
    for (const p of ['-1', 'abc', '1.5']) expectError(await call(`/v2/Services/${IS}/Bindings?Page=${p}`), 400, 20001);
    // Page=0 without a token is the first page.
    expect((await list(`/v2/Services/${IS}/Bindings?Page=0&PageSize=7`)).meta.page).toBe(0);
  });

  it('unknown, malformed and foreign services are 404/20404 on every route', async () => {
    const binding = t.scenario.a.services[0]!.bindings[0]!;
    const user = await userOf(IS, 'user-3@alpha.example');
    for (const service of [
      `IS${'0'.repeat(32)}`,
      'ISnothex',
      `is${IS.slice(2)}`,
      `IS${IS.slice(2).toUpperCase()}`,
      IS.slice(0, -1),
      t.scenario.b.services[0]!.sid,
    ]) {
      for (const path of [
        `/v2/Services/${service}`,
        `/v2/Services/${service}/Bindings`,
        `/v2/Services/${service}/Bindings/${binding}`,
        `/v2/Services/${service}/Users/${user.sid}`,
        `/v2/Services/${service}/Users/${user.sid}/Bindings`,
        `/v2/Services/${service}/Users/${user.sid}/Bindings/${binding}`,
        `/v2/Services/${service}/Users/user-3@alpha.example/Bindings`,
      ]) {
        expectNotFound(await call(path), path);
      }
    }
  });

  it('unknown bindings, bindings of another service, user bindings under another user: 404/20404', async () => {
    const otherService = t.scenario.a.services[1]!.bindings[2]!;
    const row = (await t.db.prisma.binding.findUnique({ where: { sid: t.scenario.a.services[0]!.bindings[0]! } }))!;
    const owner = (await t.db.prisma.user.findUnique({ where: { sid: row.userSid } }))!;
    const stranger = (await t.db.prisma.user.findFirst({ where: { serviceSid: IS, NOT: { sid: owner.sid } } }))!;
    for (const path of [
      `/v2/Services/${IS}/Bindings/BS${'0'.repeat(32)}`,
      `/v2/Services/${IS}/Bindings/BSnothex`,
      `/v2/Services/${IS}/Bindings/${row.sid.toUpperCase()}`,
      `/v2/Services/${IS}/Bindings/${otherService}`,
      `/v2/Services/${IS}/Bindings/${t.scenario.b.services[0]!.bindings[0]}`,
      `/v2/Services/${IS}/Users/${stranger.sid}/Bindings/${row.sid}`,
      `/v2/Services/${IS}/Users/${stranger.identity}/Bindings/${row.sid}`,
      `/v2/Services/${IS}/Users/US${'0'.repeat(32)}/Bindings/${row.sid}`,
      `/v2/Services/${IS}/Users/nobody@alpha.example/Bindings/${row.sid}`,
      `/v2/Services/${IS}/Users/nobody@alpha.example/Bindings`,
      `/v2/Services/${IS}/Users/nobody@alpha.example`,
      `/v2/Services/${SMALL}/Users/${owner.sid}/Bindings/${row.sid}`,
      `/v2/Services/${SMALL}/Users/${owner.identity}/Bindings`,
    ]) {
      expectNotFound(await call(path), path);
    }
    // The owner's paths do find it.
    expect((await call(`/v2/Services/${IS}/Users/${owner.sid}/Bindings/${row.sid}`)).status).toBe(200);
    expect((await call(`/v2/Services/${IS}/Users/${owner.identity}/Bindings/${row.sid}`)).status).toBe(200);
  });

  it('POST, PUT and PATCH on every route are 405/20004', async () => {
    const binding = t.scenario.a.services[0]!.bindings[0]!;
    const user = await userOf(IS, 'user-3@alpha.example');
    const credential = (await t.db.prisma.credential.findFirstOrThrow({ where: { accountSid: t.scenario.a.sid } })).sid;
    const paths = [
      `/v2/Services/${IS}`,
      `/v2/Services/${IS}/Users`,
      `/v2/Services/${IS}/Users/${user.sid}`,
      `/v2/Services/${IS}/Bindings`,
      `/v2/Services/${IS}/Bindings/${binding}`,
      `/v2/Services/${IS}/Users/${user.sid}/Bindings`,
      `/v2/Services/${IS}/Users/${user.identity}/Bindings`,
      `/v2/Services/${IS}/Users/${user.sid}/Bindings/${binding}`,
      '/v2/Services',
      '/v2/Credentials',
      `/v2/Credentials/${credential}`,
    ];
    for (const path of paths) {
      for (const method of ['POST', 'PUT', 'PATCH']) {
        const answer = await call(path, { method, body: 'FriendlyName=x&Endpoint=y' });
        expectError(answer, 405, 20004, `The requested resource ${resource(path)} does not support the attempted HTTP method ${method}`);
        expect(answer.headers.get('allow')).toMatch(/^GET(, DELETE)?$/);
      }
    }
    // DELETE on the list and the Service/User/Credential routes is not allowed either.
    for (const path of [paths[0]!, paths[1]!, paths[2]!, paths[3]!, paths[5]!, paths[8]!, paths[9]!, paths[10]!]) {
      expectError(
        await call(path, { method: 'DELETE' }),
        405,
        20004,
        `The requested resource ${resource(path)} does not support the attempted HTTP method DELETE`,
      );
    }
    expect(await t.db.prisma.binding.findUnique({ where: { sid: binding } })).not.toBeNull();
  });

  it('unknown paths under /v2 are 404/20404', async () => {
    const binding = t.scenario.a.services[0]!.bindings[0]!;
    const user = await userOf(IS, 'user-3@alpha.example');
    for (const path of [
      '/v2/Foo',
      '/v2/Services/',
      '/v2/services',
      '/v2/Credentials/',
      `/v2/Credentials/CR${'0'.repeat(32)}/extra`,
      '/v2/credentials',
      `/v2/Services/${IS}/Roles`,
      `/v2/Services/${IS}/Users/`,
      `/v2/Services/${IS}/Bindings/${binding}/extra`,
      `/v2/Services/${IS}/Users/${user.sid}/Bindings/${binding}/extra`,
      `/v2/Services/${IS}/Channels`,
      `/v2/Services/${IS}/bindings`,
      `/v2/services/${IS}/Bindings`,
      `/v2/Services/${IS}/Bindings/`,
    ]) {
      expectNotFound(await call(path), path);
      expectNotFound(await call(path, { method: 'POST', body: 'x=y' }), path);
    }
  });
});

describe('DELETE', () => {
  const bindingsOf = () => t.scenario.a.services[2]!;

  it('a binding: 204 with an empty body, then 404; GET is 404 too', async () => {
    const { sid: service, bindings } = bindingsOf();
    const path = `/v2/Services/${service}/Bindings/${bindings[0]}`;
    const first = await call(path, { method: 'DELETE' });
    expect(first.status).toBe(204);
    expect(first.text).toBe('');
    expectNotFound(await call(path, { method: 'DELETE' }), path);
    expectNotFound(await call(path), path);
    expect(await t.db.prisma.binding.findUnique({ where: { sid: bindings[0]! } })).toBeNull();
  });

  it('a user binding by identity (with "@") and by US sid: 204 with an empty body, then 404 either way', async () => {
    const { sid: service, bindings } = bindingsOf();
    for (const [sid, by] of [
      [bindings[1]!, 'identity'],
      [bindings[2]!, 'sid'],
    ] as const) {
      const row = (await t.db.prisma.binding.findUnique({ where: { sid } }))!;
      const [first, second] = by === 'identity' ? [row.identity, row.userSid] : [row.userSid, row.identity];
      const path = `/v2/Services/${service}/Users/${first}/Bindings/${sid}`;
      const answer = await call(path, { method: 'DELETE' });
      expect(answer.status).toBe(204);
      expect(answer.text).toBe('');
      expectNotFound(await call(path, { method: 'DELETE' }), path);
      const other = `/v2/Services/${service}/Users/${second}/Bindings/${sid}`;
      expectNotFound(await call(other, { method: 'DELETE' }), other);
      expectNotFound(await call(other), other);
      expect(await t.db.prisma.binding.findUnique({ where: { sid } })).toBeNull();
    }
  });

  it('through another user’s path, another service’s path or another account: 404, and the binding survives', async () => {
    const { sid: service, bindings } = bindingsOf();
    const sid = bindings[3]!;
    const row = (await t.db.prisma.binding.findUnique({ where: { sid } }))!;
    const stranger = (await t.db.prisma.user.findFirst({ where: { serviceSid: service, NOT: { sid: row.userSid } } }))!;
    for (const [path, auth] of [
      [`/v2/Services/${service}/Users/${stranger.sid}/Bindings/${sid}`, undefined],
      [`/v2/Services/${service}/Users/${stranger.identity}/Bindings/${sid}`, undefined],
      [`/v2/Services/${IS}/Bindings/${sid}`, undefined],
      [`/v2/Services/${IS}/Users/${row.identity}/Bindings/${sid}`, undefined],
      [`/v2/Services/${service}/Bindings/${sid}`, t.scenario.b.authorization],
      [`/v2/Services/${service}/Users/${row.userSid}/Bindings/${sid}`, t.scenario.b.authorization],
    ] as const) {
      expectNotFound(await call(path, { method: 'DELETE', ...(auth ? { auth } : {}) }), path);
    }
    expect(await t.db.prisma.binding.findUnique({ where: { sid } })).not.toBeNull();
    const still = await call(`/v2/Services/${service}/Users/${row.userSid}/Bindings/${sid}`);
    expect(still.status).toBe(200);
    expectValid('userBinding', still.body);
    // Unauthenticated DELETE: 401, nothing removed.
    expectError(await call(`/v2/Services/${service}/Bindings/${sid}`, { method: 'DELETE', auth: null }), 401, 20003);
    expect(await t.db.prisma.binding.findUnique({ where: { sid } })).not.toBeNull();
  });

  it('the list no longer shows deleted bindings', async () => {
    const { sid: service, bindings } = bindingsOf();
    const page = await list(`/v2/Services/${service}/Bindings`);
    expect(sids(page)).toEqual(bindings.slice(3));
  });
});

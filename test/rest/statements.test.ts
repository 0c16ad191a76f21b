import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, warmCredentialCache } from '../helpers/app.js';

// The REST hot paths: a non-empty page needs no separate service lookup, and a
// credential seen before needs no check (test/credential-cache.test.ts covers
// the first request of a credential, which adds one statement).
describe('SQL statements per REST request', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await warmCredentialCache(t);
  });
  afterAll(() => t.close());

  async function statements(path: string): Promise<{ status: number; count: number }> {
    t.queries.length = 0;
    const response = await t.fetch(path, { headers: { authorization: t.scenario.a.authorization } });
    await response.arrayBuffer();
    return { status: response.status, count: t.queries.length };
  }

  it('lists a page of a service in one (the page)', async () => {
    const IS = t.scenario.a.services[0]!.sid;
    expect(await statements(`/v2/Services/${IS}/Bindings?PageSize=5`)).toEqual({ status: 200, count: 1 });
    expect(await statements(`/v2/Services/${IS}/Bindings?BindingType=apn&BindingType=gcm`)).toEqual({ status: 200, count: 1 });
  });

  it('spends a second only to tell an empty page from a service that is not the caller’s', async () => {
    const IS = t.scenario.a.services[0]!.sid;
    expect(await statements(`/v2/Services/${IS}/Bindings?Identity=nobody`)).toEqual({ status: 200, count: 2 });
    expect(await statements(`/v2/Services/${t.scenario.b.services[0]!.sid}/Bindings`)).toEqual({ status: 404, count: 2 });
  });

  it('fetches one binding in one', async () => {
    const IS = t.scenario.a.services[0]!.sid;
    const BS = t.scenario.a.services[0]!.bindings[3]!;
    expect(await statements(`/v2/Services/${IS}/Bindings/${BS}`)).toEqual({ status: 200, count: 1 });
  });

  it('lists the caller’s services or credentials in one, and fetches a credential in one', async () => {
    const CR = (await t.db.prisma.credential.findFirstOrThrow({ where: { accountSid: t.scenario.a.sid } })).sid;
    expect(await statements('/v2/Services')).toEqual({ status: 200, count: 1 });
    expect(await statements('/v2/Services?PageSize=1')).toEqual({ status: 200, count: 1 });
    expect(await statements('/v2/Credentials')).toEqual({ status: 200, count: 1 });
    expect(await statements(`/v2/Credentials/${CR}`)).toEqual({ status: 200, count: 1 });
  });

  it('reads nothing for a malformed credential sid', async () => {
    expect(await statements('/v2/Credentials/CRnothex')).toEqual({ status: 404, count: 0 });
    expect(await statements(`/v2/Credentials/IS${'0'.repeat(32)}`)).toEqual({ status: 404, count: 0 });
  });
});

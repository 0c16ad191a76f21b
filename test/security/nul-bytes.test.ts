import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';

// Postgres text cannot hold NUL: a value carrying one can match nothing, and
// must never reach the database as a parameter (it would fail the statement).
describe('NUL characters in input', () => {
  let t: TestApp;
  let IS: string;
  beforeAll(async () => {
    t = await startTestApp();
    IS = t.scenario.a.services[0]!.sid;
  });
  afterAll(() => t.close());

  const rest = (path: string, method = 'GET') => t.fetch(path, { method, headers: { authorization: t.scenario.a.authorization } });

  it('in REST path segments: 404, never 500', async () => {
    for (const path of [
      `/v2/Services/${IS}/Users/%00/Bindings`,
      `/v2/Services/${IS}/Users/user-1%00@alpha.example/Bindings`,
      `/v2/Services/${IS}%00/Bindings`,
      `/v2/Services/${IS}/Bindings/BS${'0'.repeat(31)}%00`,
    ]) {
      const response = await rest(path);
      expect(response.status, path).toBe(404);
      expect((await response.json()).code).toBe(20404);
    }
  });

  it('in the Identity filter: matches nothing', async () => {
    const response = await rest(`/v2/Services/${IS}/Bindings?Identity=%00`);
    expect(response.status).toBe(200);
    expect((await response.json()).bindings).toEqual([]);
  });

  it('in GraphQL arguments: null or empty, never an internal error', async () => {
    const result = await t.graphql(
      `query($s: String!, $id: ID!, $i: [String!]) {
         service(sid: $s) { sid }
         node(id: $id) { id }
         real: service(sid: "${IS}") { bindings(identity: $i) { totalCount nodes { sid } } user(identity: "x\\u0000") { sid } }
       }`,
      { s: `${IS}\u0000`, id: `BS${'0'.repeat(31)}\u0000`, i: ['user-1@alpha.example\u0000'] },
    );
    const codes = (result.body.errors ?? []).map((e) => e.extensions?.code);
    expect(codes).not.toContain('INTERNAL_SERVER_ERROR');
    expect(result.body.data?.service).toBeNull();
    expect(result.body.data?.real).toEqual({ bindings: { totalCount: 0, nodes: [] }, user: null });
  });

  it('in registerBinding fields: BAD_USER_INPUT naming the field, nothing written', async () => {
    const credentialSid = (await t.db.prisma.credential.findFirstOrThrow({ where: { accountSid: t.scenario.a.sid, type: 'fcm' } })).sid;
    const valid = { serviceSid: IS, identity: 'nul@alpha.example', bindingType: 'FCM', endpoint: 'nul-device', credentialSid, messageTypes: ['new_message'] };
    const bindings = await t.db.prisma.binding.count();
    for (const [field, value] of [
      ['serviceSid', `${IS}\u0000`],
      ['identity', 'nul\u0000@alpha.example'],
      ['endpoint', 'nul-device\u0000'],
      ['credentialSid', `${credentialSid}\u0000`],
      ['messageTypes[0]', ['new_message\u0000']],
    ] as const) {
      const key = field.replace('[0]', '');
      const result = await t.graphql('mutation($input: RegisterBindingInput!) { registerBinding(input: $input) { created } }', {
        input: { ...valid, [key]: value },
      });
      expect(
        result.body.errors?.map((e) => e.extensions),
        field,
      ).toEqual([{ code: 'BAD_USER_INPUT', argument: `input.${field}` }]);
    }
    expect(await t.db.prisma.binding.count()).toBe(bindings);
  });
});

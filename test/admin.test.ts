import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminHandler } from '../src/admin/channel.js';
import { AUDIT_LIMIT_DEFAULT } from '../src/admin/commands/audit.js';
import { COMMANDS, executeCommand, UsageError } from '../src/admin/commands.js';
import { createAccount, createApiKey, listAccounts, listApiKeys, revokeApiKey, rotateAuthToken } from '../src/domain/accounts.js';
import { listDeletions } from '../src/domain/audit.js';
import { deleteBinding } from '../src/domain/bindings.js';
import { createCredential, getCredential, listCredentials } from '../src/domain/credentials.js';
import type { DataContext } from '../src/domain/data-context.js';
import { BadInputError, NotFoundError } from '../src/domain/errors.js';
import { CursorCodec } from '../src/domain/paging.js';
import { createService, getServices, listServicesForOperator } from '../src/domain/services.js';
import { newSid } from '../src/domain/sids.js';
import { ChannelError } from '../src/platform/admin-protocol.js';
import { silentLogger } from '../src/platform/logger.js';
import { authenticate } from '../src/security/auth.js';
import { openTestDatabase, type TestDatabase } from './helpers/db.js';
import { createScenario, type Scenario } from './helpers/scenario.js';

let db: TestDatabase;
let data: DataContext;
let scenario: Scenario;

beforeAll(async () => {
  db = await openTestDatabase();
  data = { prisma: db.prisma, reader: db.reader, cursors: new CursorCodec(Buffer.alloc(32)) };
  scenario = await createScenario(db.prisma, { seed: 'admin-test', users: 4, bigServiceBindings: 12 });
});
afterAll(async () => {
  await db?.close();
});

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('accounts and auth tokens', () => {
  it('creates an account whose token (128 random bits) authenticates, storing only a salted hash', async () => {
    const { sid, authToken } = await createAccount(db.prisma, { friendlyName: 'Ops' });
    expect(authToken).toMatch(/^[0-9a-f]{32}$/); // 32 hex digits = 128 bits
    const row = await db.prisma.account.findUniqueOrThrow({ where: { sid } });
    expect(row.authTokenHash).toMatch(/^hmac-sha256\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
    expect(row.authTokenHash).not.toContain(authToken);
    expect(await authenticate(db.prisma, basic(sid, authToken))).toEqual({ accountSid: sid, credentialSid: sid, scope: 'read-write' });
  });

  it('rotates the token: the old one fails at once, the new one works', async () => {
    const { sid, authToken: old } = await createAccount(db.prisma, { friendlyName: 'Rotating' });
    const rotated = await rotateAuthToken(db.prisma, sid);
    expect(rotated.sid).toBe(sid);
    expect(rotated.authToken).toMatch(/^[0-9a-f]{32}$/);
    expect(rotated.authToken).not.toBe(old);
    expect(await authenticate(db.prisma, basic(sid, old))).toBeNull();
    expect(await authenticate(db.prisma, basic(sid, rotated.authToken))).toMatchObject({ accountSid: sid });
  });

  it('refuses to rotate the token of an account that does not exist', async () => {
    await expect(rotateAuthToken(db.prisma, newSid('AC'))).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists accounts with their number of active keys, never a hash', async () => {
    const { sid } = await createAccount(db.prisma, { friendlyName: 'Counted' });
    await createApiKey(db.prisma, { accountSid: sid, scope: 'read' });
    const revoked = await createApiKey(db.prisma, { accountSid: sid, scope: 'read' });
    await revokeApiKey(db.prisma, revoked.sid);
    const accounts = await listAccounts(db.prisma);
    expect(accounts.find((a) => a.sid === sid)).toEqual({ sid, friendlyName: 'Counted', dateCreated: expect.any(Date), activeApiKeys: 1 });
    expect(JSON.stringify(accounts)).not.toContain('hmac-sha256');
  });
});

describe('API keys', () => {
  it('creates keys with a scope: a read key authenticates with scope read, a read-write key with read-write', async () => {
    const accountSid = scenario.a.sid;
    const read = await createApiKey(db.prisma, { accountSid, scope: 'read', friendlyName: 'dashboard' });
    const write = await createApiKey(db.prisma, { accountSid, scope: 'read-write' });
    expect(await authenticate(db.prisma, basic(read.sid, read.secret))).toEqual({ accountSid, credentialSid: read.sid, scope: 'read' });
    expect(await authenticate(db.prisma, basic(write.sid, write.secret))).toEqual({ accountSid, credentialSid: write.sid, scope: 'read-write' });
    // The scope is enforced where it matters: a read key cannot delete.
    await expect(
      deleteBinding(data, { caller: { accountSid, credentialSid: read.sid, scope: 'read' }, frontDoor: 'rest' }, scenario.a.services[0]!.bindings[0]!),
    ).rejects.toThrow(/read-only/);
  });

  it('defaults to read-write for existing callers (seed, helpers)', async () => {
    const key = await createApiKey(db.prisma, { accountSid: scenario.b.sid });
    expect(await authenticate(db.prisma, basic(key.sid, key.secret))).toMatchObject({ scope: 'read-write' });
  });

  it('generates secrets of at least 128 random bits and stores only their salted hashes', async () => {
    const keys = await Promise.all([1, 2, 3].map(() => createApiKey(db.prisma, { accountSid: scenario.b.sid, scope: 'read' })));
    for (const key of keys) {
      expect(key.sid).toMatch(/^SK[0-9a-f]{32}$/);
      // 32 base64url characters = 192 bits.
      expect(key.secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
      const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { sid: key.sid } });
      expect(row.secretHash).toMatch(/^hmac-sha256\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
      expect(row.secretHash).not.toContain(key.secret);
    }
    expect(new Set(keys.map((k) => k.secret)).size).toBe(3);
  });

  it('refuses a key for an account that does not exist', async () => {
    await expect(createApiKey(db.prisma, { accountSid: newSid('AC'), scope: 'read' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('revokes a key: it fails at once; revoking again keeps the first date; an unknown key is an error', async () => {
    const key = await createApiKey(db.prisma, { accountSid: scenario.a.sid, scope: 'read-write' });
    const header = basic(key.sid, key.secret);
    expect(await authenticate(db.prisma, header)).not.toBeNull();

    const revoked = await revokeApiKey(db.prisma, key.sid);
    expect(revoked).toMatchObject({ sid: key.sid, accountSid: scenario.a.sid, scope: 'read-write', alreadyRevoked: false });
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect(await authenticate(db.prisma, header)).toBeNull();

    const again = await revokeApiKey(db.prisma, key.sid);
    expect(again.alreadyRevoked).toBe(true);
    expect(again.revokedAt).toEqual(revoked.revokedAt);
    expect(await authenticate(db.prisma, header)).toBeNull();

    await expect(revokeApiKey(db.prisma, newSid('SK'))).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists keys, all or one account’s, with scope and revocation but no secret or hash', async () => {
    const { sid: accountSid } = await createAccount(db.prisma, { friendlyName: 'Listed' });
    const first = await createApiKey(db.prisma, { accountSid, scope: 'read', friendlyName: 'first' });
    await tick();
    const second = await createApiKey(db.prisma, { accountSid, scope: 'read-write' });
    await revokeApiKey(db.prisma, second.sid);

    const keys = await listApiKeys(db.prisma, { accountSid });
    expect(keys).toEqual([
      { sid: first.sid, accountSid, friendlyName: 'first', scope: 'read', dateCreated: expect.any(Date), revokedAt: null },
      { sid: second.sid, accountSid, friendlyName: null, scope: 'read-write', dateCreated: expect.any(Date), revokedAt: expect.any(Date) },
    ]);
    const all = await listApiKeys(db.prisma);
    expect(all.map((k) => k.sid)).toEqual(expect.arrayContaining([first.sid, second.sid]));
    expect(all.some((k) => k.accountSid === scenario.a.sid)).toBe(true);
    for (const key of all) expect(Object.keys(key).sort()).toEqual(['accountSid', 'dateCreated', 'friendlyName', 'revokedAt', 'scope', 'sid']);
    expect(JSON.stringify(all)).not.toContain('hmac-sha256');
  });
});

describe('deletion audit trail', () => {
  it('lists deletions newest first with who, when, the front door, the request id and the row as it was', async () => {
    const { a, b } = scenario;
    const key = await createApiKey(db.prisma, { accountSid: a.sid, scope: 'read-write' });
    const [bs1, bs2, bs3] = a.services[0]!.bindings.slice(-3) as [string, string, string];
    const bsB = b.services[0]!.bindings[0]!;
    const byToken = { accountSid: a.sid, credentialSid: a.sid, scope: 'read-write' as const };
    const byKey = { accountSid: a.sid, credentialSid: key.sid, scope: 'read-write' as const };

    const row1 = await db.prisma.binding.findUniqueOrThrow({ where: { sid: bs1 } });
    await deleteBinding(data, { caller: byToken, frontDoor: 'rest', requestId: 'req-1' }, bs1);
    await tick();
    await deleteBinding(data, { caller: byKey, frontDoor: 'graphql', requestId: 'req-2' }, bs2);
    await tick();
    await deleteBinding(data, { caller: { accountSid: b.sid, credentialSid: b.sid, scope: 'read-write' }, frontDoor: 'rest' }, bsB);
    await tick();
    await deleteBinding(data, { caller: byKey, frontDoor: 'rest', requestId: 'req-3' }, bs3);

    const all = await listDeletions(db.prisma, { limit: 10 });
    expect(all.map((d) => d.bindingSid)).toEqual([bs3, bsB, bs2, bs1]);
    const oldest = all[3]!;
    expect(oldest).toEqual({
      sid: expect.stringMatching(/^DL[0-9a-f]{32}$/),
      dateCreated: expect.any(Date),
      accountSid: a.sid,
      credentialSid: a.sid,
      frontDoor: 'rest',
      requestId: 'req-1',
      bindingSid: bs1,
      serviceSid: row1.serviceSid,
      binding: expect.objectContaining({
        sid: bs1,
        account_sid: a.sid,
        service_sid: row1.serviceSid,
        user_sid: row1.userSid,
        identity: row1.identity,
        endpoint: row1.endpoint,
        binding_type: row1.bindingType,
        credential_sid: row1.credentialSid,
        message_types: row1.messageTypes,
      }),
    });
    expect(all[2]).toMatchObject({ credentialSid: key.sid, frontDoor: 'graphql', requestId: 'req-2' });
    expect(all[1]).toMatchObject({ accountSid: b.sid, requestId: null });

    // One account's, limited, since a date.
    expect((await listDeletions(db.prisma, { accountSid: a.sid, limit: 10 })).map((d) => d.bindingSid)).toEqual([bs3, bs2, bs1]);
    expect((await listDeletions(db.prisma, { accountSid: a.sid, limit: 2 })).map((d) => d.bindingSid)).toEqual([bs3, bs2]);
    const since = await listDeletions(db.prisma, { since: all[2]!.dateCreated, limit: 10 });
    expect(since.map((d) => d.bindingSid)).toEqual([bs3, bsB, bs2]);
    expect(await listDeletions(db.prisma, { since: new Date(all[0]!.dateCreated.getTime() + 1), limit: 10 })).toEqual([]);
  });
});

describe('services and credentials for operators', () => {
  /** The refusal `promise` ends with. */
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (e: unknown) => e as Error & { argument?: string },
    );

  it('creates a service in an account, with a random SID or a kept one; a taken or malformed SID and an unknown account are refused', async () => {
    const { sid: accountSid } = await createAccount(db.prisma, { friendlyName: 'Starting without Twilio' });
    const fresh = await createService(db.prisma, { accountSid, friendlyName: 'Fresh' });
    expect(fresh).toMatchObject({ sid: expect.stringMatching(/^IS[0-9a-f]{32}$/), accountSid, friendlyName: 'Fresh' });
    expect(fresh.dateUpdated).toEqual(fresh.dateCreated);

    const kept = newSid('IS');
    const dateCreated = new Date('2019-03-04T05:06:07.000Z');
    expect(await createService(db.prisma, { accountSid, friendlyName: 'Kept', sid: kept, dateCreated })).toMatchObject({ sid: kept, dateCreated });
    expect((await getServices(data, accountSid, [fresh.sid, kept])).map((s) => s.sid).sort()).toEqual([fresh.sid, kept].sort());

    // Taken, whichever account asks; the existing row is untouched.
    for (const owner of [accountSid, scenario.b.sid]) {
      const taken = await refusal(createService(db.prisma, { accountSid: owner, friendlyName: 'Again', sid: kept }));
      expect(taken).toBeInstanceOf(BadInputError);
      expect(taken).toMatchObject({ message: `Service ${kept} already exists`, argument: 'sid' });
    }
    expect(await db.prisma.service.findUniqueOrThrow({ where: { sid: kept } })).toMatchObject({ accountSid, friendlyName: 'Kept' });

    for (const sid of ['IS123', newSid('CR'), kept.toUpperCase()]) {
      expect(await refusal(createService(db.prisma, { accountSid, friendlyName: 'Bad', sid }))).toMatchObject({ name: 'BadInputError', argument: 'sid' });
    }
    const missing = newSid('AC');
    const notFound = await refusal(createService(db.prisma, { accountSid: missing, friendlyName: 'Orphan' }));
    expect(notFound).toBeInstanceOf(NotFoundError);
    expect(notFound!.message).toBe(`Account ${missing} was not found`);
  });

  it('refuses a taken SID inside a transaction without aborting it', async () => {
    const taken = scenario.a.services[0]!.sid;
    const count = await db.prisma.$transaction(async (tx) => {
      await expect(createService(tx, { accountSid: scenario.a.sid, friendlyName: 'Dup', sid: taken })).rejects.toBeInstanceOf(BadInputError);
      return tx.service.count({ where: { sid: taken } }); // the transaction still works
    });
    expect(count).toBe(1);
  });

  it('lists services across accounts or for one, with their binding counts summed over types', async () => {
    const all = await listServicesForOperator(db.prisma);
    const actual = await db.prisma.binding.groupBy({ by: ['serviceSid'], _count: { _all: true } });
    const counted = new Map(actual.map((g) => [g.serviceSid, g._count._all]));
    expect(all.length).toBe(await db.prisma.service.count());
    for (const s of all) expect(s.bindingCount, s.sid).toBe(counted.get(s.sid) ?? 0);
    const big = all.find((s) => s.sid === scenario.a.services[0]!.sid)!;
    expect(big.bindingCount).toBeGreaterThan(0);
    expect(Object.keys(big).sort()).toEqual(['accountSid', 'bindingCount', 'dateCreated', 'friendlyName', 'sid']);
    // By account, then oldest first.
    const order = all.map((s) => `${s.accountSid} ${s.dateCreated.toISOString()} ${s.sid}`);
    expect(order).toEqual([...order].sort());

    const b = await listServicesForOperator(db.prisma, { accountSid: scenario.b.sid });
    expect(b.map((s) => s.sid)).toEqual(scenario.b.services.map((s) => s.sid));

    const { sid: empty } = await createAccount(db.prisma, { friendlyName: 'No services' });
    expect(await listServicesForOperator(db.prisma, { accountSid: empty })).toEqual([]);
    await expect(listServicesForOperator(db.prisma, { accountSid: newSid('AC') })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('records push credentials without secrets: type, name, sandbox (apn only), random or kept SID', async () => {
    const { sid: accountSid } = await createAccount(db.prisma, { friendlyName: 'Credentials' });
    const apn = await createCredential(db.prisma, { accountSid, type: 'apn', friendlyName: 'iOS dev', sandbox: true });
    const kept = newSid('CR');
    const fcm = await createCredential(db.prisma, { accountSid, type: 'fcm', sid: kept });
    expect(apn).toMatchObject({ sid: expect.stringMatching(/^CR[0-9a-f]{32}$/), accountSid, type: 'apn', friendlyName: 'iOS dev', sandbox: true });
    expect(fcm).toMatchObject({ sid: kept, accountSid, type: 'fcm', friendlyName: null, sandbox: false });
    // The columns are all there is: nothing secret.
    expect(Object.keys(fcm).sort()).toEqual(['accountSid', 'dateCreated', 'dateUpdated', 'friendlyName', 'sandbox', 'sid', 'type']);
    expect(await getCredential(data, accountSid, kept)).toEqual(fcm);
    expect(await getCredential(data, scenario.a.sid, kept)).toBeNull();
    expect((await listCredentials(data, accountSid, { first: 10 })).rows.map((c) => c.sid)).toEqual([apn.sid, kept].sort());

    const cases: Array<[Parameters<typeof createCredential>[1], string, RegExp]> = [
      [{ accountSid, type: 'gcm', sid: kept }, 'sid', new RegExp(`^Credential ${kept} already exists$`)],
      [{ accountSid: scenario.b.sid, type: 'fcm', sid: kept }, 'sid', /already exists/],
      [{ accountSid, type: 'apn', sid: 'CR42' }, 'sid', /Not a credential SID/],
      [{ accountSid, type: 'apns' as 'apn' }, 'type', /apn, gcm, fcm/],
      [{ accountSid, type: 'gcm', sandbox: true }, 'sandbox', /Only apn credentials have a sandbox/],
    ];
    for (const [input, argument, message] of cases) {
      const error = await refusal(createCredential(db.prisma, input));
      expect(error, JSON.stringify(input)).toBeInstanceOf(BadInputError);
      expect(error).toMatchObject({ argument, message: expect.stringMatching(message) });
    }
    expect(await db.prisma.credential.findUniqueOrThrow({ where: { sid: kept } })).toEqual(fcm);
    await expect(createCredential(db.prisma, { accountSid: newSid('AC'), type: 'apn' })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('the command table', () => {
  const run = (name: string, args: Record<string, unknown> = {}) => executeCommand(db.prisma, name, args);

  it('runs the whole life cycle with JSON-serialisable results', async () => {
    const account = (await run('account:create', { friendlyName: 'Via commands' })) as {
      sid: string;
      authToken: string;
      friendlyName: string;
      dateCreated: string;
    };
    expect(account).toEqual({
      sid: expect.stringMatching(/^AC/),
      friendlyName: 'Via commands',
      authToken: expect.any(String),
      dateCreated: expect.any(String),
    });
    const unnamed = (await run('account:create')) as { friendlyName: string };
    expect(unnamed.friendlyName).toMatch(/^Account created \d{4}-/);

    const key = (await run('key:create', { account: account.sid, scope: 'read', friendlyName: 'ci' })) as { sid: string; secret: string };
    expect(key).toEqual({ sid: expect.stringMatching(/^SK/), accountSid: account.sid, friendlyName: 'ci', scope: 'read', secret: expect.any(String) });
    expect(await authenticate(db.prisma, basic(key.sid, key.secret))).toMatchObject({ scope: 'read' });

    const listed = (await run('key:list', { account: account.sid })) as { apiKeys: unknown[] };
    expect(listed).toEqual({
      apiKeys: [{ sid: key.sid, accountSid: account.sid, friendlyName: 'ci', scope: 'read', dateCreated: expect.any(String), revokedAt: null }],
    });
    expect(JSON.parse(JSON.stringify(listed))).toEqual(listed);

    const revoked = await run('key:revoke', { key: key.sid });
    expect(revoked).toMatchObject({ sid: key.sid, alreadyRevoked: false, revokedAt: expect.any(String) });
    expect(await authenticate(db.prisma, basic(key.sid, key.secret))).toBeNull();

    const rotated = (await run('account:rotate-token', { account: account.sid })) as { authToken: string };
    expect(await authenticate(db.prisma, basic(account.sid, account.authToken))).toBeNull();
    expect(await authenticate(db.prisma, basic(account.sid, rotated.authToken))).not.toBeNull();

    const audit = (await run('audit:list', { account: scenario.a.sid, limit: '2', since: '30d' })) as { deletions: Array<{ dateCreated: string }> };
    expect(audit.deletions).toHaveLength(2);
    expect(typeof audit.deletions[0]!.dateCreated).toBe('string');
  });

  it('creates services and credentials and lists services; a taken SID is a usage error, an unknown account NOT_FOUND', async () => {
    const { sid: accountSid } = await createAccount(db.prisma, { friendlyName: 'Commands for services' });
    const service = (await run('service:create', { account: accountSid, friendlyName: 'Chat' })) as Record<string, string>;
    expect(service).toEqual({ sid: expect.stringMatching(/^IS[0-9a-f]{32}$/), accountSid, friendlyName: 'Chat', dateCreated: expect.any(String) });
    const kept = newSid('IS');
    const unnamed = (await run('service:create', { account: accountSid, sid: kept })) as Record<string, string>;
    expect(unnamed).toMatchObject({ sid: kept, friendlyName: expect.stringMatching(/^Service created \d{4}-/) });

    const listed = (await run('service:list', { account: accountSid })) as { services: unknown[] };
    expect(listed).toEqual({
      services: [
        { ...service, bindingCount: 0 },
        { ...unnamed, bindingCount: 0 },
      ],
    });
    expect(JSON.parse(JSON.stringify(listed))).toEqual(listed);
    const everything = (await run('service:list')) as { services: Array<{ sid: string; bindingCount: number }> };
    const big = scenario.a.services[0]!.sid;
    expect(everything.services.find((s) => s.sid === big)!.bindingCount).toBe(await db.prisma.binding.count({ where: { serviceSid: big } }));

    const credential = (await run('credential:create', { account: accountSid, type: 'apn', sandbox: 'true', friendlyName: 'iOS' })) as Record<string, unknown>;
    expect(credential).toEqual({
      sid: expect.stringMatching(/^CR[0-9a-f]{32}$/),
      accountSid,
      friendlyName: 'iOS',
      type: 'apn',
      sandbox: true,
      dateCreated: expect.any(String),
    });
    const keptCr = newSid('CR');
    expect(await run('credential:create', { account: accountSid, type: 'gcm', sandbox: 'false', sid: keptCr })).toMatchObject({
      sid: keptCr,
      friendlyName: null,
      type: 'gcm',
      sandbox: false,
    });
    expect(await getCredential(data, accountSid, keptCr)).toMatchObject({ type: 'gcm', sandbox: false });

    for (const [name, args, message] of [
      ['service:create', { account: accountSid, sid: kept }, `Service ${kept} already exists`],
      ['service:create', { account: scenario.b.sid, sid: big }, `Service ${big} already exists`],
      ['credential:create', { account: accountSid, type: 'fcm', sid: keptCr }, `Credential ${keptCr} already exists`],
    ] as const) {
      const error = await run(name, args).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toBe(message);
    }
    const missing = newSid('AC');
    for (const [name, args] of [
      ['service:create', { account: missing }],
      ['service:list', { account: missing }],
      ['credential:create', { account: missing, type: 'fcm' }],
    ] as const) {
      const error = await run(name, args).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as Error).message).toBe(`Account ${missing} was not found`);
    }
  });

  it.each([
    ['key:create', { account: 'ACnope', scope: 'read' }, /--account must be an account SID/],
    ['key:create', { account: newSid('SK'), scope: 'read' }, /--account must be an account SID/],
    ['key:create', { scope: 'read' }, /--account is required/],
    ['key:create', { account: newSid('AC') }, /--scope is required/],
    ['key:create', { account: newSid('AC'), scope: 'write' }, /--scope must be read or read-write/],
    ['key:create', { account: newSid('AC'), scope: 'read', friendlyName: 'x'.repeat(65) }, /--friendly-name must be 1 to 64/],
    ['key:create', { account: newSid('AC'), scope: 'read', friendlyName: 'a\nb' }, /--friendly-name/],
    ['key:create', { account: newSid('AC'), scope: 'read', secret: 'mine' }, /key:create does not take --secret/],
    ['key:revoke', { key: newSid('AC') }, /--key must be an API key SID/],
    ['key:revoke', {}, /--key is required/],
    ['account:rotate-token', { account: newSid('AC').toUpperCase() }, /--account must be/],
    ['audit:list', { limit: '0' }, /--limit must be an integer from 1 to 1000/],
    ['audit:list', { limit: '1001' }, /--limit must be an integer from 1 to 1000/],
    ['audit:list', { limit: '5x' }, /--limit/],
    ['audit:list', { since: 'yesterday' }, /--since must be/],
    ['audit:list', { since: '2026-11-21T10:00:00' }, /--since must be/], // no zone: ambiguous
    ['audit:list', { since: '2026-13-45' }, /--since must be/],
    ['audit:list', { account: { sid: 'AC' } }, /--account needs a value/],
    ['service:create', {}, /--account is required/],
    ['service:create', { account: newSid('AC'), sid: 'IS123' }, /--sid must be a service SID \(IS followed by 32 lower-case hex digits\), got "IS123"/],
    ['service:create', { account: newSid('AC'), sid: newSid('CR') }, /--sid must be a service SID/],
    ['service:create', { account: newSid('AC'), friendlyName: '' }, /--friendly-name must be 1 to 64/],
    ['service:list', { account: 'AC1' }, /--account must be an account SID/],
    ['credential:create', { account: newSid('AC') }, /--type is required: apn \(APNs, iOS\), gcm or fcm/],
    ['credential:create', { account: newSid('AC'), type: 'apns' }, /--type must be apn, gcm or fcm, got "apns"/],
    ['credential:create', { account: newSid('AC'), type: 'APN' }, /--type must be apn, gcm or fcm/],
    ['credential:create', { account: newSid('AC'), type: 'apn', sandbox: 'yes' }, /--sandbox must be true or false, got "yes"/],
    ['credential:create', { account: newSid('AC'), type: 'apn', sandbox: 1 }, /--sandbox must be true or false, got 1/],
    ['credential:create', { account: newSid('AC'), type: 'fcm', sandbox: 'true' }, /--sandbox true is for apn credentials only/],
    ['credential:create', { account: newSid('AC'), type: 'apn', sid: newSid('IS') }, /--sid must be a credential SID/],
    ['credential:create', { account: newSid('AC'), type: 'apn', secret: 'p8 key' }, /credential:create does not take --secret/],
    ['credential:create', { type: 'apn' }, /--account is required/],
    ['no:such', {}, /unknown command/],
  ])('%s %j is refused: %s', async (name, args, message) => {
    const error = await run(name, args).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(message);
  });

  it('has a default audit limit and accepts dates, date-times with a zone and durations for --since', async () => {
    expect(AUDIT_LIMIT_DEFAULT).toBe(50);
    for (const since of ['2020-01-01', '2020-01-01T00:00:00Z', '2020-01-01T01:00:00.5+01:00', '90m', '24h', '7d']) {
      await expect(run('audit:list', { since })).resolves.toMatchObject({ deletions: expect.any(Array) });
    }
    expect(COMMANDS.map((c) => c.name)).toEqual([
      'account:create',
      'account:rotate-token',
      'account:list',
      'key:create',
      'key:list',
      'key:revoke',
      'service:create',
      'service:list',
      'credential:create',
      'audit:list',
      'bindings:prune',
      'prune:list',
      'prune:cancel',
    ]);
  });

  it('maps refusals to channel error codes in the running gateway’s handler', async () => {
    const handler = createAdminHandler(db.prisma, silentLogger);
    const notFound = await handler('key:revoke', { key: newSid('SK') }).catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(ChannelError);
    expect((notFound as ChannelError).code).toBe('NOT_FOUND');
    expect((notFound as Error).message).toMatch(/API key SK[0-9a-f]{32} was not found/);
    const bad = await handler('key:create', { account: 'nope' }).catch((e: unknown) => e);
    expect((bad as ChannelError).code).toBe('BAD_INPUT');
    const missing = await handler('service:create', { account: newSid('AC') }).catch((e: unknown) => e);
    expect((missing as ChannelError).code).toBe('NOT_FOUND');
    const taken = await handler('service:create', { account: scenario.a.sid, sid: scenario.b.services[0]!.sid }).catch((e: unknown) => e);
    expect(taken).toMatchObject({ code: 'BAD_INPUT', message: `Service ${scenario.b.services[0]!.sid} already exists` });
    const unknown = await handler('drop:tables', {}).catch((e: unknown) => e);
    expect((unknown as ChannelError).code).toBe('BAD_INPUT');
    await expect(handler('account:list', {})).resolves.toMatchObject({ accounts: expect.any(Array) });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminHandler } from '../src/admin/channel.js';
import { AUDIT_LIMIT_DEFAULT, COMMANDS, executeCommand, UsageError } from '../src/admin/commands.js';
import { createAccount, createApiKey, listAccounts, listApiKeys, revokeApiKey, rotateAuthToken } from '../src/domain/accounts.js';
import { listDeletions } from '../src/domain/audit.js';
import { deleteBinding } from '../src/domain/bindings.js';
import type { DataContext } from '../src/domain/data-context.js';
import { NotFoundError } from '../src/domain/errors.js';
import { CursorCodec } from '../src/domain/paging.js';
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
  data = { prisma: db.prisma, cursors: new CursorCodec(Buffer.alloc(32)) };
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
      'audit:list',
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
    const unknown = await handler('drop:tables', {}).catch((e: unknown) => e);
    expect((unknown as ChannelError).code).toBe('BAD_INPUT');
    await expect(handler('account:list', {})).resolves.toMatchObject({ accounts: expect.any(Array) });
  });
});

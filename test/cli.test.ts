/**
 * `npm run cli` as the operator runs it: real child processes (`node --import
 * tsx src/bin/cli.ts …`), against the embedded database in a DATA_DIR of its own,
 * with and without a running gateway (`src/bin/main.ts`) holding the folder; and,
 * when DATABASE_URL is set, against a throw-away database on that server.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminHandler } from '../src/admin/channel.js';
import { openDatabase, quoteIdent } from '../src/db/database.js';
import { silentLogger } from '../src/platform/logger.js';
import { TEST_DATABASE_URL } from './helpers/db.js';
import { killGateways, startGateway as startGatewayProcess } from './helpers/gateway-process.js';
import { restCall } from './helpers/rest.js';
import { createScenario, type Scenario } from './helpers/scenario.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
/** A hung child is killed after this long, so the test fails instead of stalling. */
const CHILD_TIMEOUT_MS = 90_000;
/** Tests that run several CLI processes, some opening PGlite themselves. */
const SLOW = 240_000;

const folders: string[] = [];
function tempFolder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gwc-'));
  folders.push(dir);
  return dir;
}
const children = new Set<ChildProcess>();
afterAll(() => {
  killGateways();
  for (const child of children) child.kill('SIGKILL');
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

type Env = Record<string, string>;

/** The child's environment: ours without DATABASE_URL/DATA_DIR, plus `env`. */
function childEnv(env: Env): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
  delete base.DATABASE_URL;
  delete base.DATA_DIR;
  return { ...base, ...env };
}

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(env: Env, ...args: string[]): Promise<Exit> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/bin/cli.ts', ...args], {
    cwd: REPO_ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: CHILD_TIMEOUT_MS,
    killSignal: 'SIGKILL',
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs a command with --json, expects success and exactly one line of JSON on stdout. */
async function cliJson<T = any>(env: Env, ...args: string[]): Promise<T> {
  const exit = await cli(env, ...args, '--json');
  expect(exit.code, exit.stderr).toBe(0);
  expect(exit.stdout.endsWith('\n')).toBe(true);
  expect(exit.stdout.trimEnd().split('\n')).toHaveLength(1);
  return JSON.parse(exit.stdout) as T;
}

interface Gateway {
  baseUrl: string;
  /** Everything it logged so far (JSON lines). */
  stderr(): string;
  /** SIGTERM, then its exit code. */
  stop(): Promise<number | null>;
}

/** `npm start` on a free port, once its banner is out. */
async function startGateway(env: Env): Promise<Gateway> {
  const gateway = await startGatewayProcess(env);
  return {
    baseUrl: gateway.baseUrl,
    stderr: gateway.stderr,
    stop() {
      gateway.child.kill('SIGTERM');
      return gateway.exited;
    },
  };
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** POST /graphql `{ account { sid } }`: the status and the sid it names. */
async function whoAmI(gateway: Gateway, authorization: string): Promise<{ status: number; sid?: string }> {
  const response = await fetch(`${gateway.baseUrl}/graphql`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: '{ account { sid } }' }),
  });
  const body = (await response.json()) as { data?: { account?: { sid: string } } };
  return { status: response.status, ...(body.data?.account ? { sid: body.data.account.sid } : {}) };
}

/** GET a REST list of a service no one has: 404 (Twilio body) when authenticated, 401 when not. */
async function restProbe(gateway: Gateway, authorization: string): Promise<{ status: number; code: number }> {
  const response = await fetch(`${gateway.baseUrl}/v2/Services/IS${'0'.repeat(32)}/Bindings`, { headers: { authorization } });
  const body = (await response.json()) as { code: number };
  return { status: response.status, code: body.code };
}

/** What `createScenario` writes, through a database handle the test opens itself (while no gateway holds it). */
async function addScenario(options: { dataDir?: string; databaseUrl?: string }): Promise<Scenario> {
  const db = await openDatabase(options);
  try {
    await db.migrate();
    return await createScenario(db.prisma, { seed: `cli-${randomBytes(4).toString('hex')}`, users: 3, bigServiceBindings: 6 });
  } finally {
    await db.close();
  }
}

/**
 * What must hold whatever the database mode: credentials made or changed by
 * the CLI take effect at once in the running gateway, and the CLI shows the
 * audit trail of deletions made over HTTP.
 */
function describeWithRunningGateway(mode: string, setup: () => { env: Env; scenario: () => Scenario }, extra?: (g: () => Gateway) => void) {
  describe(`${mode}, with the gateway running`, () => {
    let env: Env;
    let scenario: Scenario;
    let gateway: Gateway;
    beforeAll(async () => {
      const s = setup();
      env = s.env;
      scenario = s.scenario();
      gateway = await startGateway(env);
    }, SLOW);
    afterAll(async () => {
      if (gateway) expect(await gateway.stop()).toBe(0);
    }, SLOW);

    it(
      'creates an account that authenticates against the running gateway at once',
      async () => {
        const account = await cliJson(env, 'account:create', '--friendly-name', 'Created while running');
        expect(await whoAmI(gateway, basic(account.sid, account.authToken))).toEqual({ status: 200, sid: account.sid });
        expect(await restProbe(gateway, basic(account.sid, account.authToken))).toEqual({ status: 404, code: 20404 });
        expect(await restProbe(gateway, basic(account.sid, 'wrong'))).toEqual({ status: 401, code: 20003 });
      },
      SLOW,
    );

    it(
      'rotates a token: the old one gets 401 from the running gateway at once, the new one works',
      async () => {
        const account = await cliJson(env, 'account:create');
        const before = basic(account.sid, account.authToken);
        expect((await whoAmI(gateway, before)).status).toBe(200);

        const rotated = await cliJson(env, 'account:rotate-token', account.sid);
        expect(rotated).toEqual({ sid: account.sid, authToken: expect.stringMatching(/^[0-9a-f]{32}$/) });
        expect((await whoAmI(gateway, before)).status).toBe(401);
        expect(await restProbe(gateway, before)).toEqual({ status: 401, code: 20003 });
        expect(await whoAmI(gateway, basic(account.sid, rotated.authToken))).toEqual({ status: 200, sid: account.sid });
      },
      SLOW,
    );

    it(
      'creates, lists and revokes API keys; a revoked key gets 401 at once',
      async () => {
        const accountSid = scenario.a.sid;
        const key = await cliJson(env, 'key:create', '--account', accountSid, '--scope', 'read-write', '--friendly-name', 'deploy bot');
        const readKey = await cliJson(env, 'key:create', '--account', accountSid, '--scope=read');
        const auth = basic(key.sid, key.secret);
        expect(await whoAmI(gateway, auth)).toEqual({ status: 200, sid: accountSid });
        expect(await whoAmI(gateway, basic(readKey.sid, readKey.secret))).toEqual({ status: 200, sid: accountSid });

        const { apiKeys } = await cliJson<{ apiKeys: Array<Record<string, unknown>> }>(env, 'key:list', '--account', accountSid);
        expect(apiKeys).toEqual(
          expect.arrayContaining([
            { sid: key.sid, accountSid, friendlyName: 'deploy bot', scope: 'read-write', dateCreated: expect.any(String), revokedAt: null },
            { sid: readKey.sid, accountSid, friendlyName: null, scope: 'read', dateCreated: expect.any(String), revokedAt: null },
          ]),
        );

        const revoked = await cliJson(env, 'key:revoke', '--key', key.sid);
        expect(revoked).toMatchObject({ sid: key.sid, alreadyRevoked: false });
        expect((await whoAmI(gateway, auth)).status).toBe(401);
        expect(await restProbe(gateway, auth)).toEqual({ status: 401, code: 20003 });
        // The other key is untouched.
        expect((await whoAmI(gateway, basic(readKey.sid, readKey.secret))).status).toBe(200);

        const table = await cli(env, 'key:list', '--account', accountSid);
        expect(table.code, table.stderr).toBe(0);
        const row = table.stdout.split('\n').find((l) => l.startsWith(key.sid));
        expect(row).toMatch(new RegExp(`^${key.sid}\\s+${accountSid}\\s+read-write\\s+\\S+Z\\s+\\S+Z\\s+deploy bot$`));
        expect(table.stdout).not.toContain(key.secret);
      },
      SLOW,
    );

    it(
      'lists a deletion made over HTTP in the audit trail, with the row as it was',
      async () => {
        const { a } = scenario;
        const service = a.services[0]!;
        const bindingSid = service.bindings[0]!;
        const requestId = `cli-test-${randomBytes(4).toString('hex')}`;
        const deleted = await fetch(`${gateway.baseUrl}/v2/Services/${service.sid}/Bindings/${bindingSid}`, {
          method: 'DELETE',
          headers: { authorization: a.authorization, 'x-request-id': requestId },
        });
        expect(deleted.status).toBe(204);

        const { deletions } = await cliJson<{ deletions: Array<Record<string, any>> }>(env, 'audit:list', '--account', a.sid, '--since', '1h');
        expect(deletions[0]).toEqual({
          sid: expect.stringMatching(/^DL[0-9a-f]{32}$/),
          dateCreated: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/),
          accountSid: a.sid,
          credentialSid: a.sid,
          frontDoor: 'rest',
          requestId,
          bindingSid,
          serviceSid: service.sid,
          binding: expect.objectContaining({ sid: bindingSid, account_sid: a.sid, service_sid: service.sid, endpoint: expect.any(String) }),
        });

        const text = await cli(env, 'audit:list', '--limit', '5');
        expect(text.code, text.stderr).toBe(0);
        expect(text.stdout).toContain(`binding ${bindingSid} of service ${service.sid}`);
        expect(text.stdout).toContain(`account ${a.sid}  credential ${a.sid}  via rest  request ${requestId}`);
        expect(text.stdout).toContain(`"sid":"${bindingSid}"`);
      },
      SLOW,
    );

    extra?.(() => gateway);

    // After `extra`: its check that every command the gateway ran succeeded would see these refusals.
    it(
      'creates a service and push credentials that the REST shim serves at once; a taken SID and an unknown account are clear errors',
      async () => {
        const account = await cliJson(env, 'account:create', '--friendly-name', 'Starting without Twilio');
        const auth = basic(account.sid, account.authToken);
        const keptIS = `IS${randomBytes(16).toString('hex')}`;
        const keptCR = `CR${randomBytes(16).toString('hex')}`;

        const service = await cliJson(env, 'service:create', '--account', account.sid, '--friendly-name', 'Mobile chat');
        expect(service).toEqual({
          sid: expect.stringMatching(/^IS[0-9a-f]{32}$/),
          accountSid: account.sid,
          friendlyName: 'Mobile chat',
          dateCreated: expect.any(String),
        });
        const kept = await cli(env, 'service:create', '--account', account.sid, '--sid', keptIS, '--friendly-name', 'Moved from Twilio');
        expect(kept.code, kept.stderr).toBe(0);
        expect(kept.stdout).toBe(`Created service ${keptIS} (Moved from Twilio) in account ${account.sid}\n  ServiceSid  ${keptIS}\n`);

        const apn = await cliJson(
          env,
          'credential:create',
          '--account',
          account.sid,
          '--type',
          'apn',
          '--sandbox',
          'true',
          '--friendly-name',
          'iOS dev',
          '--sid',
          keptCR,
        );
        expect(apn).toEqual({ sid: keptCR, accountSid: account.sid, friendlyName: 'iOS dev', type: 'apn', sandbox: true, dateCreated: expect.any(String) });
        const fcm = await cli(env, 'credential:create', '--account', account.sid, '--type=fcm');
        expect(fcm.code, fcm.stderr).toBe(0);
        const fcmSid = /^Created fcm credential (CR[0-9a-f]{32}) for account AC[0-9a-f]{32}\n/.exec(fcm.stdout)?.[1];
        expect(fcm.stdout).toBe(
          `Created fcm credential ${fcmSid} for account ${account.sid}\n  CredentialSid  ${fcmSid}\n  Type           fcm\n  Sandbox        false\n\n` +
            'No certificate, key or server key is taken or stored: this gateway does not send pushes.\n',
        );

        // The running gateway serves them to the account's existing code.
        const services = await restCall(gateway.baseUrl, '/v2/Services', { auth });
        expect(services.status, services.text).toBe(200);
        expect(services.body.services.map((s: any) => [s.sid, s.account_sid, s.friendly_name])).toEqual(
          [
            [service.sid, account.sid, 'Mobile chat'],
            [keptIS, account.sid, 'Moved from Twilio'],
          ].sort(),
        );
        const fetched = await restCall(gateway.baseUrl, `/v2/Services/${keptIS}`, { auth });
        expect(fetched.status, fetched.text).toBe(200);
        expect(fetched.body).toMatchObject({ sid: keptIS, account_sid: account.sid, friendly_name: 'Moved from Twilio' });
        const credentials = await restCall(gateway.baseUrl, '/v2/Credentials', { auth });
        expect(credentials.status, credentials.text).toBe(200);
        expect(credentials.body.credentials.map((c: any) => [c.sid, c.type, c.sandbox, c.friendly_name])).toEqual(
          [
            [keptCR, 'apn', 'True', 'iOS dev'],
            [fcmSid, 'fcm', 'False', null],
          ].sort(),
        );
        // Another account sees none of it.
        const foreign = await restCall(gateway.baseUrl, `/v2/Credentials/${keptCR}`, { auth: scenario.b.authorization });
        expect(foreign.status).toBe(404);

        // service:list, as JSON and as a table.
        const listed = await cliJson(env, 'service:list', '--account', account.sid);
        expect(listed).toEqual({ services: [{ ...service, bindingCount: 0 }, expect.objectContaining({ sid: keptIS, bindingCount: 0 })] });
        const { a } = scenario;
        const table = await cli(env, 'service:list');
        expect(table.code, table.stderr).toBe(0);
        expect(table.stdout.split('\n')[0]).toMatch(/^SID\s+ACCOUNT\s+CREATED\s+BINDINGS\s+NAME$/);
        expect(table.stdout).toMatch(new RegExp(`\\n${keptIS}\\s+${account.sid}\\s+\\S+Z\\s+0\\s+Moved from Twilio\\n`));
        const bigBindings = await restCall(gateway.baseUrl, `/v2/Services/${a.services[0]!.sid}/Bindings?PageSize=1000`, { auth: a.authorization });
        const bigCount = String(bigBindings.body.bindings.length);
        expect(table.stdout).toMatch(new RegExp(`\\n${a.services[0]!.sid}\\s+${a.sid}\\s+\\S+Z\\s+${bigCount}\\s`));

        // Refusals: a taken SID (even another account's) is a usage error, an unknown account is not found.
        const missing = `AC${randomBytes(16).toString('hex')}`;
        const [takenIS, foreignIS, takenCR, noAccount, noAccountList] = await Promise.all([
          cli(env, 'service:create', '--account', account.sid, '--sid', keptIS),
          cli(env, 'service:create', '--account', a.sid, '--sid', keptIS),
          cli(env, 'credential:create', '--account', account.sid, '--type', 'gcm', '--sid', keptCR),
          cli(env, 'credential:create', '--account', missing, '--type', 'gcm'),
          cli(env, 'service:list', '--account', missing),
        ]);
        for (const exit of [takenIS, foreignIS]) {
          expect(exit.code).toBe(2);
          expect(exit.stderr).toMatch(new RegExp(`^error: Service ${keptIS} already exists\\nusage: npm run cli -- service:create `));
          expect(exit.stdout).toBe('');
        }
        expect(takenCR.code).toBe(2);
        expect(takenCR.stderr).toMatch(new RegExp(`^error: Credential ${keptCR} already exists\\n`));
        for (const exit of [noAccount, noAccountList]) {
          expect(exit.code).toBe(1);
          expect(exit.stderr).toBe(`error: Account ${missing} was not found\n`);
          expect(exit.stdout).toBe('');
        }
        // Nothing changed.
        expect((await restCall(gateway.baseUrl, '/v2/Services', { auth })).body.services).toHaveLength(2);
        expect((await restCall(gateway.baseUrl, '/v2/Credentials', { auth })).body.credentials).toHaveLength(2);
      },
      SLOW,
    );
  });
}

describe('embedded database (DATA_DIR)', () => {
  const dir = tempFolder();
  const env: Env = { DATA_DIR: dir };
  const socketPath = path.join(dir, 'gateway.lock.sock');
  let scenario: Scenario;

  it(
    'without a gateway running, opens the folder itself: account and API key life cycle',
    async () => {
      const account = await cliJson(env, 'account:create', '--friendly-name', 'CLI test');
      expect(account).toEqual({
        sid: expect.stringMatching(/^AC[0-9a-f]{32}$/),
        friendlyName: 'CLI test',
        authToken: expect.stringMatching(/^[0-9a-f]{32}$/),
        dateCreated: expect.any(String),
      });
      expect(existsSync(path.join(dir, 'pgdata'))).toBe(true);

      const key = await cliJson(env, 'key:create', '--account', account.sid, '--scope', 'read', '--friendly-name', 'ro');
      expect(key).toEqual({
        sid: expect.stringMatching(/^SK[0-9a-f]{32}$/),
        accountSid: account.sid,
        friendlyName: 'ro',
        scope: 'read',
        secret: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/),
      });

      const listed = await cli(env, 'key:list');
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toMatch(
        new RegExp(`^SID\\s+ACCOUNT\\s+SCOPE\\s+CREATED\\s+REVOKED\\s+NAME\\n${key.sid}\\s+${account.sid}\\s+read\\s+\\S+Z\\s+-\\s+ro\\n$`),
      );
      expect(listed.stdout).not.toContain(key.secret);

      const revoke = await cli(env, 'key:revoke', key.sid);
      expect(revoke.code, revoke.stderr).toBe(0);
      expect(revoke.stdout).toBe(`Revoked API key ${key.sid} of account ${account.sid}: it no longer authenticates.\n`);

      const missing = await cli(env, 'key:revoke', `SK${'0'.repeat(32)}`);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toBe(`error: API key SK${'0'.repeat(32)} was not found\n`);
      expect(missing.stdout).toBe('');

      // Each run released the folder again.
      expect(existsSync(socketPath)).toBe(false);
    },
    SLOW,
  );

  it(
    'prints secrets for humans with a note that they are shown once',
    async () => {
      const created = await cli(env, 'account:create');
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout).toMatch(
        /^Created account (AC[0-9a-f]{32}) \(Account created [^)]+\)\n {2}AccountSid {2}\1\n {2}AuthToken {3}[0-9a-f]{32}\n\nThe auth token is shown this once: only its hash is stored\.\n$/,
      );
    },
    SLOW,
  );

  it(
    'refuses bad usage with status 2, before touching any database',
    async () => {
      const empty = tempFolder();
      const none = { DATA_DIR: empty };
      const cases: Array<[string[], RegExp]> = [
        [[], /^error: no command given\n\nusage: npm run cli -- <command>/],
        [['nope'], /^error: unknown command "nope"\n/],
        [['key:create', '--account', 'ACx', '--scope', 'read'], /^error: --account must be an account SID/],
        [
          ['key:create', '--account', `AC${'1'.repeat(32)}`, '--scope', 'admin'],
          /^error: --scope must be read or read-write, got "admin"\nusage: npm run cli -- key:create --account AC… --scope read\|read-write/,
        ],
        [['key:create', '--account', `AC${'1'.repeat(32)}`], /^error: --scope is required/],
        [['key:revoke', '--key'], /^error: --key needs a value/],
        [['key:revoke', `SK${'1'.repeat(32)}`, 'extra'], /^error: unexpected argument "extra"/],
        [['key:list', '--scope', 'read'], /^error: key:list does not take --scope/],
        [['audit:list', '--limit', '0'], /^error: --limit must be an integer from 1 to 1000/],
        [['audit:list', '--since', 'last week'], /^error: --since must be/],
        [['service:create'], /^error: --account is required/],
        [
          ['service:create', '--account', `AC${'1'.repeat(32)}`, '--sid', 'IS42'],
          /^error: --sid must be a service SID \(IS followed by 32 lower-case hex digits\), got "IS42"\n/,
        ],
        [
          ['credential:create', '--account', `AC${'1'.repeat(32)}`, '--type', 'voip'],
          /^error: --type must be apn, gcm or fcm, got "voip"\nusage: npm run cli -- credential:create --account AC… --type apn\|gcm\|fcm/,
        ],
        [
          ['credential:create', '--account', `AC${'1'.repeat(32)}`, '--type', 'apn', '--sandbox', 'yes'],
          /^error: --sandbox must be true or false, got "yes"\n/,
        ],
        [['credential:create', '--account', `AC${'1'.repeat(32)}`, '--type', 'gcm', '--sandbox=true'], /^error: --sandbox true is for apn credentials only/],
        [['credential:create', '--account', `AC${'1'.repeat(32)}`, '--type', 'fcm', '--sid', `IS${'1'.repeat(32)}`], /^error: --sid must be a credential SID/],
        [
          ['credential:create', '--account', `AC${'1'.repeat(32)}`, '--type', 'apn', '--key-file', 'AuthKey.p8'],
          /^error: credential:create does not take --key-file/,
        ],
      ];
      const exits = await Promise.all(cases.map(([args]) => cli(none, ...args)));
      for (const [i, [args, message]] of cases.entries()) {
        const exit = exits[i]!;
        expect(exit.code, args.join(' ')).toBe(2);
        expect(exit.stderr).toMatch(message);
        expect(exit.stdout).toBe('');
      }
      const help = await cli(none, 'help');
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('account:rotate-token --account AC…');
      expect(help.stdout).toContain('key:create --account AC… --scope read|read-write [--friendly-name NAME]');
      expect(help.stdout).toContain('service:create --account AC… [--friendly-name NAME] [--sid IS…]');
      expect(help.stdout).toContain('credential:create --account AC… --type apn|gcm|fcm [--friendly-name NAME] [--sandbox true|false] [--sid CR…]');
      expect(help.stdout).toMatch(/no secrets are taken or stored \(the gateway sends no pushes\)/);

      // A read on a folder without a database says so and creates nothing.
      const exit = await cli(none, 'key:list');
      expect(exit.code).toBe(1);
      expect(exit.stderr).toMatch(/^error: there is no gateway database in .* \(DATA_DIR\)/);
      expect(readdirSync(empty)).toEqual([]);
    },
    SLOW,
  );

  it(
    'waits for a process that holds the folder but does not take commands yet, then goes through it',
    async () => {
      // This test plays the gateway: it holds the folder (as during start-up) and
      // starts answering commands a moment later. It also adds bindings for later tests.
      scenario = await addScenario({ dataDir: dir });
      const db = await openDatabase({ dataDir: dir });
      try {
        const pending = cli(env, 'account:list', '--json');
        await new Promise((resolve) => setTimeout(resolve, 1500));
        db.serveAdmin!(createAdminHandler(db.prisma, silentLogger));
        const exit = await pending;
        expect(exit.code, exit.stderr).toBe(0);
        const { accounts } = JSON.parse(exit.stdout) as { accounts: Array<{ sid: string; activeApiKeys: number }> };
        expect(accounts.map((a) => a.sid)).toContain(scenario.a.sid);
        expect(accounts).toHaveLength(4); // two from the CLI, two from the scenario
      } finally {
        await db.close();
      }
    },
    SLOW,
  );

  it(
    'stops with what to do when the folder is held by a gateway without the admin channel',
    async () => {
      const held = tempFolder();
      const old = net.createServer((conn) => conn.end('4242\n')); // what older versions answer
      await new Promise<void>((resolve) => old.listen(path.join(held, 'gateway.lock.sock'), () => resolve()));
      try {
        const exit = await cli({ DATA_DIR: held }, 'key:list');
        expect(exit.code).toBe(1);
        expect(exit.stderr).toBe(
          `error: the process holding ${held} (DATA_DIR, pid 4242) is a gateway version without the admin channel: ` +
            'restart it with this version, or stop it and run the command again (the CLI then opens the folder itself)\n',
        );
        expect(readdirSync(held)).toEqual(['gateway.lock.sock']);
      } finally {
        await new Promise<void>((resolve) => old.close(() => resolve()));
      }
    },
    SLOW,
  );

  describeWithRunningGateway(
    'embedded',
    () => ({ env, scenario: () => scenario }),
    (gateway) => {
      it(
        'runs commands in the gateway process, which keeps the folder and keeps serving',
        async () => {
          const listed = await cliJson<{ accounts: unknown[] }>(env, 'account:list');
          expect(listed.accounts.length).toBeGreaterThan(0);
          // The gateway ran it (and logged it, without results)...
          const logged = gateway()
            .stderr()
            .split('\n')
            .filter((l) => l.includes('"msg":"admin command"'))
            .map((l) => JSON.parse(l) as Record<string, unknown>);
          expect(logged.map((l) => l.command)).toEqual(
            expect.arrayContaining(['account:create', 'account:rotate-token', 'key:create', 'key:revoke', 'audit:list', 'account:list']),
          );
          expect(logged.every((l) => l.ok === true && !('result' in l))).toBe(true);
          expect(gateway().stderr()).not.toMatch(/"authToken"|"secret"/);
          // ...and still holds the folder and serves.
          expect(existsSync(socketPath)).toBe(true);
          expect((await whoAmI(gateway(), scenario.a.authorization)).status).toBe(200);
        },
        SLOW,
      );
    },
  );

  it(
    'after the gateway stopped, opens the folder itself again',
    async () => {
      expect(existsSync(socketPath)).toBe(false);
      const { deletions } = await cliJson<{ deletions: unknown[] }>(env, 'audit:list');
      expect(deletions).toHaveLength(1);
    },
    SLOW,
  );
});

describe.runIf(TEST_DATABASE_URL)('PostgreSQL (DATABASE_URL)', () => {
  const name = `gw_cli_${randomBytes(6).toString('hex')}`;
  let env: Env;
  let scenario: Scenario;
  let url: string;

  async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    await admin((c) => c.query(`CREATE DATABASE ${quoteIdent(name)}`));
    const u = new URL(TEST_DATABASE_URL!);
    u.pathname = `/${name}`;
    url = u.toString();
    env = { DATABASE_URL: url, DATA_DIR: path.join(tempFolder(), 'unused') };
  }, SLOW);
  afterAll(async () => {
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
  }, SLOW);

  it(
    'opens the database directly (migrating an empty one): account and API key life cycle',
    async () => {
      const account = await cliJson(env, 'account:create', '--friendly-name', 'PG ops');
      expect(account).toMatchObject({ sid: expect.stringMatching(/^AC/), friendlyName: 'PG ops' });
      const key = await cliJson(env, 'key:create', '--account', account.sid, '--scope', 'read-write');
      const revoked = await cliJson(env, 'key:revoke', key.sid);
      expect(revoked).toMatchObject({ sid: key.sid, scope: 'read-write', alreadyRevoked: false });
      const again = await cli(env, 'key:revoke', key.sid);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(new RegExp(`^API key ${key.sid} of account ${account.sid} was already revoked \\(at \\S+Z\\)\\.\\n$`));
      const { apiKeys } = await cliJson(env, 'key:list');
      expect(apiKeys).toEqual([expect.objectContaining({ sid: key.sid, revokedAt: revoked.revokedAt })]);
      // Postgres mode never touches DATA_DIR.
      expect(existsSync(env.DATA_DIR!)).toBe(false);

      scenario = await addScenario({ databaseUrl: url });
    },
    SLOW,
  );

  describeWithRunningGateway('postgres', () => ({ env, scenario: () => scenario }));
});

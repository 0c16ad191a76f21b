/**
 * `import:file` (the real CLI, as a child process) with export files built
 * from a source gateway's data: JSON arrays as the Twilio CLI prints them
 * (camelCase, from the official client's instances), this API's REST list
 * bodies (fetched from the source), NDJSON, and standard input. A file with
 * one bad record, a duplicate SID or a SID of another account changes nothing
 * and names the file and line; --dry-run writes nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BINDING_TYPES } from '../../src/domain/bindings.js';
import { backend } from '../helpers/db.js';
import {
  expectSameRows,
  type GeneratedAccount,
  generateAccount,
  jsonLines,
  killChildren,
  openTarget,
  runCli,
  type Source,
  snapshot,
  startSource,
  type Target,
  tableCounts,
} from '../helpers/import.js';
import { restCall } from '../helpers/rest.js';
import { twilioClient } from '../helpers/server.js';

const SHAPE = { services: 3, usersPerService: 20, bindingsPerService: 90 };
const SLOW = 120_000;

let source: Source;
let target: Target;
/** The account the files carry. */
let f: GeneratedAccount;
/** A second account, read from standard input. */
let piped: GeneratedAccount;
let client: twilio.Twilio;
let dir: string;

beforeAll(async () => {
  [source, target] = await Promise.all([startSource('import-file-source'), openTarget()]);
  f = await generateAccount(source.db, 'import-file', SHAPE);
  piped = await generateAccount(source.db, 'import-file-stdin', { services: 1, usersPerService: 5, bindingsPerService: 12 });
  client = twilioClient(source.baseUrl, f.sid, f.authToken);
  dir = mkdtempSync(path.join(os.tmpdir(), 'gwf-'));
}, SLOW);

afterAll(async () => {
  killChildren();
  await Promise.all([source?.close(), target?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
}, SLOW);

/** Writes a file into the test's folder; returns its path. */
function file(name: string, content: string): string {
  const at = path.join(dir, name);
  writeFileSync(at, content);
  return at;
}

/** What `twilio api:chat:v2:… -o json` prints: the instances' properties, camelCase, dates as ISO strings, pretty-printed. */
const twilioCliJson = (instances: Array<{ toJSON(): object }>) =>
  `${JSON.stringify(
    instances.map((i) => i.toJSON()),
    null,
    2,
  )}\n`;

/** A REST list body of the source, as it came over the wire. */
async function restBody(account: GeneratedAccount, list: string): Promise<string> {
  const answer = await restCall(source.baseUrl, `${list}?PageSize=1000`, { auth: account.authorization });
  expect(answer.status, answer.text).toBe(200);
  return answer.text;
}

/** The items of a REST list, as wire objects (snake_case). */
async function restItems(account: GeneratedAccount, list: string): Promise<Array<Record<string, any>>> {
  const body = JSON.parse(await restBody(account, list));
  return body[body.meta.key];
}

const ndjson = (items: object[]) => `${items.map((i) => JSON.stringify(i)).join('\n')}\n`;
const counts = (inserted: number, updated = 0, unchanged = 0) => ({ inserted, updated, unchanged });
const none = counts(0);

describe(`import:file (${backend})`, () => {
  it(
    'imports Twilio CLI JSON arrays, REST list bodies and NDJSON, told apart by their content: every row equal to the source',
    async () => {
      const [s0, s1, s2] = f.services as [string, string, string];
      const files = [
        file('credentials.json', twilioCliJson(await client.chat.v2.credentials.list())),
        file('services.json', twilioCliJson(await client.chat.v2.services.list())),
        file('users-0.json', twilioCliJson(await client.chat.v2.services(s0).users.list({ pageSize: 1000 }))),
        file('bindings-0.json', twilioCliJson(await client.chat.v2.services(s0).bindings.list({ pageSize: 1000 }))),
        file('users-1.rest.json', await restBody(f, `/v2/Services/${s1}/Users`)),
        file('bindings-1.rest.json', await restBody(f, `/v2/Services/${s1}/Bindings`)),
        file('service-2.txt', ndjson([...(await restItems(f, `/v2/Services/${s2}/Users`)), ...(await restItems(f, `/v2/Services/${s2}/Bindings`))])),
      ];
      const exit = await runCli(target.env, ['import:file', ...files, '--json']);
      expect(exit.code, exit.stderr).toBe(0);
      const results = jsonLines(exit.stdout);
      const { usersPerService: users, bindingsPerService: bindings } = SHAPE;
      expect(results).toEqual([
        {
          file: files[0],
          format: 'json-array',
          dryRun: false,
          accountsCreated: [{ sid: f.sid, authToken: expect.stringMatching(/^[0-9a-f]{32}$/) }],
          servicesCreated: [],
          credentials: counts(4),
          services: none,
          users: none,
          bindings: none,
        },
        expect.objectContaining({ file: files[1], format: 'json-array', accountsCreated: [], services: counts(SHAPE.services) }),
        expect.objectContaining({ file: files[2], format: 'json-array', servicesCreated: [], users: counts(users) }),
        expect.objectContaining({ file: files[3], format: 'json-array', users: none, bindings: counts(bindings) }),
        expect.objectContaining({ file: files[4], format: 'rest-body', users: counts(users) }),
        expect.objectContaining({ file: files[5], format: 'rest-body', bindings: counts(bindings) }),
        expect.objectContaining({ file: files[6], format: 'ndjson', users: counts(users), bindings: counts(bindings) }),
      ]);
      // Dates: whole seconds on the wire (src/rest/serialize.ts), so the source is compared cut to the second.
      expectSameRows(await snapshot(target.db.prisma, f.sid), await snapshot(source.db.prisma, f.sid, { wire: true }));
    },
    SLOW,
  );

  it(
    'reads standard input (-): NDJSON of list bodies, one per line',
    async () => {
      const [service] = piped.services as [string];
      const lists = ['/v2/Credentials', '/v2/Services', `/v2/Services/${service}/Users`, `/v2/Services/${service}/Bindings`];
      const stdin = `${(await Promise.all(lists.map(async (l) => JSON.stringify(JSON.parse(await restBody(piped, l)))))).join('\n')}\n`;
      const exit = await runCli(target.env, ['import:file', '-', '--json'], { stdin });
      expect(exit.code, exit.stderr).toBe(0);
      expect(jsonLines(exit.stdout)).toEqual([
        expect.objectContaining({
          file: '(stdin)',
          format: 'ndjson',
          accountsCreated: [expect.objectContaining({ sid: piped.sid })],
          credentials: counts(4),
          services: counts(1),
          users: counts(5),
          bindings: counts(12),
        }),
      ]);
      expectSameRows(await snapshot(target.db.prisma, piped.sid), await snapshot(source.db.prisma, piped.sid, { wire: true }));
    },
    SLOW,
  );

  it(
    'refuses a file with a bad record, a duplicate SID, a repeated device or a SID of another service: nothing changes, and the error names the file and line',
    async () => {
      const [s0, s1] = f.services as [string, string];
      const users = await restItems(f, `/v2/Services/${s0}/Users`);
      const bindings = await restItems(f, `/v2/Services/${s0}/Bindings`);
      // New records: written if a file were half-applied.
      const fresh = (n: number) => `${n.toString(16).padStart(32, 'e')}`;
      const credential = {
        sid: `CR${fresh(1)}`,
        account_sid: f.sid,
        friendly_name: 'new',
        type: 'fcm',
        sandbox: 'False',
        date_created: '2024-01-02T03:04:05Z',
        date_updated: '2024-01-02T03:04:05Z',
      };
      const device = (n: number, over: Record<string, unknown> = {}) => ({ ...bindings[0], sid: `BS${fresh(n)}`, endpoint: `new-device-${n}`, ...over });
      const good = [credential, users[0]!, users[1]!, device(2), device(3), device(4)];

      const badType = file('bad-type.ndjson', ndjson([...good, device(7, { binding_type: 'voip' }), device(8), device(9), device(10)]));
      const goodFirst = file('good-first.ndjson', ndjson([device(11), device(12)]));
      // A Twilio CLI array: the bad record's line is the line its object starts on.
      const listed = await client.chat.v2.services(s0).bindings.list({ limit: 5 });
      const cliBad = listed.map((b, i) => ({
        ...b.toJSON(),
        sid: `BS${fresh(20 + i)}`,
        endpoint: `cli-${i}`,
        ...(i === 2 ? { dateUpdated: 'yesterday' } : {}),
      }));
      const cliText = JSON.stringify(cliBad, null, 2);
      const cliLine = cliText.split('\n').findIndex((l, i, all) => l === '  {' && all.slice(0, i).filter((x) => x === '  {').length === 2) + 1;
      const badDate = file('bad-date.json', cliText);
      const twice = file('twice.ndjson', ndjson([credential, device(30), device(31), device(32), device(30)]));
      const sameDevice = file('same-device.ndjson', ndjson([device(40), credential, device(41, { endpoint: 'new-device-40' })]));
      // Valid records, but the binding SID on line 2 is one of service s0's, listed here under service s1.
      const elsewhere = file('elsewhere.ndjson', ndjson([credential, { ...bindings[5], service_sid: s1 }, device(50, { service_sid: s1 })]));

      const countsBefore = await tableCounts(target.db.prisma);
      const rowsBefore = await snapshot(target.db.prisma, f.sid);
      const [typeExit, dateExit, twiceExit, deviceExit, elsewhereExit] = await Promise.all([
        runCli(target.env, ['import:file', goodFirst, badType]),
        runCli(target.env, ['import:file', badDate, '--json']),
        runCli(target.env, ['import:file', twice]),
        runCli(target.env, ['import:file', sameDevice]),
        runCli(target.env, ['import:file', elsewhere]),
      ]);
      const refused = (exit: typeof typeExit, message: string) => {
        expect(exit.code, exit.stderr).toBe(1);
        expect(exit.stderr).toBe(`error: ${message}\n`);
        expect(exit.stdout).toBe('');
      };
      refused(typeExit, `${badType}:7: binding BS${fresh(7)}: binding_type: must be one of ${BINDING_TYPES.join(', ')}, got "voip". Nothing was imported.`);
      expect(cliLine).toBeGreaterThan(7);
      refused(dateExit, `${badDate}:${cliLine}: binding BS${fresh(22)}: dateUpdated: must be an ISO 8601 date-time, got "yesterday". Nothing was imported.`);
      refused(twiceExit, `${twice}:5: BS${fresh(30)} appears twice (also at line 2). Nothing was imported.`);
      expect(deviceExit.code).toBe(1);
      expect(deviceExit.stderr).toMatch(
        new RegExp(`^error: ${sameDevice}:3: binding BS${fresh(41)} is the same device .* as another binding at line 1\\. Nothing was imported\\.\\n$`),
      );
      refused(
        elsewhereExit,
        `${elsewhere}:2: ${bindings[5]!.sid} already belongs to another account or service here, so it cannot be imported into ${f.sid}. Nothing of ${elsewhere} was imported.`,
      );

      // Nothing at all was written: not the new credential of line 1, not the good file given first.
      expect(await tableCounts(target.db.prisma)).toEqual(countsBefore);
      expectSameRows(await snapshot(target.db.prisma, f.sid), rowsBefore);
    },
    SLOW,
  );

  it(
    '--dry-run reports what the import would do and writes nothing; the import then does exactly that',
    async () => {
      const [, , s2] = f.services as [string, string, string];
      const bindings = await restItems(f, `/v2/Services/${s2}/Bindings`);
      const changed = new Set([bindings[0]!.sid, bindings[40]!.sid, bindings[89]!.sid]);
      const later = '2030-01-02T03:04:05Z';
      const records = [
        ...bindings.map((b) => (changed.has(b.sid) ? { ...b, message_types: ['removed_from_channel'], date_updated: later } : b)),
        { ...bindings[1], sid: `BS${'d'.repeat(32)}`, endpoint: 'dry-run-device-1' },
        { ...bindings[2], sid: `BS${'d'.repeat(31)}e`, endpoint: 'dry-run-device-2' },
      ];
      const update = file('update.ndjson', ndjson(records));

      const countsBefore = await tableCounts(target.db.prisma);
      const rowsBefore = await snapshot(target.db.prisma, f.sid);
      const dry = await runCli(target.env, ['import:file', '--dry-run', update]);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toBe(
        [
          `Dry run (nothing written) ${update} (ndjson)`,
          '  credentials  inserted 0, updated 0, unchanged 0',
          '  services     inserted 0, updated 0, unchanged 0',
          '  users        inserted 0, updated 0, unchanged 0',
          `  bindings     inserted 2, updated 3, unchanged ${SHAPE.bindingsPerService - 3}`,
          '',
        ].join('\n'),
      );
      expect(await tableCounts(target.db.prisma)).toEqual(countsBefore);
      expectSameRows(await snapshot(target.db.prisma, f.sid), rowsBefore);

      const real = await runCli(target.env, ['import:file', update, '--json']);
      expect(real.code, real.stderr).toBe(0);
      expect(jsonLines(real.stdout)).toEqual([
        expect.objectContaining({ dryRun: false, bindings: counts(2, 3, SHAPE.bindingsPerService - 3), users: none, accountsCreated: [] }),
      ]);
      const rows = await target.db.prisma.binding.findMany({ where: { sid: { in: [...changed] } } });
      expect(rows.map((r) => [r.messageTypes, r.dateUpdated.toISOString()])).toEqual(Array(3).fill([['removed_from_channel'], '2030-01-02T03:04:05.000Z']));
      expect(await target.db.prisma.binding.count({ where: { serviceSid: s2 } })).toBe(SHAPE.bindingsPerService + 2);
    },
    SLOW,
  );
});

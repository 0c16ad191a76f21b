import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT_SIDS, DEMO_BIG_SERVICE_SID, DEMO_SERVICE_SIDS } from '../src/db/demo/catalogue.js';
import { DEMO_REFERENCE_DATE } from '../src/db/demo/random.js';
import { type SeedSummary, seedDemoData } from '../src/db/demo/seed.js';
import { isSid } from '../src/domain/sids.js';
import { verifySecret } from '../src/security/secrets.js';
import { openTestDatabase, type TestDatabase } from './helpers/db.js';

async function rowCounts(db: TestDatabase) {
  const p = db.prisma;
  return {
    accounts: await p.account.count(),
    credentials: await p.credential.count(),
    services: await p.service.count(),
    users: await p.user.count(),
    bindings: await p.binding.count(),
  };
}

/** A digest of every binding row of a service, in SID order. */
async function bindingsDigest(db: TestDatabase, serviceSid: string): Promise<string> {
  const rows = await db.prisma.binding.findMany({ where: { serviceSid }, orderBy: { sid: 'asc' } });
  const hash = createHash('sha256');
  for (const r of rows) {
    hash.update(
      JSON.stringify([
        r.sid,
        r.accountSid,
        r.userSid,
        r.identity,
        r.endpoint,
        r.bindingType,
        r.credentialSid,
        r.messageTypes,
        r.dateCreated.toISOString(),
        r.dateUpdated.toISOString(),
      ]),
    );
  }
  return hash.digest('hex');
}

const withoutTokens = (s: SeedSummary) => s.accounts.map((a) => ({ ...a, authToken: null, apiKeys: [] }));

describe('seedDemoData', () => {
  let db: TestDatabase;
  let first: SeedSummary;

  beforeAll(async () => {
    db = await openTestDatabase();
    first = await seedDemoData(db.prisma);
  });

  afterAll(async () => {
    await db?.close();
  });

  it('creates two accounts with the fixed SIDs, first account first', () => {
    expect(first.created).toBe(true);
    expect(first.accounts.length).toBeGreaterThanOrEqual(2);
    expect(first.accounts.map((a) => a.sid)).toEqual([...DEMO_ACCOUNT_SIDS]);
    for (const a of first.accounts) expect(isSid(a.sid, 'AC')).toBe(true);
  });

  it('gives the first account at least three services, one of them big', async () => {
    const [acme, globex] = first.accounts;
    expect(acme!.services.length).toBeGreaterThanOrEqual(3);
    const big = acme!.services.find((s) => s.sid === DEMO_BIG_SERVICE_SID);
    expect(big?.bindings).toBeGreaterThanOrEqual(5_000);
    expect(acme!.services[0]!.sid).toBe(DEMO_BIG_SERVICE_SID);
    expect(globex!.services.some((s) => s.bindings > 0)).toBe(true);

    // The summary's counts are the database's.
    for (const s of [...acme!.services, ...globex!.services]) {
      expect(await db.prisma.binding.count({ where: { serviceSid: s.sid } })).toBe(s.bindings);
    }
  });

  it('spreads the big service over many users, all three types and several message-type sets', async () => {
    const [stats] = await db.prisma.$queryRaw<Array<{ users: number; combos: number }>>`
      SELECT count(DISTINCT user_sid)::int AS users, count(DISTINCT message_types)::int AS combos
      FROM bindings WHERE service_sid = ${DEMO_BIG_SERVICE_SID}`;
    expect(stats!.users).toBeGreaterThanOrEqual(500);
    expect(stats!.combos).toBeGreaterThanOrEqual(3);

    const types = await db.prisma.binding.groupBy({
      by: ['bindingType'],
      where: { serviceSid: DEMO_BIG_SERVICE_SID },
      _count: { _all: true },
    });
    expect(types.map((t) => t.bindingType).sort()).toEqual(['apn', 'fcm', 'gcm']);
  });

  it('writes consistent rows: endpoints by type, dates in order and before the reference date', async () => {
    const sample = await db.prisma.binding.findMany({ where: { serviceSid: DEMO_BIG_SERVICE_SID }, take: 500, orderBy: { sid: 'asc' } });
    for (const b of sample) {
      expect(isSid(b.sid, 'BS')).toBe(true);
      if (b.bindingType === 'apn') expect(b.endpoint).toMatch(/^[0-9a-f]{64}$/);
      else expect(b.endpoint).toMatch(/^([\w-]{22}:)?APA91b[\w-]{100,}$/);
    }
    const [bad] = await db.prisma.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM bindings b JOIN users u ON u.sid = b.user_sid
      WHERE b.date_updated < b.date_created OR b.date_created < u.date_created OR b.date_updated > ${DEMO_REFERENCE_DATE}
         OR u.service_sid <> b.service_sid OR u.identity <> b.identity`;
    expect(bad!.n).toBe(0);
    const sandbox = await db.prisma.credential.count({ where: { sandbox: true } });
    expect(sandbox).toBeGreaterThan(0);
  });

  it('creates one API key for the first account, whose secret verifies against its stored hash only', async () => {
    const [acme, globex] = first.accounts;
    expect(acme!.apiKeys).toHaveLength(1);
    expect(globex!.apiKeys).toEqual([]);
    const key = acme!.apiKeys[0]!;
    expect(isSid(key.sid, 'SK')).toBe(true);
    const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { sid: key.sid } });
    expect(row.accountSid).toBe(acme!.sid);
    expect(row.secretHash).not.toContain(key.secret);
    expect(verifySecret(key.secret, row.secretHash)).toBe(true);
    expect(verifySecret(`${key.secret}x`, row.secretHash)).toBe(false);
  });

  it('returns auth tokens that verify against the stored hashes, which are not the tokens', async () => {
    for (const a of first.accounts) {
      expect(a.authToken).toMatch(/^[0-9a-f]{32}$/);
      const row = await db.prisma.account.findUniqueOrThrow({ where: { sid: a.sid } });
      expect(row.authTokenHash).not.toContain(a.authToken!);
      expect(verifySecret(a.authToken!, row.authTokenHash)).toBe(true);
      expect(verifySecret('0'.repeat(32), row.authTokenHash)).toBe(false);
    }
    expect(first.accounts[0]!.authToken).not.toBe(first.accounts[1]!.authToken);
  });

  it('does nothing the second time', async () => {
    const before = await rowCounts(db);
    const again = await seedDemoData(db.prisma);
    expect(again.created).toBe(false);
    expect(again.accounts.every((a) => a.authToken === null)).toBe(true);
    expect(again.accounts).toEqual(withoutTokens(first));
    expect(await rowCounts(db)).toEqual(before);
  });

  describe('in another fresh database', () => {
    let other: TestDatabase;

    beforeAll(async () => {
      other = await openTestDatabase();
    });

    afterAll(async () => {
      await other?.close();
    });

    it('leaves nothing behind when it fails half-way', async () => {
      // Fail on the very last service's bindings, after everything else was inserted.
      const lastService = DEMO_SERVICE_SIDS.at(-1)!.at(-1)!;
      await other.withSession((s) =>
        s.exec(`
          CREATE FUNCTION seed_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'injected failure'; END $$;
          CREATE TRIGGER seed_test_fail BEFORE INSERT ON bindings FOR EACH ROW
            WHEN (NEW.service_sid = '${lastService}') EXECUTE FUNCTION seed_test_fail();`),
      );
      await expect(seedDemoData(other.prisma)).rejects.toThrow(/injected failure/);
      expect(await rowCounts(other)).toEqual({ accounts: 0, credentials: 0, services: 0, users: 0, bindings: 0 });
      await other.withSession((s) => s.exec('DROP TRIGGER seed_test_fail ON bindings; DROP FUNCTION seed_test_fail()'));
    });

    it('produces the same rows', async () => {
      const second = await seedDemoData(other.prisma);
      expect(second.created).toBe(true);
      expect(withoutTokens(second)).toEqual(withoutTokens(first));

      const firstHundred = async (d: TestDatabase) =>
        (
          await d.prisma.binding.findMany({
            where: { serviceSid: DEMO_BIG_SERVICE_SID },
            orderBy: { sid: 'asc' },
            take: 100,
            select: { sid: true },
          })
        ).map((b) => b.sid);
      expect(await firstHundred(other)).toEqual(await firstHundred(db));
      expect(await bindingsDigest(other, DEMO_BIG_SERVICE_SID)).toBe(await bindingsDigest(db, DEMO_BIG_SERVICE_SID));
      expect(await rowCounts(other)).toEqual(await rowCounts(db));

      // Only the tokens differ.
      expect(second.accounts[0]!.authToken).not.toBe(first.accounts[0]!.authToken);
    });
  });
});

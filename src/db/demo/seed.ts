import { type CreatedApiKey, createAccount, createApiKey } from '../../domain/accounts.js';
import type { PrismaClient } from '../../generated/prisma/client.js';
import { type Logger, silentLogger } from '../../platform/logger.js';
import { DEMO_ACCOUNT_SIDS, DEMO_API_KEY_SID, DEMO_SERVICE_SIDS } from './catalogue.js';
import { generateDemoData } from './generate.js';

/**
 * Deterministic demo data: two accounts, their push credentials, four services
 * (one with 5,872 bindings over 2,750 users, one empty) and a small one in the second
 * account. Every SID, identity, endpoint and date is derived from a fixed label (random.ts),
 * so every database seeded by this version holds the same rows; only the auth
 * tokens are random, because they can only be shown when they are created.
 */

const BATCH_SIZE = 1_000;

export interface SeedSummary {
  /** False when the demo data was already there: nothing was written. */
  created: boolean;
  accounts: Array<{
    sid: string;
    friendlyName: string;
    /** Only when created by this call; otherwise null (only its hash is stored). */
    authToken: string | null;
    /** API keys created by this call, with their secrets (empty otherwise). */
    apiKeys: CreatedApiKey[];
    services: Array<{ sid: string; friendlyName: string; bindings: number }>;
  }>;
}

export interface SeedOptions {
  /** Progress messages (stderr in the CLI). */
  logger?: Logger;
}

// Writing.

/**
 * Seeds the demo data in one transaction, or does nothing when the first demo
 * account already exists. Never use the outer client inside the transaction:
 * PGlite has a single session.
 */
export async function seedDemoData(prisma: PrismaClient, options: SeedOptions = {}): Promise<SeedSummary> {
  const log = options.logger ?? silentLogger;
  const firstSid = DEMO_ACCOUNT_SIDS[0]!;
  if (await prisma.account.findUnique({ where: { sid: firstSid }, select: { sid: true } })) {
    log.info('demo data already present; nothing to do', { accountSid: firstSid });
    return summarize(prisma, null);
  }

  const started = Date.now();
  const data = generateDemoData();
  log.debug('demo data generated', { ms: Date.now() - started, users: data.users.length, bindings: data.bindings.length });

  let tokens: Secrets | null;
  try {
    tokens = await prisma.$transaction(
      async (tx) => {
        // Checked again inside the transaction: another process may have seeded meanwhile.
        if (await tx.account.findUnique({ where: { sid: firstSid }, select: { sid: true } })) return null;
        const created: Secrets = new Map();
        for (const account of data.accounts) {
          const { sid, authToken } = await createAccount(tx, account);
          created.set(sid, { authToken, apiKeys: [] });
        }
        // One API key for the first account, to show `SK…:secret` authentication.
        const apiKey = await createApiKey(tx, { accountSid: firstSid, sid: DEMO_API_KEY_SID, friendlyName: 'Demo key' });
        created.get(firstSid)?.apiKeys.push(apiKey);
        await tx.credential.createMany({ data: data.credentials });
        await tx.service.createMany({ data: data.services });
        await insertInBatches('users', data.users, (rows) => tx.user.createMany({ data: rows }), log);
        await insertInBatches('bindings', data.bindings, (rows) => tx.binding.createMany({ data: rows }), log);
        return created;
      },
      { timeout: 120_000, maxWait: 30_000 },
    );
  } catch (err) {
    // A concurrent seed that committed first makes ours fail on the account's key.
    if (await prisma.account.findUnique({ where: { sid: firstSid }, select: { sid: true } })) {
      log.info('demo data was seeded concurrently by another process; nothing to do');
      tokens = null;
    } else {
      throw err;
    }
  }
  if (tokens) {
    log.info('demo data seeded', {
      ms: Date.now() - started,
      accounts: data.accounts.length,
      services: data.services.length,
      users: data.users.length,
      bindings: data.bindings.length,
    });
  }
  return summarize(prisma, tokens);
}

async function insertInBatches<T>(what: string, rows: T[], insert: (batch: T[]) => Promise<unknown>, log: Logger): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH_SIZE) {
    await insert(rows.slice(i, i + BATCH_SIZE));
    log.debug(`inserted ${what}`, { done: Math.min(i + BATCH_SIZE, rows.length), of: rows.length });
  }
}

/** The demo accounts as they are now in the database, with binding counts per service. */
/** Secrets per account sid, known only in the run that created them. */
type Secrets = Map<string, { authToken: string; apiKeys: CreatedApiKey[] }>;

async function summarize(prisma: PrismaClient, tokens: Secrets | null): Promise<SeedSummary> {
  const accounts = await prisma.account.findMany({
    where: { sid: { in: [...DEMO_ACCOUNT_SIDS] } },
    select: {
      sid: true,
      friendlyName: true,
      services: { select: { sid: true, friendlyName: true }, orderBy: [{ dateCreated: 'asc' }, { sid: 'asc' }] },
    },
  });
  const serviceSids = accounts.flatMap((a) => a.services.map((s) => s.sid));
  const counts = await prisma.binding.groupBy({
    by: ['serviceSid'],
    where: { serviceSid: { in: serviceSids } },
    _count: { _all: true },
  });
  const countBySid = new Map(counts.map((c) => [c.serviceSid, c._count._all]));
  // Demo services in their declared order; any added since, after them.
  const knownOrder = new Map(DEMO_SERVICE_SIDS.flat().map((sid, i) => [sid, i]));
  const rank = (sid: string) => knownOrder.get(sid) ?? Number.MAX_SAFE_INTEGER;

  return {
    created: tokens !== null,
    accounts: accounts
      .sort((x, y) => DEMO_ACCOUNT_SIDS.indexOf(x.sid) - DEMO_ACCOUNT_SIDS.indexOf(y.sid))
      .map((a) => ({
        sid: a.sid,
        friendlyName: a.friendlyName,
        authToken: tokens?.get(a.sid)?.authToken ?? null,
        apiKeys: tokens?.get(a.sid)?.apiKeys ?? [],
        services: [...a.services]
          .sort((x, y) => rank(x.sid) - rank(y.sid))
          .map((s) => ({ sid: s.sid, friendlyName: s.friendlyName, bindings: countBySid.get(s.sid) ?? 0 })),
      })),
  };
}

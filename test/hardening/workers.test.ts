/**
 * WORKERS=N on Postgres: N gateway processes share one port, and a change to
 * a credential reaches every one of them at once (each worker's credential
 * cache listens for changes). A throw-away database per run.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { createAccount, createApiKey, revokeApiKey } from '../../src/domain/accounts.js';
import { TEST_DATABASE_URL } from '../helpers/db.js';
import { type GatewayProcess, killGateways, startGateway } from '../helpers/gateway-process.js';

const database = `gw_workers_${randomBytes(4).toString('hex')}`;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe.skipIf(!TEST_DATABASE_URL)('WORKERS=2', () => {
  let gateway: GatewayProcess;
  let url: string;

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${database}`);
    const target = new URL(TEST_DATABASE_URL!);
    target.pathname = `/${database}`;
    url = target.toString();
    gateway = await startGateway({ DATABASE_URL: url, WORKERS: '2' });
    // The banner comes from the first worker ready; until the other is, it answers 503 "starting".
    const deadline = Date.now() + 60_000;
    const readyWorkers = () => gateway.stderr().match(/"msg":"ready"/g)?.length ?? 0;
    while (readyWorkers() < 2) {
      if (Date.now() > deadline) throw new Error(`both workers were not ready within 60 s:\n${gateway.stderr().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 120_000);

  afterAll(async () => {
    killGateways();
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });

  /** One request on a connection of its own (so the cluster hands it to either worker). */
  async function accountSid(authorization: string): Promise<number> {
    const response = await fetch(`${gateway.baseUrl}/graphql`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify({ query: '{ account { sid } }' }),
    });
    await response.arrayBuffer();
    return response.status;
  }

  it('serves from both workers, and a revoked key fails on both at once', async () => {
    const db = await openDatabase({ databaseUrl: url });
    try {
      const account = await createAccount(db.prisma, { friendlyName: 'workers' });
      const key = await createApiKey(db.prisma, { accountSid: account.sid });
      const authorization = `Basic ${Buffer.from(`${key.sid}:${key.secret}`).toString('base64')}`;
      const logLines = () =>
        gateway
          .stderr()
          .split('\n')
          .filter((l) => l.includes('"msg":"request"'));

      const seenBefore = logLines().length;
      const before = await Promise.all(Array.from({ length: 12 }, () => accountSid(authorization)));
      expect(before).toEqual(Array(12).fill(200));
      // Both workers answered, so both have the key in their credential cache now.
      const workers = new Set(
        logLines()
          .slice(seenBefore)
          .map((l) => JSON.parse(l).worker),
      );
      expect(workers).toEqual(new Set([1, 2]));

      await revokeApiKey(db.prisma, key.sid);
      // The notification is asynchronous; every answer after a short moment is a refusal.
      await new Promise((r) => setTimeout(r, 500));
      const after = await Promise.all(Array.from({ length: 12 }, () => accountSid(authorization)));
      expect(after).toEqual(Array(12).fill(401));
    } finally {
      await db.close();
    }
  }, 60_000);

  it('SIGTERM stops every worker gracefully, exit 0', async () => {
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
    const stopped = gateway
      .stderr()
      .split('\n')
      .filter((l) => l.includes('"msg":"stopped"'));
    expect(
      stopped
        .map((l) => JSON.parse(l))
        .map(({ worker, drained }) => ({ worker, drained }))
        .sort((a, b) => a.worker - b.worker),
    ).toEqual([
      { worker: 1, drained: true },
      { worker: 2, drained: true },
    ]);
  }, 60_000);
});

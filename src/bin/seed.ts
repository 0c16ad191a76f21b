import { type SeedSummary, seedDemoData } from '../db/demo/seed.js';
import { openConfiguredDatabase } from '../db/open-configured.js';
import { loadConfig } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { runCli } from '../platform/run-cli.js';

// `npm run seed [-- --json]`: migrates the configured database and loads the
// deterministic demo data once. Results go to stdout; logs go to stderr.
runCli(async () => {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--json');
  if (unknown.length > 0) {
    process.stderr.write(`usage: npm run seed [-- --json]\nunknown argument: ${unknown[0]}\n`);
    return 2;
  }
  const json = args.includes('--json');

  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const db = await openConfiguredDatabase(config);
  let summary: SeedSummary;
  try {
    const applied = await db.migrate();
    if (applied.length > 0) log.info('migrations applied', { applied });
    summary = await seedDemoData(db.prisma, { logger: log });
  } finally {
    await db.close();
  }

  process.stdout.write(json ? `${JSON.stringify(toJson(summary))}\n` : humanSummary(summary));
});

function toJson(summary: SeedSummary) {
  return {
    accounts: summary.accounts.map((a) => ({
      sid: a.sid,
      friendlyName: a.friendlyName,
      authToken: a.authToken,
      ...(a.sid === summary.accounts[0]?.sid ? { apiKeys: a.apiKeys } : {}),
      services: a.services.map((s) => ({ sid: s.sid, friendlyName: s.friendlyName, bindings: s.bindings })),
    })),
  };
}

function humanSummary(summary: SeedSummary): string {
  const lines: string[] = [];
  lines.push(
    summary.created
      ? 'Demo data created. Auth tokens are shown this once: only their hashes are stored.'
      : 'Demo data already present; nothing created. Auth tokens were shown when it was first seeded and cannot be shown again.',
    '',
  );
  for (const account of summary.accounts) {
    lines.push(`${account.friendlyName}`);
    lines.push(`  account sid  ${account.sid}`);
    if (account.authToken) lines.push(`  auth token   ${account.authToken}`);
    for (const key of account.apiKeys) lines.push(`  API key      ${key.sid}  secret ${key.secret}`);
    for (const service of account.services) {
      const count = `${service.bindings.toLocaleString('en-US')} bindings`.padStart(14);
      lines.push(`  service      ${service.sid}  ${count}  ${service.friendlyName}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

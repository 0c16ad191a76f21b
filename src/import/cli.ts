import { readFile } from 'node:fs/promises';
import { lockSocketPath } from '../db/data-dir-lock.js';
import { openConfiguredDatabase } from '../db/open-configured.js';
import { isSid } from '../domain/sids.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { askChannel } from '../platform/admin-protocol.js';
import { type Config, loadConfig } from '../platform/config.js';
import { OperatorError } from '../platform/operator-error.js';
import { ChannelStoreError, callChannel, createChannelStore } from './channel-store.js';
import { FileError, type ParsedFile, parseImportFile } from './file.js';
import { type FileImportRequest, type FileImportResult, importFileRecords } from './file-store.js';
import { formatSummary, jsonProgress, type Progress, ttyProgress } from './progress.js';
import { runImport } from './run.js';
import { SourceError, TWILIO_CHAT_URL, TwilioSource } from './source.js';
import { createDirectStore, ImportDataError } from './store.js';
import type { ImportStore } from './store-protocol.js';

/**
 * `npm run cli -- import:twilio …` and `import:file …`: flags, credentials from
 * the environment, where the writes go (the database itself, or the running
 * gateway that holds the embedded data folder), progress and summary.
 */

export const IMPORT_TWILIO_USAGE = `usage: npm run cli -- import:twilio [--from URL] [--service IS…]… [--prune] [--dry-run] [--keep-token] [--concurrency N] [--json]

Imports the credentials, services, users and bindings of a Twilio account (SIDs and dates kept)
with the official twilio client. Credentials: TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN, or
TWILIO_ACCOUNT_SID with TWILIO_API_KEY and TWILIO_API_SECRET.

  --from URL         read from this base URL instead of ${TWILIO_CHAT_URL} (any wire-compatible server)
  --service IS…      only this service (repeat for several); default: every service of the account
  --prune            delete local bindings of the imported services that the source no longer has (audited)
  --dry-run          report what would change; write nothing
  --keep-token       a new local account gets TWILIO_AUTH_TOKEN as its auth token (only its hash is stored)
  --concurrency N    services imported at once, 1 to 16 (default 2)
  --json             one JSON line per page, then the summary as one JSON line

Re-running is safe: unchanged rows are left alone, and an interrupted run resumes where it stopped.
`;

/** Bad flags or environment: exit status 2. */
export class ImportUsageError extends Error {
  override name = 'ImportUsageError';
}

interface Flags {
  values: Map<string, string[]>;
  switches: Set<string>;
  positional: string[];
}

/** Parses `--name value`, `--name=value` and bare switches; every name must be known. */
export function parseFlags(argv: readonly string[], valued: readonly string[], switches: readonly string[]): Flags {
  const flags: Flags = { values: new Map(), switches: new Set(), positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--') || arg === '-') {
      flags.positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    if (switches.includes(name)) {
      if (eq >= 0) throw new ImportUsageError(`--${name} takes no value`);
      flags.switches.add(name);
    } else if (valued.includes(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq < 0 && value.startsWith('--'))) throw new ImportUsageError(`--${name} needs a value`);
      flags.values.set(name, [...(flags.values.get(name) ?? []), value]);
    } else {
      throw new ImportUsageError(`unknown option --${name}`);
    }
  }
  return flags;
}

function single(flags: Flags, name: string): string | undefined {
  const values = flags.values.get(name);
  if (values && values.length > 1) throw new ImportUsageError(`--${name} given twice`);
  return values?.[0];
}

export interface TwilioImportArgs {
  from: string;
  services: string[];
  prune: boolean;
  dryRun: boolean;
  keepToken: boolean;
  concurrency: number;
  json: boolean;
  accountSid: string;
  username: string;
  password: string;
}

export function parseTwilioImport(argv: readonly string[], env: NodeJS.ProcessEnv): TwilioImportArgs {
  const flags = parseFlags(argv, ['from', 'service', 'concurrency'], ['prune', 'dry-run', 'keep-token', 'json']);
  if (flags.positional.length > 0) throw new ImportUsageError(`unexpected argument ${JSON.stringify(flags.positional[0])}`);
  const from = single(flags, 'from') ?? TWILIO_CHAT_URL;
  let url: URL;
  try {
    url = new URL(from);
  } catch {
    throw new ImportUsageError(`--from must be a URL such as https://chat.twilio.com or http://127.0.0.1:4000, got ${JSON.stringify(from)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ImportUsageError(`--from must be an http or https URL, got ${JSON.stringify(from)}`);
  if (url.username || url.password || url.search || url.hash) throw new ImportUsageError('--from must be a base URL without credentials, query or fragment');
  const services = flags.values.get('service') ?? [];
  for (const sid of services) {
    if (!isSid(sid, 'IS')) throw new ImportUsageError(`--service must be a service SID (IS and 32 hex digits), got ${JSON.stringify(sid)}`);
  }
  const concurrencyText = single(flags, 'concurrency') ?? '2';
  const concurrency = /^\d{1,2}$/.test(concurrencyText) ? Number(concurrencyText) : Number.NaN;
  if (!(concurrency >= 1 && concurrency <= 16))
    throw new ImportUsageError(`--concurrency must be an integer from 1 to 16, got ${JSON.stringify(concurrencyText)}`);

  const accountSid = env.TWILIO_ACCOUNT_SID?.trim() ?? '';
  if (!isSid(accountSid, 'AC')) {
    throw new ImportUsageError(
      `TWILIO_ACCOUNT_SID must be your Twilio account SID (AC and 32 hex digits)${accountSid ? `, got ${JSON.stringify(accountSid)}` : ''}`,
    );
  }
  const apiKey = env.TWILIO_API_KEY?.trim();
  const authToken = env.TWILIO_AUTH_TOKEN?.trim();
  let username: string;
  let password: string;
  if (apiKey) {
    const secret = env.TWILIO_API_SECRET?.trim();
    if (!isSid(apiKey, 'SK')) throw new ImportUsageError(`TWILIO_API_KEY must be an API key SID (SK and 32 hex digits), got ${JSON.stringify(apiKey)}`);
    if (!secret) throw new ImportUsageError('TWILIO_API_KEY needs TWILIO_API_SECRET');
    [username, password] = [apiKey, secret];
  } else if (authToken) {
    [username, password] = [accountSid, authToken];
  } else {
    throw new ImportUsageError('set TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and TWILIO_API_SECRET, to read from the source');
  }
  const keepToken = flags.switches.has('keep-token');
  if (keepToken && !authToken) throw new ImportUsageError('--keep-token needs TWILIO_AUTH_TOKEN (an API key secret is not an auth token)');
  return {
    from: url.href.replace(/\/+$/, ''),
    services: [...new Set(services)],
    prune: flags.switches.has('prune'),
    dryRun: flags.switches.has('dry-run'),
    keepToken,
    concurrency,
    json: flags.switches.has('json'),
    accountSid,
    username,
    password,
  };
}

/** Runs `import:twilio`; returns the exit status. */
export async function importTwilioCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(IMPORT_TWILIO_USAGE);
    return 0;
  }
  let args: TwilioImportArgs;
  try {
    args = parseTwilioImport(argv, process.env);
  } catch (err) {
    if (!(err instanceof ImportUsageError)) throw err;
    process.stderr.write(`error: ${err.message}\n\n${IMPORT_TWILIO_USAGE}`);
    return 2;
  }
  const config = loadConfig();
  let progress: Progress | undefined;
  const source = new TwilioSource({
    from: args.from,
    accountSid: args.accountSid,
    username: args.username,
    password: args.password,
    onRetry: (e) => progress?.retry(e),
  });
  progress = args.json
    ? jsonProgress(process.stdout, source.stats)
    : process.stderr.isTTY
      ? ttyProgress(process.stderr, source.stats)
      : jsonProgress(process.stderr, source.stats);

  const target = await openStore(config);
  try {
    const summary = await runImport(
      source,
      target.store,
      {
        accountSid: args.accountSid,
        actorSid: args.username,
        services: args.services,
        prune: args.prune,
        dryRun: args.dryRun,
        concurrency: args.concurrency,
        keepToken: args.keepToken ? args.password : undefined,
      },
      progress,
    );
    progress.close();
    process.stdout.write(args.json ? `${JSON.stringify({ event: 'summary', ...summary })}\n` : formatSummary(summary));
    return 0;
  } catch (err) {
    progress.close();
    if (err instanceof SourceError) {
      throw new ImportFailedError(err.transient ? `${err.message}. Run the same command again to resume after the last page written.` : err.message);
    }
    throw err;
  } finally {
    await target.close();
  }
}

/** The import stopped (the source failed for good, another import runs): exit status 1 without a stack. */
export class ImportFailedError extends OperatorError {
  override name = 'ImportFailedError';
}

export interface OpenedStore {
  store: ImportStore;
  /** With a gateway holding the embedded folder: its lock socket. */
  socketPath?: string;
  prisma?: PrismaClient;
  close(): Promise<void>;
}

/** The database the gateway uses: directly, or through the running gateway that holds the embedded data folder. */
export async function openStore(config: Config): Promise<OpenedStore> {
  if (!config.databaseUrl) {
    const socketPath = lockSocketPath(config.dataDir);
    const answer = await askChannel(socketPath, { command: 'ping' }, 10_000);
    if (answer.kind === 'response' && answer.response.ok) {
      const serving = (answer.response.result as { serving?: boolean } | null)?.serving;
      if (!serving)
        throw new ImportFailedError(
          `the gateway holding ${config.dataDir} (DATA_DIR) is starting and does not accept commands yet; run the import again once it has started`,
        );
      return { store: createChannelStore(socketPath), socketPath, close: async () => {} };
    }
    if (answer.kind !== 'no-owner') {
      throw new ImportFailedError(
        `cannot reach the process holding ${config.dataDir} (DATA_DIR) (${answer.kind}); stop it, or make sure it is a gateway of this version`,
      );
    }
  }
  const db = await openConfiguredDatabase(config);
  try {
    await db.migrate();
  } catch (err) {
    await db.close();
    throw err;
  }
  return { store: createDirectStore(db.prisma), prisma: db.prisma, close: () => db.close() };
}

export const IMPORT_FILE_USAGE = `usage: npm run cli -- import:file PATH… [--dry-run] [--json]

Imports credentials, services, users and bindings from export files, SIDs and dates kept:
JSON printed by the Twilio CLI (e.g. twilio api:chat:v2:services:bindings:list -o json),
REST list bodies of this API or Twilio's ({"meta": …, "bindings": […]}), or NDJSON (one per line).
The format is told by the content. PATH - reads standard input. Each file is applied whole or not
at all; a record that cannot be stored is reported with its file and line, and nothing is written.
Accounts and services the records need are created when missing.

  --dry-run   report what would change; write nothing
  --json      print the result as one JSON line per file
`;

/** Runs `import:file`; returns the exit status. */
export async function importFileCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(IMPORT_FILE_USAGE);
    return 0;
  }
  let flags: Flags;
  try {
    flags = parseFlags(argv, [], ['dry-run', 'json']);
    if (flags.positional.length === 0) throw new ImportUsageError('name at least one file (- for standard input)');
    if (flags.positional.filter((p) => p === '-').length > 1) throw new ImportUsageError('standard input (-) can be read once');
  } catch (err) {
    if (!(err instanceof ImportUsageError)) throw err;
    process.stderr.write(`error: ${err.message}\n\n${IMPORT_FILE_USAGE}`);
    return 2;
  }
  const dryRun = flags.switches.has('dry-run');
  // Every file is read and checked before anything is written.
  const files: ParsedFile[] = [];
  for (const path of flags.positional) {
    const name = path === '-' ? '(stdin)' : path;
    let content: string;
    try {
      content = path === '-' ? await readStdin() : await readFile(path, 'utf8');
    } catch (err) {
      throw new ImportFailedError(`${name}: cannot read: ${(err as Error).message}`);
    }
    try {
      files.push(parseImportFile(name, content));
    } catch (err) {
      if (err instanceof FileError) throw new ImportFailedError(`${err.message}. Nothing was imported.`);
      throw err;
    }
  }
  const target = await openStore(loadConfig());
  try {
    for (const file of files) {
      const request: FileImportRequest = { records: file.records, dryRun };
      let result: FileImportResult;
      try {
        result = target.socketPath
          ? await callChannel<FileImportResult>(target.socketPath, 'import:file', request)
          : await importFileRecords(target.prisma!, request);
      } catch (err) {
        if (!(err instanceof ImportDataError || err instanceof ChannelStoreError)) throw err;
        const sid = /\b[A-Z]{2}[0-9a-f]{32}\b/.exec(err.message)?.[0];
        const line = sid ? file.lines.get(sid) : undefined;
        throw new ImportFailedError(`${file.name}${line ? `:${line}` : ''}: ${err.message}. Nothing of ${file.name} was imported.`);
      }
      process.stdout.write(
        flags.switches.has('json') ? `${JSON.stringify({ file: file.name, format: file.format, ...result })}\n` : formatFileResult(file, result),
      );
    }
    return 0;
  } finally {
    await target.close();
  }
}

function formatFileResult(file: ParsedFile, r: FileImportResult): string {
  const counts = (c: { inserted: number; updated: number; unchanged: number }) => `inserted ${c.inserted}, updated ${c.updated}, unchanged ${c.unchanged}`;
  const out = [
    `${r.dryRun ? 'Dry run (nothing written)' : 'Imported'} ${file.name} (${file.format})`,
    `  credentials  ${counts(r.credentials)}`,
    `  services     ${counts(r.services)}${r.servicesCreated.length ? ` (${r.servicesCreated.length} created for the records: ${r.servicesCreated.join(', ')})` : ''}`,
    `  users        ${counts(r.users)}`,
    `  bindings     ${counts(r.bindings)}`,
  ];
  for (const a of r.accountsCreated) {
    out.push(`  ${r.dryRun ? 'would create' : 'created'} account ${a.sid}${a.authToken ? `, AuthToken ${a.authToken} (shown this once)` : ''}`);
  }
  return `${out.join('\n')}\n`;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

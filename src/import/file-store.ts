import { createAccount } from '../domain/accounts.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { RecordOf, ResourceKind } from './records.js';
import { type Rows, writeRows } from './store.js';
import type { Counts } from './store-protocol.js';

/**
 * `import:file`'s writes: every record of one file in one transaction, through
 * the same upserts as `import:twilio`'s pages, so a file is applied whole or
 * not at all. Accounts and services the records belong to are created when
 * missing (a bindings export names its service but not the service's name:
 * the SID stands in for it until an import of services or an operator renames it).
 */

export interface FileImportRequest {
  records: { [K in ResourceKind]: RecordOf[K][] };
  dryRun: boolean;
}

export interface FileImportResult {
  dryRun: boolean;
  /** Accounts the file's records needed and that did not exist, with their new auth tokens (shown once). */
  accountsCreated: { sid: string; authToken?: string }[];
  /** Services the file's users or bindings needed and that did not exist. */
  servicesCreated: string[];
  credentials: Counts;
  services: Counts;
  users: Counts;
  bindings: Counts;
}

const KINDS: readonly ResourceKind[] = ['credentials', 'services', 'users', 'bindings'];
const FILE_TIMEOUT_MS = 600_000;

/** A dry run rolls its transaction back with the result it would have had. */
class DryRunDone extends Error {
  constructor(readonly result: FileImportResult) {
    super('dry run');
  }
}

export async function importFileRecords(prisma: PrismaClient, request: FileImportRequest): Promise<FileImportResult> {
  try {
    return await prisma.$transaction(
      async (tx) => {
        const result: FileImportResult = {
          dryRun: request.dryRun,
          accountsCreated: [],
          servicesCreated: [],
          credentials: zero(),
          services: zero(),
          users: zero(),
          bindings: zero(),
        };
        const all = KINDS.flatMap((kind) => request.records[kind] as { accountSid: string; serviceSid?: string; dateCreated: string }[]);
        const accounts = [...new Set(all.map((r) => r.accountSid))].sort();
        const existing = new Set((await tx.account.findMany({ where: { sid: { in: accounts } }, select: { sid: true } })).map((a) => a.sid));
        for (const sid of accounts.filter((a) => !existing.has(a))) {
          const { authToken } = await createAccount(tx, { sid, friendlyName: 'Imported from a file' });
          result.accountsCreated.push(request.dryRun ? { sid } : { sid, authToken });
        }
        // Services the users and bindings need, created when neither the file nor the database has them.
        const listed = new Set(request.records.services.map((s) => s.sid));
        const needed = new Map<string, { accountSid: string; dateCreated: string }>();
        for (const r of [...request.records.users, ...request.records.bindings]) {
          if (!listed.has(r.serviceSid) && !needed.has(r.serviceSid)) needed.set(r.serviceSid, r);
        }
        const present = new Set((await tx.service.findMany({ where: { sid: { in: [...needed.keys()] } }, select: { sid: true } })).map((s) => s.sid));
        const placeholders = [...needed]
          .filter(([sid]) => !present.has(sid))
          .map(([sid, r]) => ({ sid, accountSid: r.accountSid, dateCreated: r.dateCreated }));
        for (const p of placeholders) {
          await add(result.services, tx, { kind: 'services', accountSid: p.accountSid, records: [{ ...p, friendlyName: p.sid, dateUpdated: p.dateCreated }] });
          result.servicesCreated.push(p.sid);
        }
        for (const kind of KINDS) {
          for (const group of groups(request.records[kind] as { accountSid: string; serviceSid?: string }[])) {
            await add(result[kind], tx, { kind, ...group } as Omit<Rows, 'actorSid' | 'runId'>);
          }
        }
        if (request.dryRun) throw new DryRunDone(result);
        return result;
      },
      { timeout: FILE_TIMEOUT_MS },
    );
  } catch (err) {
    if (err instanceof DryRunDone) return err.result;
    throw err;
  }
}

async function add(total: Counts, tx: Parameters<typeof writeRows>[0], rows: Omit<Rows, 'actorSid' | 'runId'>): Promise<void> {
  // A file has no credential of its own: deletions it causes are recorded as made by the records' account.
  const counts = await writeRows(tx, { ...rows, actorSid: rows.accountSid, runId: 'file' } as Rows);
  total.inserted += counts.inserted;
  total.updated += counts.updated;
  total.unchanged += counts.unchanged;
}

/** Records split by account and (for users and bindings) service, in first-seen order. */
function groups<R extends { accountSid: string; serviceSid?: string }>(records: R[]): { accountSid: string; serviceSid?: string; records: R[] }[] {
  const byKey = new Map<string, { accountSid: string; serviceSid?: string; records: R[] }>();
  for (const r of records) {
    const key = `${r.accountSid}/${r.serviceSid ?? ''}`;
    let group = byKey.get(key);
    if (!group) {
      group = { accountSid: r.accountSid, ...(r.serviceSid ? { serviceSid: r.serviceSid } : {}), records: [] };
      byKey.set(key, group);
    }
    group.records.push(r);
  }
  return [...byKey.values()];
}

function zero(): Counts {
  return { inserted: 0, updated: 0, unchanged: 0 };
}

import { listDeletions } from '../../domain/audit.js';
import { accountArg, intArg, optional, sinceArg } from '../args.js';
import type { Command } from '../command.js';
import { iso, lines } from '../format.js';

// The audit trail of binding deletions.

export const AUDIT_LIMIT_DEFAULT = 50;
export const AUDIT_LIMIT_MAX = 1000;

export const auditList: Command<{ accountSid: string | undefined; since: Date | undefined; limit: number }, { deletions: DeletionRow[] }> = {
  name: 'audit:list',
  summary: 'list binding deletions, newest first (who, when, through which front door, the row as it was)',
  usage: `[--account AC…] [--since 2026-11-21|2026-11-21T10:00:00Z|24h|7d] [--limit 1-${AUDIT_LIMIT_MAX}, default ${AUDIT_LIMIT_DEFAULT}]`,
  options: ['account', 'since', 'limit'],
  parse: (a) => ({
    accountSid: optional(a, 'account', () => accountArg(a)),
    since: optional(a, 'since', () => sinceArg(a.since)),
    limit: optional(a, 'limit', () => intArg(a.limit, 'limit', 1, AUDIT_LIMIT_MAX)) ?? AUDIT_LIMIT_DEFAULT,
  }),
  async run(prisma, args) {
    const deletions = await listDeletions(prisma, args);
    return { deletions: deletions.map((d) => ({ ...d, dateCreated: iso(d.dateCreated) })) };
  },
  format: (r) =>
    r.deletions.length === 0
      ? 'No deletions recorded.\n'
      : r.deletions
          .map((d) =>
            lines(
              `${d.dateCreated}  ${d.sid}  binding ${d.bindingSid} of service ${d.serviceSid}`,
              `  account ${d.accountSid}  credential ${d.credentialSid}  via ${d.frontDoor}  request ${d.requestId ?? '-'}`,
              `  row ${JSON.stringify(d.binding)}`,
            ),
          )
          .join(''),
};
interface DeletionRow {
  sid: string;
  dateCreated: string;
  accountSid: string;
  credentialSid: string;
  frontDoor: string;
  requestId: string | null;
  bindingSid: string;
  serviceSid: string;
  binding: unknown;
}

import type { Prisma, PrismaClient } from '../generated/prisma/client.js';

/** One entry of the deletion audit trail. */
export interface DeletionRecord {
  /** DL… */
  sid: string;
  /** When the binding was deleted. */
  dateCreated: Date;
  accountSid: string;
  /** The credential that made the request: the account SID (auth token) or an API key SID. */
  credentialSid: string;
  /** `graphql` or `rest`. */
  frontDoor: string;
  requestId: string | null;
  bindingSid: string;
  serviceSid: string;
  /** The deleted row as it was, column for column (snake_case, as stored). */
  binding: Prisma.JsonValue;
}

export interface DeletionFilter {
  accountSid?: string | undefined;
  /** Only deletions at or after this instant. */
  since?: Date | undefined;
  /** At most this many, the newest. */
  limit: number;
}

/** The newest deletions first (ties broken by sid, so the order is stable). */
export function listDeletions(prisma: PrismaClient | Prisma.TransactionClient, filter: DeletionFilter): Promise<DeletionRecord[]> {
  return prisma.bindingDeletion.findMany({
    where: {
      ...(filter.accountSid === undefined ? {} : { accountSid: filter.accountSid }),
      ...(filter.since === undefined ? {} : { dateCreated: { gte: filter.since } }),
    },
    orderBy: [{ dateCreated: 'desc' }, { sid: 'desc' }],
    take: filter.limit,
  });
}

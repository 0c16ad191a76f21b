import type { Credential } from '../generated/prisma/client.js';
import type { DataContext } from './data-context.js';
import { sidsOnly } from './sids.js';

export type { Credential };

/** Push credentials by sid within the caller's account; unknown or foreign sids are simply absent. */
export function getCredentials(data: DataContext, accountSid: string, sids: readonly string[]): Promise<Credential[]> {
  return data.prisma.credential.findMany({ where: { accountSid, sid: { in: sidsOnly(sids) } } });
}

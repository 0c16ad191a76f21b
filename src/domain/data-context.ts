import type { PrismaClient } from '../generated/prisma/client.js';
import type { CursorCodec } from './paging.js';

/** What every domain function needs: the database and the key that signs page cursors. */
export interface DataContext {
  prisma: PrismaClient;
  cursors: CursorCodec;
}

import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { CursorCodec } from './paging.js';

/**
 * Runs the read statements of the hot paths (pages, counts, lookups by sid).
 * Each statement is written once, as a `Prisma.sql` template in the domain;
 * the database decides how it is sent (src/db/sql-reader.ts). Rows come back
 * with the values `$queryRaw` would give.
 */
export interface SqlReader {
  rows<T>(query: Prisma.Sql): Promise<T[]>;
}

/** What every domain function needs: the database and the key that signs page cursors. */
export interface DataContext {
  prisma: PrismaClient;
  /** The hot paths' reads: the same statements, through a faster route where there is one. */
  reader: SqlReader;
  cursors: CursorCodec;
}

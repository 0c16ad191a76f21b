import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';

/**
 * One database session able to run multi-statement SQL scripts, which Prisma's
 * `$executeRaw` cannot. Used for migrations, under a session-level advisory lock.
 */
export interface SqlSession {
  exec(sql: string): Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}

export function pgSession(client: pg.ClientBase): SqlSession {
  return {
    async exec(sql) {
      await client.query(sql);
    },
    async query<T>(sql: string, params: unknown[] = []) {
      const result = await client.query(sql, params);
      return result.rows as T[];
    },
  };
}

export function pgliteSession(db: PGlite): SqlSession {
  return {
    async exec(sql) {
      await db.exec(sql);
    },
    async query<T>(sql: string, params: unknown[] = []) {
      const result = await db.query<T>(sql, params);
      return result.rows;
    },
  };
}

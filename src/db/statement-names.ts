import type { SqlQuery } from '@prisma/driver-adapter-utils';

/**
 * Names for prepared statements, so each pooled connection parses and plans a
 * statement once and then only binds and executes it (what a hand-written
 * `pg` handler does with named queries). One name per distinct SQL text; the
 * first `limit` texts get names, any further text (e.g. an `IN` list of an
 * unusual length) runs unnamed as before, so a connection never holds more
 * than `limit` prepared statements.
 */
export function createStatementNames(limit = 500, prefix = 'gw'): (query: Pick<SqlQuery, 'sql'>) => string | undefined {
  const names = new Map<string, string>();
  return ({ sql }) => {
    let name = names.get(sql);
    if (name === undefined && names.size < limit) {
      name = `${prefix}${names.size}`;
      names.set(sql, name);
    }
    return name;
  };
}

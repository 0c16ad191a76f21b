import { type Binding, type Credential, Prisma, type Service, type User } from '../generated/prisma/client.js';

/**
 * The tables the hand-written SQL reads, with each column under the Prisma
 * model's field name, the columns their rows are listed under, and the columns
 * that are Postgres enums (read as text: the raw-query client does not decode
 * enum values). SQL builders take table and column names only from here (typed
 * by these keys), never from input.
 */
const TABLES = {
  services: {
    columns: {
      sid: 'sid',
      accountSid: 'account_sid',
      friendlyName: 'friendly_name',
      dateCreated: 'date_created',
      dateUpdated: 'date_updated',
    } satisfies Record<keyof Service, string>,
    parentKeys: ['account_sid'],
    enums: [],
  },
  users: {
    columns: {
      sid: 'sid',
      serviceSid: 'service_sid',
      identity: 'identity',
      friendlyName: 'friendly_name',
      dateCreated: 'date_created',
      dateUpdated: 'date_updated',
    } satisfies Record<keyof User, string>,
    parentKeys: ['service_sid'],
    enums: [],
  },
  bindings: {
    columns: {
      sid: 'sid',
      accountSid: 'account_sid',
      serviceSid: 'service_sid',
      userSid: 'user_sid',
      identity: 'identity',
      endpoint: 'endpoint',
      bindingType: 'binding_type',
      credentialSid: 'credential_sid',
      messageTypes: 'message_types',
      dateCreated: 'date_created',
      dateUpdated: 'date_updated',
    } satisfies Record<keyof Binding, string>,
    parentKeys: ['service_sid', 'user_sid'],
    enums: ['binding_type'],
  },
  credentials: {
    columns: {
      sid: 'sid',
      accountSid: 'account_sid',
      friendlyName: 'friendly_name',
      type: 'type',
      sandbox: 'sandbox',
      dateCreated: 'date_created',
      dateUpdated: 'date_updated',
    } satisfies Record<keyof Credential, string>,
    parentKeys: ['account_sid'],
    enums: ['type'],
  },
} as const;

export type Table = keyof typeof TABLES;
/** A column that rows of `T` are listed under (e.g. bindings under `service_sid`). */
export type ParentKey<T extends Table> = (typeof TABLES)[T]['parentKeys'][number];
/** The aliases the builders give tables: `t` the listed rows, `pt` their parents' table, `p` a parent row joined with its page. */
export type Alias = 't' | 'pt' | 'p';

/** The table's name, for FROM clauses. */
export function tableSql(table: Table): Prisma.Sql {
  return Prisma.raw(table);
}

/** `alias.column` of a parent key. */
export function parentKeySql<T extends Table>(_table: T, key: ParentKey<T>, alias: Alias): Prisma.Sql {
  return Prisma.raw(`${alias}.${key}`);
}

/** The model's field names of a table, in projection order. */
export function fieldsOf(table: Table): readonly string[] {
  return Object.keys(TABLES[table].columns);
}

/**
 * Every column of `table` under `alias`, named as the Prisma model names its
 * fields (optionally with a prefix, to tell a parent's columns apart in a
 * joined row); enums as text.
 */
export function projection(table: Table, alias: Alias, prefix = ''): Prisma.Sql {
  const columns = Object.entries(TABLES[table].columns).map(
    ([field, column]) => `${alias}.${column}${(TABLES[table].enums as readonly string[]).includes(column) ? '::text' : ''} AS "${prefix}${field}"`,
  );
  return Prisma.raw(columns.join(', '));
}

/** The fields of `table` picked out of a joined row where they carry `prefix`. */
export function pickFields<Row>(table: Table, row: Record<string, unknown>, prefix = ''): Row {
  const picked: Record<string, unknown> = {};
  for (const field of fieldsOf(table)) picked[field] = row[prefix + field];
  return picked as Row;
}

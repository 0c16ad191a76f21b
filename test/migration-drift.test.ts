/**
 * The migrations are written by hand (Prisma's CLI cannot run `migrate` offline
 * here), so this file proves that the database they produce is exactly the one
 * prisma/schema.prisma describes: Prisma's own parser (getDMMF, WASM) gives the
 * datamodel, the catalog of the migrated database gives the real thing, and
 * each kind of object is compared in both directions as sorted lines such as
 * `bindings.endpoint text NOT NULL`, so a failure reads as a diff.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import internals from '@prisma/internals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from './helpers/db.js';

type Document = Awaited<ReturnType<typeof internals.getDMMF>>;
type Model = Document['datamodel']['models'][number];
type Field = Model['fields'][number];

const SCHEMA_PATH = fileURLToPath(new URL('../prisma/schema.prisma', import.meta.url));
/** Postgres' NAMEDATALEN - 1; Prisma truncates generated constraint names to fit. */
const MAX_IDENTIFIER_LENGTH = 63;

// ---------------------------------------------------------------------------
// What the datamodel declares, rendered the way the catalog side renders it.
// ---------------------------------------------------------------------------

/** Prisma's default Postgres column types for scalars without a @db.* attribute. */
const SCALAR_TYPES: Record<string, string> = {
  String: 'text',
  Boolean: 'boolean',
  Int: 'integer',
  BigInt: 'bigint',
  Float: 'double precision',
  Decimal: 'numeric(65,30)',
  DateTime: 'timestamp(3) without time zone',
  Json: 'jsonb',
  Bytes: 'bytea',
};

/** Postgres types of the @db.* attributes the datamodel uses (without arguments). */
const NATIVE_TYPES: Record<string, string> = {
  Date: 'date',
};

/** Prisma's default constraint/index names (psl `constraint_names.rs`). */
function prismaName(table: string, columns: readonly string[], suffix: '_idx' | '_key' | '_fkey' | '_pkey'): string {
  let base = suffix === '_pkey' ? table : `${table}_${columns.join('_')}`;
  if (base.length >= MAX_IDENTIFIER_LENGTH - suffix.length) {
    base = base.slice(0, MAX_IDENTIFIER_LENGTH - suffix.length - 1);
  }
  return `${base}${suffix}`;
}

const REFERENTIAL_ACTIONS: Record<string, string> = {
  Cascade: 'CASCADE',
  Restrict: 'RESTRICT',
  NoAction: 'NO ACTION',
  SetNull: 'SET NULL',
  SetDefault: 'SET DEFAULT',
};

function indexLine(kind: 'primary key' | 'unique' | 'index', name: string, table: string, columns: string[]): string {
  return `${kind} ${name} ON ${table} USING btree (${columns.join(', ')})`;
}

function fkLine(
  name: string,
  table: string,
  columns: readonly string[],
  refTable: string,
  refColumns: readonly string[],
  onDelete: string,
  onUpdate: string,
): string {
  return `${name}: ${table}(${columns.join(', ')}) -> ${refTable}(${refColumns.join(', ')}) ON DELETE ${onDelete} ON UPDATE ${onUpdate}`;
}

interface Expected {
  tables: string[];
  columns: string[];
  indexes: string[];
  foreignKeys: string[];
  enums: string[];
}

function expectedFromDatamodel(dmmf: Document): Expected {
  const { models, enums } = dmmf.datamodel;
  const modelByName = new Map(models.map((m) => [m.name, m]));
  const enumByName = new Map(enums.map((e) => [e.name, e]));
  const tableOf = (m: Model) => m.dbName ?? m.name;
  const columnOf = (f: Field) => f.dbName ?? f.name;
  const fieldOf = (m: Model, name: string) => {
    const f = m.fields.find((x) => x.name === name);
    if (!f) throw new Error(`model ${m.name} has no field ${name}`);
    return f;
  };
  const enumDbName = (name: string) => {
    const e = enumByName.get(name);
    if (!e) throw new Error(`unknown enum ${name}`);
    return e.dbName ?? e.name;
  };

  const columnType = (m: Model, f: Field): string => {
    let base: string | undefined;
    if (f.nativeType) {
      base = NATIVE_TYPES[f.nativeType[0]];
      if (!base || f.nativeType[1].length) {
        throw new Error(`${m.name}.${f.name} uses @db.${f.nativeType[0]}: teach migration-drift.test.ts its Postgres type`);
      }
    } else if (f.kind === 'enum') base = enumDbName(f.type);
    else if (f.kind === 'scalar') base = SCALAR_TYPES[f.type];
    if (!base) throw new Error(`${m.name}.${f.name}: no Postgres type known for ${f.kind} ${f.type}`);
    return f.isList ? `${base}[]` : base;
  };

  const literal = (m: Model, f: Field, value: unknown): string => {
    if (typeof value === 'boolean' || typeof value === 'number') return String(value);
    if (typeof value === 'string') {
      const text = `'${value.replace(/'/g, "''")}'`;
      if (f.kind === 'enum') {
        const e = enumByName.get(f.type);
        const dbValue = e?.values.find((v) => v.name === value)?.dbName ?? value;
        return `'${dbValue.replace(/'/g, "''")}'::${enumDbName(f.type)}`;
      }
      if (f.type === 'String') return `${text}::text`;
    }
    throw new Error(`${m.name}.${f.name}: teach migration-drift.test.ts the Postgres form of default ${JSON.stringify(value)}`);
  };

  /** The column default Prisma Migrate would write, or undefined for none (or a client-side one). */
  const columnDefault = (m: Model, f: Field): string | undefined => {
    if (!f.hasDefaultValue) return undefined;
    const d: unknown = f.default;
    if (Array.isArray(d)) {
      const elementType = columnType(m, f).replace(/\[\]$/, '');
      return `ARRAY[${d.map((v) => literal(m, f, v)).join(', ')}]::${elementType}[]`;
    }
    if (d !== null && typeof d === 'object' && 'name' in d) {
      const fn = d as { name: string; args: unknown[] };
      if (fn.name === 'now') return 'CURRENT_TIMESTAMP';
      if (fn.name === 'dbgenerated' && typeof fn.args[0] === 'string') return fn.args[0];
      if (['uuid', 'cuid', 'nanoid', 'ulid'].includes(fn.name)) return undefined; // generated by the client
      throw new Error(`${m.name}.${f.name}: teach migration-drift.test.ts the default @default(${fn.name}())`);
    }
    return literal(m, f, d);
  };

  const out: Expected = { tables: [], columns: [], indexes: [], foreignKeys: [], enums: [] };

  for (const e of enums) {
    out.enums.push(`${e.dbName ?? e.name}: ${e.values.map((v) => v.dbName ?? v.name).join(', ')}`);
  }

  for (const m of models) {
    const table = tableOf(m);
    out.tables.push(`table ${table}`);
    for (const f of m.fields) {
      if (f.kind === 'object') {
        const from = f.relationFromFields ?? [];
        if (from.length === 0) continue; // the back-relation side holds no column
        const target = modelByName.get(f.type);
        if (!target) throw new Error(`relation ${m.name}.${f.name} targets unknown model ${f.type}`);
        const columns = from.map((name) => columnOf(fieldOf(m, name)));
        const refColumns = (f.relationToFields ?? []).map((name) => columnOf(fieldOf(target, name)));
        // Prisma's defaults: optional relations SET NULL, required ones RESTRICT; updates CASCADE.
        const onDelete = f.relationOnDelete ?? (f.isRequired ? 'Restrict' : 'SetNull');
        const onUpdate = f.relationOnUpdate ?? 'Cascade';
        out.foreignKeys.push(
          fkLine(
            prismaName(table, columns, '_fkey'),
            table,
            columns,
            tableOf(target),
            refColumns,
            REFERENTIAL_ACTIONS[onDelete] ?? `unknown action ${onDelete}`,
            REFERENTIAL_ACTIONS[onUpdate] ?? `unknown action ${onUpdate}`,
          ),
        );
        continue;
      }
      if (f.kind === 'unsupported') throw new Error(`${m.name}.${f.name}: Unsupported() types are not handled`);
      // Prisma lists are always required (our migrations write them NOT NULL).
      const notNull = f.isRequired || f.isList ? ' NOT NULL' : '';
      const dflt = columnDefault(m, f);
      out.columns.push(`${table}.${columnOf(f)} ${columnType(m, f)}${notNull}${dflt === undefined ? '' : ` DEFAULT ${dflt}`}`);
    }
  }

  for (const idx of dmmf.datamodel.indexes) {
    const m = modelByName.get(idx.model);
    if (!m) throw new Error(`index on unknown model ${idx.model}`);
    const table = tableOf(m);
    if (idx.type === 'fulltext') throw new Error('fulltext indexes are not handled');
    if (idx.algorithm && idx.algorithm.toLowerCase() !== 'btree') {
      throw new Error(`${m.name}: index algorithm ${idx.algorithm} is not handled`);
    }
    const columns = idx.fields.map((f) => columnOf(fieldOf(m, f.name)));
    const rendered = idx.fields.map((f, i) => `${columns[i]}${f.sortOrder === 'desc' ? ' DESC' : ''}`);
    const kind = idx.type === 'id' ? 'primary key' : idx.type === 'unique' ? 'unique' : 'index';
    const suffix = idx.type === 'id' ? '_pkey' : idx.type === 'unique' ? '_key' : '_idx';
    out.indexes.push(indexLine(kind, idx.dbName ?? prismaName(table, columns, suffix), table, rendered));
  }

  return out;
}

// ---------------------------------------------------------------------------
// What the migrated database holds (current schema only).
// ---------------------------------------------------------------------------

/** Prisma's bookkeeping table lives next to the model's tables but is not part of the model. */
const BOOKKEEPING = '_prisma_migrations';

const DELETE_UPDATE_ACTIONS: Record<string, string> = {
  a: 'NO ACTION',
  r: 'RESTRICT',
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT',
};

const RELKINDS: Record<string, string> = {
  r: 'table',
  p: 'partitioned table',
  v: 'view',
  m: 'materialized view',
  S: 'sequence',
  f: 'foreign table',
  c: 'composite type',
};

async function actualFromDatabase(db: TestDatabase) {
  return db.withSession(async (s) => {
    const [{ schema } = { schema: '' }] = await s.query<{ schema: string }>('SELECT current_schema() AS schema');
    const relations = await s.query<{ relname: string; relkind: string }>(
      `SELECT c.relname, c.relkind::text AS relkind
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind NOT IN ('i', 'I') AND c.relname <> $1`,
      [BOOKKEEPING],
    );

    const columns = await s.query<{ table_name: string; column_name: string; type: string; not_null: boolean; dflt: string | null; extra: string }>(
      `SELECT c.relname AS table_name, a.attname AS column_name,
              format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
              pg_get_expr(d.adbin, d.adrelid) AS dflt,
              concat_ws(' ', CASE WHEN a.attidentity <> '' THEN 'IDENTITY' END,
                             CASE WHEN a.attgenerated <> '' THEN 'GENERATED' END,
                             CASE WHEN a.attcollation NOT IN (0, 100) THEN 'COLLATE ' || co.collname END) AS extra
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         LEFT JOIN pg_collation co ON co.oid = a.attcollation
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname <> $1
          AND a.attnum > 0 AND NOT a.attisdropped`,
      [BOOKKEEPING],
    );

    // Also read through information_schema, the portable view: it must agree on
    // the kind of each column (enums are USER-DEFINED in this schema, lists ARRAY).
    const infoColumns = await s.query<{
      table_name: string;
      column_name: string;
      data_type: string;
      udt_schema: string;
      udt_name: string;
      is_nullable: string;
    }>(
      `SELECT table_name, column_name, data_type, udt_schema, udt_name, is_nullable
         FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name <> $1`,
      [BOOKKEEPING],
    );

    const indexes = await s.query<{
      table_name: string;
      index_name: string;
      is_unique: boolean;
      is_primary: boolean;
      method: string;
      predicate: string | null;
      columns: string[];
    }>(
      `SELECT t.relname AS table_name, i.relname AS index_name, ix.indisunique AS is_unique,
              ix.indisprimary AS is_primary, am.amname AS method,
              pg_get_expr(ix.indpred, ix.indrelid) AS predicate,
              array_to_json(ARRAY(
                SELECT CASE WHEN k.attnum = 0 THEN '<expression>' ELSE a.attname::text END
                       || CASE WHEN (ix.indoption[k.ord - 1] & 1) = 1 THEN ' DESC' ELSE '' END
                  FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                  LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                 ORDER BY k.ord)) AS columns
         FROM pg_index ix
         JOIN pg_class i ON i.oid = ix.indexrelid
         JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         JOIN pg_am am ON am.oid = i.relam
        WHERE n.nspname = current_schema() AND t.relname <> $1`,
      [BOOKKEEPING],
    );

    const constraints = await s.query<{
      name: string;
      table_name: string;
      contype: string;
      index_name: string | null;
      ref_schema: string | null;
      ref_table: string | null;
      columns: string[];
      ref_columns: string[] | null;
      on_delete: string;
      on_update: string;
      deferrable: boolean;
      match_type: string;
    }>(
      `SELECT con.conname AS name, t.relname AS table_name, con.contype::text AS contype,
              ci.relname AS index_name, rn.nspname AS ref_schema, rt.relname AS ref_table,
              array_to_json(ARRAY(
                SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord)) AS columns,
              array_to_json(ARRAY(
                SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord)) AS ref_columns,
              con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update,
              con.condeferrable AS deferrable, con.confmatchtype::text AS match_type
         FROM pg_constraint con
         JOIN pg_class t ON t.oid = con.conrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         LEFT JOIN pg_class ci ON ci.oid = con.conindid
         LEFT JOIN pg_class rt ON rt.oid = con.confrelid
         LEFT JOIN pg_namespace rn ON rn.oid = rt.relnamespace
        WHERE n.nspname = current_schema() AND t.relname <> $1
          AND con.contype <> 'n'`, // NOT NULL constraints (Postgres 18+) are covered by the columns
      [BOOKKEEPING],
    );

    const enums = await s.query<{ name: string; labels: string[] }>(
      `SELECT t.typname AS name,
              array_to_json(ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)) AS labels
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = current_schema() AND t.typtype = 'e'`,
    );

    // Anything else a hand-written migration could slip in.
    const otherTypes = await s.query<{ name: string; typtype: string }>(
      `SELECT t.typname AS name, t.typtype::text AS typtype
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = current_schema() AND t.typtype IN ('d', 'r', 'm')`,
    );
    const functions = await s.query<{ name: string }>(
      `SELECT p.proname AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = current_schema()`,
    );
    const triggers = await s.query<{ name: string; table_name: string }>(
      `SELECT tg.tgname AS name, t.relname AS table_name
         FROM pg_trigger tg JOIN pg_class t ON t.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = current_schema() AND NOT tg.tgisinternal`,
    );

    return { schema, relations, columns, infoColumns, indexes, constraints, enums, otherTypes, functions, triggers };
  });
}

/** Compares two sets of lines; on failure the message lists what is missing on each side. */
function expectSameLines(what: string, actual: readonly string[], expected: readonly string[]) {
  const a = [...actual].sort();
  const e = [...expected].sort();
  const missingFromDatabase = e.filter((x) => !a.includes(x));
  const notInDatamodel = a.filter((x) => !e.includes(x));
  expect({ missingFromDatabase, notInDatamodel }, `${what}: the migrated database and prisma/schema.prisma differ`).toEqual({
    missingFromDatabase: [],
    notInDatamodel: [],
  });
  // Same sets; this also catches duplicates on either side.
  expect(a, `${what}: duplicates`).toEqual(e);
}

describe('migrations match prisma/schema.prisma', () => {
  let db: TestDatabase;
  let dmmf: Document;
  let expected: Expected;
  let actual: Awaited<ReturnType<typeof actualFromDatabase>>;

  beforeAll(async () => {
    dmmf = await internals.getDMMF({ datamodel: readFileSync(SCHEMA_PATH, 'utf8') });
    expected = expectedFromDatamodel(dmmf);
    db = await openTestDatabase();
    actual = await actualFromDatabase(db);
  });

  afterAll(async () => {
    await db?.close();
  });

  it('reads a non-trivial datamodel (guards against comparing two empty lists)', () => {
    expect(dmmf.datamodel.models.map((m) => m.dbName)).toEqual(
      expect.arrayContaining(['accounts', 'services', 'users', 'credentials', 'bindings', 'server_secrets']),
    );
    expect(expected.columns).toContain('bindings.endpoint text NOT NULL');
    expect(expected.indexes.length).toBeGreaterThan(dmmf.datamodel.models.length);
    expect(expected.foreignKeys.length).toBeGreaterThan(0);
  });

  it('lists in datamodel.indexes the same ids and uniques as the models themselves', () => {
    const fromIndexes = dmmf.datamodel.indexes
      .filter((i) => i.type === 'id' || i.type === 'unique')
      .map((i) => `${i.model} ${i.type} (${i.fields.map((f) => f.name).join(', ')})`);
    const fromModels = dmmf.datamodel.models.flatMap((m) => [
      ...(m.primaryKey ? [`${m.name} id (${m.primaryKey.fields.join(', ')})`] : []),
      ...m.fields.filter((f) => f.isId).map((f) => `${m.name} id (${f.name})`),
      ...m.fields.filter((f) => f.isUnique).map((f) => `${m.name} unique (${f.name})`),
      ...m.uniqueFields.map((fields) => `${m.name} unique (${fields.join(', ')})`),
    ]);
    expectSameLines('datamodel ids and uniques', fromIndexes, fromModels);
  });

  it('has exactly the tables of the datamodel, and no views, sequences or other relations', () => {
    const lines = actual.relations.map((r) => `${RELKINDS[r.relkind] ?? `relkind ${r.relkind}`} ${r.relname}`);
    expectSameLines('tables', lines, expected.tables);
  });

  it('has exactly the columns of the datamodel, with their types, nullability and defaults', () => {
    const lines = actual.columns.map(
      (c) =>
        `${c.table_name}.${c.column_name} ${c.type}${c.not_null ? ' NOT NULL' : ''}` +
        `${c.dflt === null ? '' : ` DEFAULT ${c.dflt}`}${c.extra ? ` ${c.extra}` : ''}`,
    );
    expectSameLines('columns', lines, expected.columns);
  });

  it('agrees with information_schema on column kinds (enums are USER-DEFINED types of this schema, lists are ARRAYs)', () => {
    const enumDbName = new Map(dmmf.datamodel.enums.map((e) => [e.name, e.dbName ?? e.name]));
    const expectedInfo: string[] = [];
    for (const m of dmmf.datamodel.models) {
      for (const f of m.fields) {
        if (f.kind === 'object') continue;
        const base = f.kind === 'enum' ? enumDbName.get(f.type) : f.nativeType ? NATIVE_TYPES[f.nativeType[0]] : SCALAR_TYPES[f.type];
        let kind: string;
        if (f.isList) kind = `ARRAY of _${base}`;
        else if (f.kind === 'enum') kind = `USER-DEFINED ${base} (this schema)`;
        else kind = String(base).replace(/\(.*?\)/, ''); // information_schema has no type modifiers
        const nullable = f.isRequired || f.isList ? 'NO' : 'YES';
        expectedInfo.push(`${m.dbName ?? m.name}.${f.dbName ?? f.name} ${kind} nullable=${nullable}`);
      }
    }
    const lines = actual.infoColumns.map((c) => {
      let kind: string = c.data_type;
      if (c.data_type === 'ARRAY') kind = `ARRAY of ${c.udt_name}`;
      else if (c.data_type === 'USER-DEFINED')
        kind = `USER-DEFINED ${c.udt_name}${c.udt_schema === actual.schema ? ' (this schema)' : ` (schema ${c.udt_schema})`}`;
      return `${c.table_name}.${c.column_name} ${kind} nullable=${c.is_nullable}`;
    });
    expectSameLines('information_schema.columns', lines, expectedInfo);
  });

  it('has exactly the enum types of the datamodel, with their labels in order', () => {
    expectSameLines(
      'enums',
      actual.enums.map((e) => `${e.name}: ${e.labels.join(', ')}`),
      expected.enums,
    );
  });

  it('has exactly the primary keys, unique and plain indexes of the datamodel, with columns in order and Prisma names', () => {
    const lines = actual.indexes.map((i) => {
      const kind = i.is_primary ? 'primary key' : i.is_unique ? 'unique' : 'index';
      return `${indexLine(kind, i.index_name, i.table_name, i.columns).replace('USING btree', `USING ${i.method}`)}${i.predicate ? ` WHERE ${i.predicate}` : ''}`;
    });
    expectSameLines('indexes', lines, expected.indexes);
  });

  it('backs every primary key with a constraint of the same name, and has no other check, unique or exclusion constraints', () => {
    const lines = actual.constraints
      .filter((c) => c.contype !== 'f')
      .map((c) => `${c.contype === 'p' ? 'primary key' : `constraint type ${c.contype}`} ${c.name} ON ${c.table_name} (index ${c.index_name})`);
    const expectedLines = expected.indexes
      .filter((l) => l.startsWith('primary key '))
      .map((l) => {
        const [, name, table] = /^primary key (\S+) ON (\S+) /.exec(l) ?? [];
        return `primary key ${name} ON ${table} (index ${name})`;
      });
    // Unique constraints would be equivalent for Prisma, but our migrations
    // follow Prisma Migrate and write @@unique as CREATE UNIQUE INDEX.
    expectSameLines('constraints', lines, expectedLines);
  });

  it('has exactly the foreign keys of the datamodel relations, with columns, targets, actions and Prisma names', () => {
    const lines = actual.constraints
      .filter((c) => c.contype === 'f')
      .map(
        (c) =>
          `${fkLine(
            c.name,
            c.table_name,
            c.columns,
            c.ref_schema === actual.schema ? String(c.ref_table) : `${c.ref_schema}.${c.ref_table}`,
            c.ref_columns ?? [],
            DELETE_UPDATE_ACTIONS[c.on_delete] ?? c.on_delete,
            DELETE_UPDATE_ACTIONS[c.on_update] ?? c.on_update,
          )}${c.deferrable ? ' DEFERRABLE' : ''}${c.match_type === 'f' ? ' MATCH FULL' : ''}`,
      );
    expectSameLines('foreign keys', lines, expected.foreignKeys);
  });

  // The things schema.prisma cannot say: binding_counts is kept by triggers
  // (migration 20261121110000_binding_counts), and so are binding_facet_counts
  // and binding_day_counts (20261207090000_binding_stats); changes to accounts
  // and API keys NOTIFY the gateways' credential caches
  // (20261121120000_credential_notify), and every binding write NOTIFYs the
  // live-update subscribers (20261207100000_binding_events). Anything else is drift.
  const MAINTAINED_BY_TRIGGERS = [
    'function binding_counts_maintain',
    'function binding_events_notify',
    'function binding_stats_maintain',
    'function credentials_changed_notify',
    'trigger accounts_credentials_changed ON accounts',
    'trigger api_keys_credentials_changed ON api_keys',
    'trigger bindings_counts_delete ON bindings',
    'trigger bindings_counts_insert ON bindings',
    'trigger bindings_counts_update ON bindings',
    'trigger bindings_events_delete ON bindings',
    'trigger bindings_events_insert ON bindings',
    'trigger bindings_events_update ON bindings',
    'trigger bindings_stats_delete ON bindings',
    'trigger bindings_stats_insert ON bindings',
    'trigger bindings_stats_update ON bindings',
  ];

  it('has no domains, range types, functions or triggers beyond the maintained counts and statistics and the credential and binding notifications', () => {
    expect(
      [
        ...actual.otherTypes.map((t) => `type ${t.name} (typtype ${t.typtype})`),
        ...actual.functions.map((f) => `function ${f.name}`),
        ...actual.triggers.map((t) => `trigger ${t.name} ON ${t.table_name}`),
      ].sort(),
    ).toEqual(MAINTAINED_BY_TRIGGERS);
  });
});

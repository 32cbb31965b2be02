import { sql, type ColumnDataType, type CreateTableBuilder, type Kysely } from 'kysely';
import type { ViewDialect } from './view-store.port';

/** A column: its name, its SQL type, and whether it is the table's `key` or `required` (NOT NULL); nullable otherwise. */
export type ColumnSchema = readonly [name: string, type: ColumnDataType, filled?: 'key' | 'required'];

/** An index's columns, named `<table>_by_<columns joined by _>`; or a `name` of its own (PostgreSQL keeps 63 bytes of a name). */
export type IndexSchema = readonly string[] | { readonly name: string; readonly columns: readonly string[] };

/** A table of the view store as docs/read-models.md describes it: its columns, key and indexes. */
export interface TableSchema {
  readonly name: string;
  readonly columns: readonly ColumnSchema[];
  /** A key of several columns, named `<table>_pk`. */
  readonly primaryKey?: readonly string[];
  readonly indexes?: readonly IndexSchema[];
  /**
   * Indexes only readers go through (reports, the timeline), never the projection's own fold.
   * A generation being rebuilt is written without them and gets them once it has caught up
   * (`createReadIndexes`): one sorted pass per index instead of a random insert per row.
   */
  readonly readIndexes?: readonly IndexSchema[];
  /**
   * On SQLite, rows kept in the key's b-tree (WITHOUT ROWID): a look-up by key is one b-tree
   * descent instead of the key's index and then the row. PostgreSQL keeps its heap and index.
   */
  readonly clustered?: boolean;
}

export interface TableCreation {
  /** A generation's own name for an index or constraint (see ProjectionContext); names stay as written without it. */
  unique?: (name: string) => string;
  /** For the tables made once and shared by every generation: a table already there is kept. */
  ifNotExists?: boolean;
  /** Whether the read indexes are made with the table (default) or later (`createReadIndexes`). */
  readIndexes?: boolean;
  /** The store's dialect, for what only one of them has (`TableSchema.clustered`). */
  dialect?: ViewDialect;
}

/** Creates the table, then its indexes (without the read indexes when `creation.readIndexes` is false). */
export async function createTable(db: Kysely<any>, table: TableSchema, creation: TableCreation = {}): Promise<void> {
  const { unique = (name: string) => name, ifNotExists = false, readIndexes = true } = creation;
  let create: CreateTableBuilder<string, string> = db.schema.createTable(table.name);
  if (ifNotExists) create = create.ifNotExists();
  for (const [name, type, filled] of table.columns) {
    create = create.addColumn(name, type, (c) => (filled === 'key' ? c.primaryKey() : filled === 'required' ? c.notNull() : c));
  }
  if (table.primaryKey) create = create.addPrimaryKeyConstraint(unique(`${table.name}_pk`), [...table.primaryKey]);
  if (table.clustered && creation.dialect === 'sqlite') create = create.modifyEnd(sql`WITHOUT ROWID`);
  await create.execute();
  const indexes = [...(table.indexes ?? []), ...(readIndexes ? (table.readIndexes ?? []) : [])];
  for (const index of indexes) await createIndex(db, table.name, index, unique, ifNotExists);
}

/**
 * The table's read indexes that are not there yet (see `TableSchema.readIndexes`). One that is
 * there is left alone without touching the table: PostgreSQL's CREATE INDEX IF NOT EXISTS locks
 * the table before it looks, so at a process's start it would wait for a projector's batch,
 * or deadlock with one that writes the tables in another order.
 */
export async function createReadIndexes(
  db: Kysely<any>,
  table: TableSchema,
  { unique, dialect }: { unique: (name: string) => string; dialect: ViewDialect },
): Promise<void> {
  for (const index of table.readIndexes ?? []) {
    if (await indexExists(db, unique(namedIndex(table.name, index).name), dialect)) continue;
    await createIndex(db, table.name, index, unique, true);
  }
}

const namedIndex = (table: string, index: IndexSchema) =>
  'name' in index ? index : { name: `${table}_by_${index.join('_')}`, columns: index };

async function indexExists(db: Kysely<any>, name: string, dialect: ViewDialect): Promise<boolean> {
  const query =
    dialect === 'postgres'
      ? sql`SELECT 1 FROM pg_class WHERE oid = to_regclass(${name})`
      : sql`SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ${name}`;
  return (await query.execute(db)).rows.length > 0;
}

async function createIndex(db: Kysely<any>, table: string, index: IndexSchema, unique: (name: string) => string, ifNotExists: boolean) {
  const { name, columns } = namedIndex(table, index);
  let create = db.schema
    .createIndex(unique(name))
    .on(table)
    .columns([...columns]);
  if (ifNotExists) create = create.ifNotExists();
  await create.execute();
}

import { CompiledQuery, sql, type ExpressionBuilder, type Kysely, type RawBuilder } from 'kysely';
import type { ViewDialect } from './view-store/view-store.port';

/** Rows per multi-row statement: well under SQLite's and PostgreSQL's bound-parameter limits. */
export const ROWS_PER_STATEMENT = 500;

export function inChunks<T>(rows: readonly T[], size = ROWS_PER_STATEMENT): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
}

/**
 * Rows to insert, in chunks of ROWS_PER_STATEMENT, the rest in parts whose lengths are
 * powers of two (337 = 256 + 64 + 16 + 1). A multi-row insert's text follows its length:
 * with a remainder of any length, nearly every batch made new texts, each prepared again
 * (2.7 ms for 337 rows of 15 columns, four times the insert itself) and held by SQLite
 * until V8 collected it (700 KiB for 500 rows). Now each insert takes one of a few texts.
 * Only for statements whose effect does not depend on how rows are grouped (inserts).
 */
export function insertChunks<T>(rows: readonly T[]): T[][] {
  let i = rows.length - (rows.length % ROWS_PER_STATEMENT);
  const chunks = inChunks(rows.slice(0, i));
  for (let part = 2 ** Math.floor(Math.log2(ROWS_PER_STATEMENT)); i < rows.length; part /= 2) {
    if (rows.length - i < part) continue;
    chunks.push(rows.slice(i, i + part));
    i += part;
  }
  return chunks;
}

/**
 * The rows in the order of an index of their table (by `columns`), for `insertAll`. Rows in
 * the order of their positions land on random leaves of an index that starts with the
 * customer; in the index's order, a customer's rows go into one leaf after another. 40,000
 * fact rows into `customer_facts` at 1,000,000 events: 835-876 ms in position order,
 * 508-540 ms in this one. Only for inserts whose effect does not depend on the rows' order.
 */
export function inIndexOrder<T extends object>(rows: readonly T[], columns: ReadonlyArray<keyof T>): T[] {
  return [...rows].sort((a, b) => {
    for (const column of columns) {
      const [x, y] = [a[column], b[column]];
      if (x === y) continue;
      if (x === null || x === undefined) return -1;
      if (y === null || y === undefined) return 1;
      return x < y ? -1 : 1;
    }
    return 0;
  });
}

/** An upsert's SET: each of the columns takes the value of the row that was refused (`excluded`). */
export const excludedValues =
  (columns: readonly string[]) =>
  (eb: ExpressionBuilder<any, any>): Record<string, unknown> =>
    Object.fromEntries(columns.map((column) => [column, eb.ref(`excluded.${column}`)]));

/** What an insert does with a row whose key is stored already: fails, or leaves the stored row (ON CONFLICT DO NOTHING). */
export type OnConflict = 'fail' | 'ignore';

/** Inserts the rows, in the chunks `insertChunks` makes. */
export async function insertAll(db: Kysely<any>, table: string, rows: readonly object[], conflicts: OnConflict = 'fail'): Promise<void> {
  for (const chunk of insertChunks(rows)) await insertChunk(db, table, chunk, conflicts);
}

/**
 * One multi-row insert. The query builder makes a node per value, and the view store's
 * generation plugin copies every node to rename one table: 6,500 nodes made and frozen
 * twice for 500 rows of 13 columns. So only the first row goes through the builder (the
 * plugin names the table, the dialect its placeholders), and the other rows' placeholders
 * are repeated from it. Rows whose columns differ from the first's, with an undefined value
 * (the builder leaves such a column to its default) or an object (maybe an expression,
 * which the builder writes as SQL) take the builder's way.
 */
async function insertChunk(db: Kysely<any>, table: string, rows: readonly object[], conflicts: OnConflict): Promise<void> {
  const insert = (values: object | readonly object[]) => {
    const query = db.insertInto(table).values(values);
    return conflicts === 'ignore' ? query.onConflict((oc) => oc.doNothing()) : query;
  };
  const columns = Object.keys(rows[0]);
  const values = valuesInOrder(rows, columns);
  if (!values) {
    await insert(rows).execute();
    return;
  }
  const oneRow = insert(rows[0]).compile().sql;
  const tuple = oneRow.lastIndexOf(' values (') + ' values '.length;
  const [head, tail] = [oneRow.slice(0, tuple), oneRow.slice(oneRow.indexOf(')', tuple) + 1)];
  await db.executeQuery(CompiledQuery.raw(head + placeholders(columns.length, rows.length, oneRow.includes('$1')) + tail, values));
}

/** Each row's values in the order of `columns`; undefined when a row has other columns or leaves one undefined. */
function valuesInOrder(rows: readonly object[], columns: readonly string[]): unknown[] | undefined {
  const values: unknown[] = [];
  for (const row of rows) {
    if (Object.keys(row).length !== columns.length) return undefined;
    for (const column of columns) {
      const value = (row as Record<string, unknown>)[column];
      if (value === undefined || isExpression(value)) return undefined;
      values.push(value);
    }
  }
  return values;
}

/** A value the builder would write as SQL rather than bind (an expression); buffers are bound as they are. */
const isExpression = (value: unknown): boolean =>
  typeof value === 'function' || (typeof value === 'object' && value !== null && !Buffer.isBuffer(value));

/** `(?, ?), (?, ?)` (or PostgreSQL's `($1, $2), ($3, $4)`) by row width and count: a few dozen texts in all (see insertChunks). */
const PLACEHOLDERS = new Map<string, string>();

function placeholders(width: number, count: number, numbered: boolean): string {
  const key = `${width}:${count}:${numbered}`;
  let text = PLACEHOLDERS.get(key);
  if (text === undefined) {
    const tuple = (row: number) =>
      `(${Array.from({ length: width }, (_, column) => (numbered ? `$${row * width + column + 1}` : '?')).join(', ')})`;
    text = Array.from({ length: count }, (_, row) => tuple(row)).join(', ');
    PLACEHOLDERS.set(key, text);
  }
  return text;
}

/** BIGINT columns come back as strings from PostgreSQL. */
export const toNumber = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/** Queries per UNION ALL statement (SQLite allows 500 members): a batch is a handful of statements, not a few per customer. */
const MEMBERS_PER_STATEMENT = 25;

/**
 * The rows of many small indexed queries in a few statements, one UNION ALL per
 * MEMBERS_PER_STATEMENT (an OR of such terms would have the database scan the table).
 * Plain SQL: the query builder's cost grows with the square of the members. A member with
 * ORDER BY or LIMIT must be wrapped as a derived table.
 */
export async function unionAll<R>(db: Kysely<any>, queries: readonly RawBuilder<unknown>[]): Promise<R[]> {
  const rows: R[] = [];
  for (const chunk of inChunks(queries, MEMBERS_PER_STATEMENT))
    rows.push(...(await sql<R>`${sql.join(chunk, sql` UNION ALL `)}`.execute(db)).rows);
  return rows;
}

/** Where a value goes in a VALUES table's text: a character no SQL of ours holds. */
const VALUE = '\u0000';

/**
 * Rows handed to SQL as a derived table `(VALUES …) AS alias`, whose columns are `column1`,
 * `column2`, … on SQLite and PostgreSQL alike; each value is cast to its column's type so
 * that PostgreSQL compares it as such. One statement then joins any number of keys to an
 * index, where a query per key would cost a statement (and its preparation) each.
 *
 * Join it as `… AS s CROSS JOIN table t WHERE t.key = s.column1 …`: SQLite keeps the left
 * side of a CROSS JOIN as the outer loop, so each key is a seek. With a plain JOIN and a few
 * hundred keys, SQLite (which has no statistics on view tables) scanned the whole table
 * once per statement, a cost that grew with the history. PostgreSQL plans a CROSS JOIN
 * with a WHERE as any inner join.
 */
export function valuesTable(
  rows: ReadonlyArray<ReadonlyArray<string | number>>,
  types: ReadonlyArray<'text' | 'bigint'>,
  alias: string,
): RawBuilder<unknown> {
  // One raw fragment whose parameters are the values alone (the text cut where each value
  // goes): built from nested `sql` parts, it was three nodes a value, each made, frozen and
  // copied again by the generation plugin.
  const tuple = `(${types.map((type) => `CAST(${VALUE} AS ${type})`).join(', ')})`;
  const fragments = `(VALUES ${rows.map(() => tuple).join(', ')}) AS ${alias}`.split(VALUE);
  // A loop: rows.flat() doubled this function's time for 500 rows (255 against 135 µs).
  const values: Array<string | number> = [];
  for (const row of rows) values.push(...row);
  return sql(Object.assign(fragments, { raw: fragments }), ...values);
}

/**
 * For the rest of a projection's transaction on PostgreSQL, joins are nested loops: its
 * statements join a batch's keys (a VALUES table) to the indexes they seek, as SQLite runs
 * them. Costing a random read four sequential ones, PostgreSQL planned the larger of those
 * joins as a hash join over a scan of the whole table, a cost that grew with the history
 * (500 customers' stage facts: 65 ms against 25 ms at 190,000 facts).
 */
export async function planSeeks(tx: Kysely<any>, dialect: ViewDialect): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql`SELECT set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)`.execute(tx);
}

/** Keys per VALUES table: a few bound values each, well under SQLite's and PostgreSQL's limits. */
const KEYS_PER_STATEMENT = 500;

/** The rows of `query` run once per chunk of `keys` (each chunk given to it to make a VALUES table of). */
export async function rowsForKeys<K, R>(
  db: Kysely<any>,
  keys: readonly K[],
  query: (chunk: readonly K[]) => RawBuilder<unknown>,
): Promise<R[]> {
  const rows: R[] = [];
  for (const chunk of inChunks(keys, KEYS_PER_STATEMENT)) rows.push(...(await sql<R>`${query(chunk)}`.execute(db)).rows);
  return rows;
}

/**
 * Deletes the rows of `table` (alias `t`) that `match` pairs with one of `keys` (the VALUES
 * table `s` that `values` makes of a chunk): one statement per chunk, each key a seek of an
 * index. An OR of a term per key had PostgreSQL read the whole table or a bitmap of every
 * term (200 ms to a second a chunk at 100,000 rows, more as the table grew). PostgreSQL joins
 * in the DELETE itself; SQLite, which cannot, deletes the rowids the same join finds.
 */
export async function deleteForKeys<K>(
  db: Kysely<any>,
  dialect: ViewDialect,
  table: string,
  keys: readonly K[],
  values: (chunk: readonly K[]) => RawBuilder<unknown>,
  match: RawBuilder<unknown>,
): Promise<void> {
  const target = sql.table(table);
  for (const chunk of inChunks(keys, KEYS_PER_STATEMENT)) {
    const statement =
      dialect === 'postgres'
        ? sql`DELETE FROM ${target} AS t USING ${values(chunk)} WHERE ${match}`
        : sql`DELETE FROM ${target} WHERE rowid IN (SELECT t.rowid FROM ${values(chunk)} CROSS JOIN ${target} t WHERE ${match})`;
    await statement.execute(db);
  }
}

import { sql, type Kysely, type RawBuilder } from 'kysely';

/** Rows per multi-row statement: well under SQLite's and PostgreSQL's bound-parameter limits. */
const ROWS_PER_STATEMENT = 500;

export function inChunks<T>(rows: readonly T[], size = ROWS_PER_STATEMENT): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < rows.length; i += size) chunks.push(rows.slice(i, i + size));
  return chunks;
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

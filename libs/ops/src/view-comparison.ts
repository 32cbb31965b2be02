import { sql } from 'kysely';
import type { Projection, ViewStore } from '@cx/projection';

export interface ViewDifference {
  table: string;
  onlyLive: string[];
  onlyRebuilt: string[];
}

/** Compares a projection's tables in two view stores, row by row; returns the tables that differ. */
export async function compareProjection(live: ViewStore, rebuilt: ViewStore, projection: Projection): Promise<ViewDifference[]> {
  const differences: ViewDifference[] = [];
  for (const table of projection.tables) {
    const [a, b] = await Promise.all([rowsOf(live, table), rowsOf(rebuilt, table)]);
    const onlyLive = difference(a, b);
    const onlyRebuilt = difference(b, a);
    if (onlyLive.length + onlyRebuilt.length > 0)
      differences.push({ table, onlyLive: onlyLive.slice(0, 5), onlyRebuilt: onlyRebuilt.slice(0, 5) });
  }
  return differences;
}

/** Rows as canonical text: numbers compared by value, since PostgreSQL answers BIGINT as a string. */
async function rowsOf(store: ViewStore, table: string): Promise<Map<string, number>> {
  const { rows } = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)}`.execute(store.reader);
  const counts = new Map<string, number>();
  for (const row of rows) {
    const text = JSON.stringify(
      Object.keys(row)
        .sort()
        .map((column) => [column, canonicalValue(row[column])]),
    );
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  return counts;
}

function canonicalValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value) && Number.isSafeInteger(Number(value))) return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

function difference(a: Map<string, number>, b: Map<string, number>): string[] {
  const only: string[] = [];
  for (const [row, count] of a) for (let i = b.get(row) ?? 0; i < count; i++) only.push(row);
  return only;
}

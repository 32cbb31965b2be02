import type { Kysely } from 'kysely';
import type { ViewDialect } from './view-store.port';

export const ENTITY_LOCKS_TABLE = 'projection_entity_locks';

/** Keys per statement: well under PostgreSQL's 65,535 bind parameters at three per row. */
const CHUNK = 5000;

/**
 * Row locks on one row per entity, held until the transaction ends. Row locks rather than
 * advisory locks: a batch may lock thousands of entities, and PostgreSQL keeps advisory
 * locks in a small shared table but row locks on the rows themselves. Keys are locked in
 * sorted order, so two transactions locking in one call never deadlock; across calls the
 * database detects the cycle and the caller retries the batch.
 */
export async function lockEntities(
  tx: Kysely<any>,
  dialect: ViewDialect,
  name: string,
  generation: number,
  keys: readonly string[],
): Promise<void> {
  // SQLite has one writer at a time: the transaction already excludes every other.
  if (dialect === 'sqlite' || keys.length === 0) return;
  const sorted = [...new Set(keys)].sort();
  for (let i = 0; i < sorted.length; i += CHUNK) {
    const chunk = sorted.slice(i, i + CHUNK);
    await tx
      .insertInto(ENTITY_LOCKS_TABLE)
      .values(chunk.map((key) => ({ name, generation, key })))
      .onConflict((oc) => oc.columns(['name', 'generation', 'key']).doNothing())
      .execute();
    await tx
      .selectFrom(ENTITY_LOCKS_TABLE)
      .select('key')
      .where('name', '=', name)
      .where('generation', '=', generation)
      .where('key', 'in', chunk)
      .orderBy('key')
      .forUpdate()
      .execute();
  }
}

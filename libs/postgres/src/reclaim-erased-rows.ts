import type { Pool } from 'pg';

export interface ReclaimStep {
  statement: string;
  done: boolean;
  /** Why it could not run (e.g. the role lacks the right): ops run it by hand (docs/erasure.md). */
  error?: string;
}

/**
 * After an erasure, PostgreSQL still holds the deleted rows (identifier digests, the
 * customer's key) as dead tuples until VACUUM, and in WAL segments until they are recycled.
 * Runs what a connection may run to shorten that: VACUUM of the tables that held them,
 * then a checkpoint and a switch to a new WAL segment, so the segments that hold the
 * deletions can be recycled at the next checkpoint. Each step is tried on its own; one the
 * role may not run (CHECKPOINT and pg_switch_wal need superuser or their grant) is reported.
 */
export async function reclaimErasedRows(pool: Pool, tables: readonly string[]): Promise<ReclaimStep[]> {
  const statements = [`VACUUM ${tables.join(', ')}`, 'CHECKPOINT', 'SELECT pg_switch_wal()', 'CHECKPOINT'];
  const steps: ReclaimStep[] = [];
  for (const statement of statements) {
    try {
      await pool.query(statement);
      steps.push({ statement, done: true });
    } catch (error) {
      steps.push({ statement, done: false, error: (error as Error).message });
    }
  }
  return steps;
}

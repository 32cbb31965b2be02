import type { Pool, PoolClient } from 'pg';

/** Thrown inside a transaction to roll it back and run it again: what it read has changed under it. */
export class RetryTransaction extends Error {}

/** serialization_failure, deadlock_detected: PostgreSQL rolled the transaction back and it may simply be run again. */
const RETRYABLE_CODES = new Set(['40001', '40P01']);
const ATTEMPTS = 10;

const ignore = () => undefined;

/**
 * Runs `work` in one transaction on one pooled connection, again (up to a bound) when it
 * asks to or PostgreSQL says so. Any other error, a lost connection included, reaches the
 * caller: an append whose COMMIT got no answer may or may not be stored, and only a retry
 * by the caller (answered `duplicate` if it was) can tell. A connection that failed is
 * destroyed rather than returned to the pool, so the pool heals with fresh connections.
 */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    // A checked-out client emits 'error' when its server goes away; without a listener that would crash the process.
    client.on('error', ignore);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      broken = await client
        .query('ROLLBACK')
        .then(ignore, (rollbackError: unknown) => (rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError))));
      if (attempt < ATTEMPTS && isRetryable(error)) continue;
      throw error;
    } finally {
      client.off('error', ignore);
      client.release(broken);
    }
  }
}

function isRetryable(error: unknown): boolean {
  if (error instanceof RetryTransaction) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}

const watchedPools = new WeakSet<Pool>();

/**
 * An idle pooled connection whose server restarts emits 'error' on the pool; unheard, that
 * would end the process. The pool drops such a connection by itself, so hearing is enough.
 */
export function toleratePoolErrors(pool: Pool): void {
  if (watchedPools.has(pool)) return;
  watchedPools.add(pool);
  pool.on('error', ignore);
}

import { Pool, PoolClient } from 'pg';

export interface PostgresPoolOptions {
  /** Connections at most, shared by every adapter of the process. */
  max?: number;
  /** Told of each connection lost or refused outside a query (a server restart, a network cut). */
  onError?: (error: Error) => void;
}

/**
 * The process's one PostgreSQL pool. A server that restarts ends every connection: an idle
 * pooled one emits 'error' on the pool, a checked-out one on its client, and either,
 * unheard, would end the process. Both are heard here, once, for every adapter; the pool
 * drops broken connections by itself and opens fresh ones when the server is back.
 *
 * An append holds the event store's global `head` row until it commits; should a process
 * stall between statements, the server ends that transaction after 30 s rather than let
 * every other append wait behind it.
 */
export function openPostgresPool(connectionString: string, options: PostgresPoolOptions = {}): Pool {
  const pool = new Pool({
    connectionString,
    max: options.max ?? DEFAULT_MAX,
    idle_in_transaction_session_timeout: 30_000,
    // A request waits this long at most for a connection (a server that does not answer, or a pool in full use), then fails: 503.
    connectionTimeoutMillis: 10_000,
  });
  hearConnectionErrors(pool, options.onError ?? (() => undefined));
  return pool;
}

/** Room for appends, projector batches and queries side by side; PostgreSQL's own default allows 100 connections. */
const DEFAULT_MAX = 20;

/** Listens on the pool and on every client it opens, so no lost connection goes unheard. */
export function hearConnectionErrors(pool: Pool, onError: (error: Error) => void): void {
  pool.on('error', onError);
  pool.on('connect', (client: PoolClient) => void client.on('error', onError));
}

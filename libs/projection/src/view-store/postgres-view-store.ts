import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import type { Pool } from 'pg';
import Cursor from 'pg-cursor';
import { openPostgresPool, checkedSchema } from '@cx/postgres';
import type { SnapshotRead, ViewStore } from './view-store.port';

/**
 * Views in PostgreSQL, in their own schema so they never meet the event store's tables.
 * Given a pool, it shares it (the process's one pool) and leaves it open on close; given a
 * connection string, it opens a pool of its own and ends it on close.
 */
export class PostgresViewStore implements ViewStore {
  readonly dialect = 'postgres' as const;
  readonly reader: Kysely<any>;
  private readonly pool: Pool;
  private readonly ownsPool: boolean;
  /** Reads waiting for, or holding, a connection beside their own (`readSnapshot`). */
  private besideReads = 0;

  constructor(
    connection: string | Pool,
    readonly schema = 'cx_views',
  ) {
    checkedSchema(schema);
    this.ownsPool = typeof connection === 'string';
    this.pool = typeof connection === 'string' ? openPostgresPool(connection, { max: 10 }) : connection;
    // Queries name tables without a schema: each connection this store first meets gets the
    // search path, once (the pool's other users name every table with its schema).
    const onCreateConnection = async (connection: { executeQuery(query: CompiledQuery): Promise<unknown> }) => {
      await connection.executeQuery(CompiledQuery.raw(`SET search_path TO ${schema}, public`));
    };
    // The cursor lets a whole table be streamed a page at a time (`cx verify` compares views).
    this.reader = new Kysely({ dialect: new PostgresDialect({ pool: this.pool, onCreateConnection, cursor: Cursor }) });
  }

  /** Creates the schema once; an advisory lock keeps processes that start together from racing. */
  async ensureSchema(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock(hashtext($1))', [this.schema]);
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [this.schema]);
    } finally {
      client.release();
    }
  }

  transaction<T>(work: (tx: Kysely<any>) => Promise<T>): Promise<T> {
    return this.reader.transaction().execute(work);
  }

  /**
   * REPEATABLE READ, read only. `beside` opens a second such transaction that imports the
   * first one's snapshot (pg_export_snapshot, SET TRANSACTION SNAPSHOT: how pg_dump's workers
   * share one). A read waiting for that connection would hold its own meanwhile, behind requests
   * that came after it (and if every connection were held so, none would ever come back). So
   * `beside` takes a connection only when the pool can give one at once with nobody queued for
   * one, and at most all but one of the pool's connections at a time (the check and the taking
   * are a few ticks apart); otherwise the work runs on the read's own connection.
   */
  readSnapshot<T>(work: (read: SnapshotRead) => Promise<T>, prepare?: (db: Kysely<any>) => Promise<void>): Promise<T> {
    return this.snapshotTransaction().execute(async (db) => {
      await prepare?.(db);
      let exported: Promise<string> | undefined;
      const beside = async <B>(besideWork: (other: Kysely<any>) => Promise<B>): Promise<B> => {
        if (!this.spareConnection()) return besideWork(db);
        this.besideReads += 1;
        try {
          exported ??= exportSnapshot(db);
          const snapshot = await exported;
          return await this.snapshotTransaction().execute(async (other) => {
            await sql`SET TRANSACTION SNAPSHOT ${sql.lit(snapshot)}`.execute(other);
            await prepare?.(other);
            return besideWork(other);
          });
        } finally {
          this.besideReads -= 1;
        }
      };
      return work({ db, beside });
    });
  }

  private spareConnection(): boolean {
    const { idleCount, totalCount, waitingCount, options } = this.pool;
    return waitingCount === 0 && (idleCount > 0 || totalCount < options.max) && this.besideReads < options.max - 1;
  }

  private snapshotTransaction() {
    return this.reader.transaction().setIsolationLevel('repeatable read').setAccessMode('read only');
  }

  /** Through Kysely, so the statement runs on a connection with this store's search path. */
  async execute(statement: string): Promise<void> {
    await sql.raw(statement).execute(this.reader);
  }

  async close(): Promise<void> {
    if (this.ownsPool) await this.reader.destroy();
  }
}

async function exportSnapshot(db: Kysely<any>): Promise<string> {
  const { rows } = await sql<{ snapshot: string }>`SELECT pg_export_snapshot() AS snapshot`.execute(db);
  return rows[0].snapshot;
}

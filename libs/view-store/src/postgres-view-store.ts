import { Kysely, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import type { ViewStore } from './view-store.port';

/** Views in PostgreSQL, in their own schema so they never meet the event store's tables. */
export class PostgresViewStore implements ViewStore {
  readonly dialect = 'postgres' as const;
  readonly reader: Kysely<any>;
  private readonly pool: Pool;

  constructor(connectionString: string, readonly schema = 'cx_views') {
    this.pool = new Pool({ connectionString, max: 10, options: `-c search_path=${schema},public` });
    this.reader = new Kysely({ dialect: new PostgresDialect({ pool: this.pool }) });
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

  async execute(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async close(): Promise<void> {
    await this.reader.destroy();
  }
}

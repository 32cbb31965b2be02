import type { Pool } from 'pg';
import { newCustomerKey } from './field-cipher';
import type { CustomerKeys } from './customer-keys.port';

/**
 * Keys in PostgreSQL, for the postgres and eventstoredb event stores (an EventStoreDB log
 * cannot really delete). The table is named with its schema: the process's pool is shared
 * with the view store, whose connections put `cx_views` first on the search path.
 */
export const POSTGRES_CUSTOMER_KEYS_TABLE = 'public.cx_customer_keys';

export class PostgresCustomerKeys implements CustomerKeys {
  private ready?: Promise<void>;

  constructor(
    private readonly pool: Pool,
    private readonly table = POSTGRES_CUSTOMER_KEYS_TABLE,
  ) {}

  private init(): Promise<void> {
    this.ready ??= this.pool
      .query(`CREATE TABLE IF NOT EXISTS ${this.table} (customer_id text PRIMARY KEY, key bytea NOT NULL)`)
      .then(() => undefined);
    return this.ready;
  }

  async ensure(customerIds: readonly string[]): Promise<Map<string, Buffer>> {
    await this.init();
    const ids = [...new Set(customerIds)];
    await this.pool.query(
      `INSERT INTO ${this.table} (customer_id, key) SELECT * FROM unnest($1::text[], $2::bytea[]) ON CONFLICT (customer_id) DO NOTHING`,
      [ids, ids.map(() => newCustomerKey())],
    );
    return this.find(ids);
  }

  async find(customerIds: readonly string[]): Promise<Map<string, Buffer>> {
    await this.init();
    const { rows } = await this.pool.query(`SELECT customer_id, key FROM ${this.table} WHERE customer_id = ANY($1::text[])`, [
      [...customerIds],
    ]);
    return new Map(rows.map((row: { customer_id: string; key: Buffer }) => [row.customer_id, row.key]));
  }

  async destroy(customerIds: readonly string[]): Promise<number> {
    await this.init();
    const result = await this.pool.query(`DELETE FROM ${this.table} WHERE customer_id = ANY($1::text[])`, [[...customerIds]]);
    return result.rowCount ?? 0;
  }
}

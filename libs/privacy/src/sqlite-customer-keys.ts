import { migrate, SqliteDatabase } from '@cx/sqlite';
import { newCustomerKey } from './field-cipher';
import type { CustomerKeys } from './customer-keys.port';

/**
 * Keys in the embedded event store's file. secure_delete overwrites a deleted key's bytes
 * on disk instead of leaving them in a free page.
 */
export class SqliteCustomerKeys implements CustomerKeys {
  private readonly statements;

  constructor(private readonly db: SqliteDatabase) {
    migrate(db, 'customer-keys', [
      { version: 1, description: 'customer keys', sql: 'CREATE TABLE customer_keys (customer_id TEXT PRIMARY KEY, key BLOB NOT NULL)' },
    ]);
    db.pragma('secure_delete = ON');
    this.statements = {
      insert: db.prepare('INSERT OR IGNORE INTO customer_keys (customer_id, key) VALUES (?, ?)'),
      find: db.prepare('SELECT customer_id, key FROM customer_keys WHERE customer_id IN (SELECT value FROM json_each(?))'),
    };
  }

  async ensure(customerIds: readonly string[]): Promise<Map<string, Buffer>> {
    this.db
      .transaction(() => {
        for (const id of customerIds) this.statements.insert.run(id, newCustomerKey());
      })
      .immediate();
    return this.find(customerIds);
  }

  async find(customerIds: readonly string[]): Promise<Map<string, Buffer>> {
    const rows = this.statements.find.all(JSON.stringify(customerIds)) as Array<{ customer_id: string; key: Buffer }>;
    return new Map(rows.map((row) => [row.customer_id, row.key]));
  }

  async destroy(customerIds: readonly string[]): Promise<number> {
    const result = this.db
      .prepare('DELETE FROM customer_keys WHERE customer_id IN (SELECT value FROM json_each(?))')
      .run(JSON.stringify(customerIds));
    // The write-ahead log would otherwise keep a copy of the deleted key until its next checkpoint.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return result.changes;
  }
}

import type { Pool, PoolClient } from 'pg';

export interface PgMigration {
  version: number;
  description: string;
  /** Runs with `search_path` unset: name every table with its schema. */
  sql: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** A schema name safe to splice into SQL (identifiers cannot be bound as parameters). */
export function checkedSchema(schema: string): string {
  if (!IDENTIFIER.test(schema)) throw new Error(`schema name "${schema}" must be a lower-case SQL identifier`);
  return schema;
}

/**
 * Applies, once each and in version order, the migrations a schema lacks, recording each in
 * `<schema>.schema_migrations` in the same transaction as its DDL. Processes that start
 * together take turns on a session advisory lock keyed by the schema: the first applies,
 * the others then find every version applied. The lock goes with the connection if the
 * process dies, so a crash mid-migration blocks nobody.
 */
export async function migrate(pool: Pool, schema: string, migrations: readonly PgMigration[]): Promise<void> {
  checkedSchema(schema);
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [`cx:migrations:${schema}`]);
    try {
      await applyMissing(client, schema, migrations);
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [`cx:migrations:${schema}`]);
    }
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.release(failure);
  }
}

async function applyMissing(client: PoolClient, schema: string, migrations: readonly PgMigration[]): Promise<void> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
    version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations`);
  const applied = new Set(rows.map((row) => row.version));
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    await client.query('BEGIN');
    try {
      await client.query(migration.sql);
      await client.query(`INSERT INTO ${schema}.schema_migrations (version, description) VALUES ($1, $2)`, [
        migration.version,
        migration.description,
      ]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}

import { Kysely, sql } from 'kysely';
import type { ViewDialect } from './view-store.port';

/** Any fixed number: the advisory lock that serializes schema changes in the view store. */
const SCHEMA_CHANGE_LOCK = 0x63785f76; // "cx_v"

/**
 * Serializes schema changes until the transaction ends. PostgreSQL's CREATE TABLE IF NOT
 * EXISTS is not safe against itself: two processes starting together can both pass the
 * check and one fails on the catalog's unique index.
 */
export async function lockSchemaChanges(tx: Kysely<any>, dialect: ViewDialect): Promise<void> {
  if (dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(${SCHEMA_CHANGE_LOCK})`.execute(tx);
}

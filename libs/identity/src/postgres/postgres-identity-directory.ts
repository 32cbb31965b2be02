import type { Pool, PoolClient } from 'pg';
import type { Clock } from '@cx/clock';
import { checkedSchema, EVENT_STORE_SCHEMA, eventStoreMigrations, fromPgText, inTransaction, migrate, toPgText } from '@cx/event-store';
import type { IdentityChanges, IdentityDirectory, RecordedConflict } from '../identity-directory.port';
import type { IdentityLink } from '../customer-resolution';

/** Identifier links in PostgreSQL, in the event store's schema (tables from its migrations). */
export class PostgresIdentityDirectory implements IdentityDirectory {
  private constructor(private readonly pool: Pool, private readonly clock: Clock, private readonly schema: string) {}

  /** Over the event store's pool, whose caller hears its connection errors (see @cx/postgres). */
  static async open(pool: Pool, clock: Clock, options: { schema?: string } = {}): Promise<PostgresIdentityDirectory> {
    const schema = checkedSchema(options.schema ?? EVENT_STORE_SCHEMA);
    await migrate(pool, schema, eventStoreMigrations(schema));
    return new PostgresIdentityDirectory(pool, clock, schema);
  }

  async lookup(keys: readonly string[]): Promise<Map<string, string>> {
    const { rows } = await this.pool.query<{ identifier: string; customer_id: string }>(
      `SELECT identifier, customer_id FROM ${this.schema}.identities WHERE identifier = ANY($1::text[])`,
      [keys.map(toPgText)],
    );
    return new Map(rows.map((row) => [fromPgText(row.identifier), fromPgText(row.customer_id)]));
  }

  /** Links, then merges in their order, then conflicts, in one transaction: another ingest process sees all of it or none. */
  async record(changes: IdentityChanges): Promise<void> {
    const recordedAt = new Date(this.clock.now()).toISOString();
    await inTransaction(this.pool, async (client) => {
      await this.link(client, lastLinkPerKey(changes.links));
      for (const merge of changes.merges) {
        await client.query(`UPDATE ${this.schema}.identities SET customer_id = $1 WHERE customer_id = $2`, [toPgText(merge.into), toPgText(merge.from)]);
      }
      if (changes.conflicts.length > 0) await this.recordConflicts(client, changes.conflicts, recordedAt);
    });
  }

  /**
   * Erasure (SPEC §4.3): drops every link pointing at these customers, and the conflicts
   * that name them, since both hold identifiers (e-mails, phone numbers) in clear.
   */
  async forget(customerIds: readonly string[]): Promise<void> {
    const ids = customerIds.map(toPgText);
    await inTransaction(this.pool, async (client) => {
      await client.query(`DELETE FROM ${this.schema}.identities WHERE customer_id = ANY($1::text[])`, [ids]);
      await client.query(`DELETE FROM ${this.schema}.identity_conflicts WHERE linked_to = ANY($1::text[]) OR claimed_by = ANY($1::text[])`, [ids]);
    });
  }

  async conflicts(limit: number): Promise<RecordedConflict[]> {
    const { rows } = await this.pool.query<{ identifier: string; linked_to: string; claimed_by: string; event_source: string; event_id: string; recorded_at: Date }>(
      `SELECT identifier, linked_to, claimed_by, event_source, event_id, recorded_at FROM ${this.schema}.identity_conflicts ORDER BY id DESC LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({
      key: fromPgText(row.identifier), linkedTo: fromPgText(row.linked_to), claimedBy: fromPgText(row.claimed_by),
      eventSource: fromPgText(row.event_source), eventId: fromPgText(row.event_id), recordedAt: row.recorded_at.toISOString(),
    }));
  }

  /** Upserts in key order, so two processes linking the same keys wait for each other instead of deadlocking. */
  private async link(client: PoolClient, links: IdentityLink[]): Promise<void> {
    if (links.length === 0) return;
    await client.query(
      `INSERT INTO ${this.schema}.identities (identifier, customer_id) SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT (identifier) DO UPDATE SET customer_id = excluded.customer_id`,
      [links.map((l) => toPgText(l.key)), links.map((l) => toPgText(l.customerId))],
    );
  }

  private async recordConflicts(client: PoolClient, conflicts: IdentityChanges['conflicts'], recordedAt: string): Promise<void> {
    const column = (pick: (c: IdentityChanges['conflicts'][number]) => string) => conflicts.map((c) => toPgText(pick(c)));
    await client.query(
      `INSERT INTO ${this.schema}.identity_conflicts (identifier, linked_to, claimed_by, event_source, event_id, recorded_at)
       SELECT i, l, c, s, e, $6::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(i, l, c, s, e)`,
      [column((c) => c.key), column((c) => c.linkedTo), column((c) => c.claimedBy), column((c) => c.eventSource), column((c) => c.eventId), recordedAt],
    );
  }
}

/** A key linked twice in one batch ends where the last link points (one upsert cannot touch a row twice). */
function lastLinkPerKey(links: IdentityLink[]): IdentityLink[] {
  const last = new Map(links.map((link) => [link.key, link]));
  return [...last.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

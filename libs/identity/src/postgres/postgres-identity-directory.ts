import type { Pool, PoolClient } from 'pg';
import type { Clock } from '@cx/clock';
import { EVENT_STORE_SCHEMA, eventStoreMigrations } from '@cx/event-store';
import { anonymousCustomerId, isAnonymous } from '../customer-identifiers';
import type { CustomerMerge, IdentityLink } from '../customer-resolution';
import { CLEAR_IDENTIFIER, IdentifierDigests } from '../identifier-digests';
import type { DirectoryTransaction, IdentityChanges, IdentityDirectory, RecordedConflict } from '../identity-directory.port';
import { checkedSchema, fromPgText, inTransaction, migrate, toPgText } from '@cx/postgres';

/** Identifier links in PostgreSQL, in the event store's schema (tables from its migrations). */
/** The tables that hold identifier digests, for ops' VACUUM after an erasure (docs/erasure.md). */
export const POSTGRES_IDENTITY_TABLES = [`${EVENT_STORE_SCHEMA}.identities`, `${EVENT_STORE_SCHEMA}.identity_conflicts`];

export class PostgresIdentityDirectory implements IdentityDirectory {
  private constructor(
    private readonly pool: Pool,
    private readonly clock: Clock,
    private readonly schema: string,
  ) {}

  /** Over the event store's pool, whose caller hears its connection errors (see @cx/postgres). */
  static async open(pool: Pool, clock: Clock, options: { schema?: string } = {}): Promise<PostgresIdentityDirectory> {
    const schema = checkedSchema(options.schema ?? EVENT_STORE_SCHEMA);
    await migrate(pool, schema, eventStoreMigrations(schema));
    return new PostgresIdentityDirectory(pool, clock, schema);
  }

  /** The directory inside a transaction open on `client` (the ingest path's, with the event store). */
  within(client: PoolClient): DirectoryTransaction {
    return { lookup: (keys) => this.lookup(client, keys), record: (changes) => this.record(client, changes) };
  }

  /**
   * Takes a transaction lock on each key first (in sorted order, as unnest keeps it, so two processes never deadlock),
   * so that of two processes resolving the same identifier, the second sees what the first
   * linked: without it both could find it unlinked, and a merge would be lost.
   */
  private async lookup(client: PoolClient, keys: readonly string[]): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    const { rows } = await client.query<{ identifier: string; customer_id: string }>({
      name: `${this.schema}.identities-lookup`,
      text: `WITH locked AS (SELECT pg_advisory_xact_lock(hashtextextended(k, 7)) FROM unnest($1::text[]) AS k)
        SELECT identifier, customer_id FROM ${this.schema}.identities WHERE identifier = ANY($1::text[]) AND (SELECT count(*) FROM locked) >= 0`,
      values: [[...new Set(keys)].sort()],
    });
    return new Map(rows.map((row) => [row.identifier, fromPgText(row.customer_id)]));
  }

  /** Links, then merges in their order, then conflicts. */
  private async record(client: PoolClient, changes: IdentityChanges): Promise<void> {
    const recordedAt = new Date(this.clock.now()).toISOString();
    await this.link(client, lastLinkPerKey(changes.links));
    for (const merge of changes.merges) {
      await client.query(
        `WITH moved AS (UPDATE ${this.schema}.identities SET customer_id = $1 WHERE customer_id = $2)
         INSERT INTO ${this.schema}.identity_merges (from_customer, into_customer, recorded_at) VALUES ($2, $1, $3)`,
        [toPgText(merge.into), toPgText(merge.from), recordedAt],
      );
    }
    if (changes.conflicts.length > 0) await this.recordConflicts(client, changes.conflicts, recordedAt);
  }

  /** Erasure (SPEC §4.3): drops every link pointing at these customers, and the conflicts that name them. */
  async forget(customerIds: readonly string[]): Promise<void> {
    const ids = customerIds.map(toPgText);
    await inTransaction(this.pool, async (client) => {
      await client.query(`DELETE FROM ${this.schema}.identities WHERE customer_id = ANY($1::text[])`, [ids]);
      await client.query(
        `DELETE FROM ${this.schema}.identity_conflicts WHERE linked_to = ANY($1::text[]) OR claimed_by = ANY($1::text[])`,
        [ids],
      );
    });
  }

  async conflicts(limit: number): Promise<RecordedConflict[]> {
    const { rows } = await this.pool.query<{
      identifier: string;
      linked_to: string;
      claimed_by: string;
      event_source: string;
      event_id: string;
      recorded_at: Date;
    }>(
      `SELECT identifier, linked_to, claimed_by, event_source, event_id, recorded_at FROM ${this.schema}.identity_conflicts ORDER BY id DESC LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({
      key: row.identifier,
      linkedTo: fromPgText(row.linked_to),
      claimedBy: fromPgText(row.claimed_by),
      eventSource: fromPgText(row.event_source),
      eventId: fromPgText(row.event_id),
      recordedAt: row.recorded_at.toISOString(),
    }));
  }

  async merges(): Promise<CustomerMerge[]> {
    const { rows } = await this.pool.query<{ from_customer: string; into_customer: string }>(
      `SELECT DISTINCT from_customer, into_customer FROM ${this.schema}.identity_merges`,
    );
    return rows.map((row) => ({ from: fromPgText(row.from_customer), into: fromPgText(row.into_customer) }));
  }

  /** As `SqliteIdentityDirectory.hashClearIdentifiers`: clear keys of an older directory become digests, in one transaction. */
  async hashClearIdentifiers(digests: IdentifierDigests): Promise<number> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ identifier: string; customer_id: string }>(
        `SELECT identifier, customer_id FROM ${this.schema}.identities WHERE identifier ~ '^(email|phone|ext):' FOR UPDATE`,
      );
      const clear = rows
        .map((row) => ({ key: fromPgText(row.identifier), customerId: fromPgText(row.customer_id) }))
        .filter((row) => CLEAR_IDENTIFIER.test(row.key));
      if (clear.length > 0) {
        await client.query(
          `UPDATE ${this.schema}.identities AS i SET identifier = m.digest FROM unnest($1::text[], $2::text[]) AS m(clear, digest) WHERE i.identifier = m.clear`,
          [clear.map((row) => toPgText(row.key)), clear.map((row) => digests.of(row.key))],
        );
        const named = clear.filter((row) => !isAnonymous(row.customerId));
        await client.query(
          `INSERT INTO ${this.schema}.identity_merges (from_customer, into_customer, recorded_at)
           SELECT m.anon, m.named, now() FROM unnest($1::text[], $2::text[]) AS m(anon, named)
           WHERE EXISTS (SELECT 1 FROM ${this.schema}.streams s WHERE s.stream_id = m.anon)`,
          [named.map((row) => anonymousCustomerId(row.key)), named.map((row) => toPgText(row.customerId))],
        );
      }
      const conflicts = await client.query<{ id: string; identifier: string }>(
        `SELECT id, identifier FROM ${this.schema}.identity_conflicts WHERE identifier ~ '^(email|phone|ext):'`,
      );
      for (const row of conflicts.rows) {
        await client.query(`UPDATE ${this.schema}.identity_conflicts SET identifier = $1 WHERE id = $2`, [
          digests.of(fromPgText(row.identifier)),
          row.id,
        ]);
      }
      return clear.length + conflicts.rows.length;
    });
  }

  /** Upserts in key order, so two processes linking the same keys wait for each other instead of deadlocking. */
  private async link(client: PoolClient, links: IdentityLink[]): Promise<void> {
    if (links.length === 0) return;
    await client.query({
      name: `${this.schema}.identities-link`,
      text: `INSERT INTO ${this.schema}.identities (identifier, customer_id) SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT (identifier) DO UPDATE SET customer_id = excluded.customer_id`,
      values: [links.map((l) => l.key), links.map((l) => toPgText(l.customerId))],
    });
  }

  private async recordConflicts(client: PoolClient, conflicts: IdentityChanges['conflicts'], recordedAt: string): Promise<void> {
    const column = (pick: (c: IdentityChanges['conflicts'][number]) => string) => conflicts.map((c) => toPgText(pick(c)));
    await client.query(
      `INSERT INTO ${this.schema}.identity_conflicts (identifier, linked_to, claimed_by, event_source, event_id, recorded_at)
       SELECT i, l, c, s, e, $6::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS t(i, l, c, s, e)`,
      [
        column((c) => c.key),
        column((c) => c.linkedTo),
        column((c) => c.claimedBy),
        column((c) => c.eventSource),
        column((c) => c.eventId),
        recordedAt,
      ],
    );
  }
}

/** A key linked twice in one batch ends where the last link points (one upsert cannot touch a row twice). */
function lastLinkPerKey(links: IdentityLink[]): IdentityLink[] {
  const last = new Map(links.map((link) => [link.key, link]));
  return [...last.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

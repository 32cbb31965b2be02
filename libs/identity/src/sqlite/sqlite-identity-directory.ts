import type { Clock } from '@cx/clock';
import type { SqliteWriter } from '@cx/sqlite';
import { anonymousCustomerId, isAnonymous } from '../customer-identifiers';
import type { CustomerMerge } from '../customer-resolution';
import { CLEAR_IDENTIFIER, CLEAR_IDENTIFIER_KINDS, IdentifierDigests } from '../identifier-digests';
import type { DirectoryTransaction, IdentityChanges, IdentityDirectory, RecordedConflict } from '../identity-directory.port';

/**
 * Identifier links in the embedded store's file, beside the events (tables from its
 * migrations), written through the file's one writer: inside the ingest path's
 * transaction (`within`), or in transactions of their own.
 */
export class SqliteIdentityDirectory implements IdentityDirectory {
  private readonly statements;
  private readonly transaction: DirectoryTransaction;

  constructor(
    private readonly writer: SqliteWriter,
    private readonly clock: Clock,
  ) {
    const db = writer.db;
    this.statements = {
      lookup: db.prepare('SELECT identifier, customer_id FROM identities WHERE identifier IN (SELECT value FROM json_each(?))'),
      link: db.prepare(`INSERT INTO identities (identifier, customer_id) VALUES (?, ?)
        ON CONFLICT (identifier) DO UPDATE SET customer_id = excluded.customer_id`),
      repoint: db.prepare('UPDATE identities SET customer_id = ? WHERE customer_id = ?'),
      merge: db.prepare('INSERT INTO identity_merges (from_customer, into_customer, recorded_at) VALUES (?, ?, ?)'),
      conflict: db.prepare(`INSERT INTO identity_conflicts (identifier, linked_to, claimed_by, event_source, event_id, recorded_at)
        VALUES (?, ?, ?, ?, ?, ?)`),
    };
    this.transaction = { lookup: async (keys) => this.lookupNow(keys), record: async (changes) => this.recordNow(changes) };
  }

  /** The directory inside a transaction the writer has open (the ingest path's). */
  within(): DirectoryTransaction {
    return this.transaction;
  }

  private lookupNow(keys: readonly string[]): Map<string, string> {
    const rows = this.statements.lookup.all(JSON.stringify(keys)) as Array<{ identifier: string; customer_id: string }>;
    return new Map(rows.map((row) => [row.identifier, row.customer_id]));
  }

  private recordNow(changes: IdentityChanges): void {
    const recordedAt = new Date(this.clock.now()).toISOString();
    for (const l of changes.links) this.statements.link.run(l.key, l.customerId);
    for (const m of changes.merges) {
      this.statements.repoint.run(m.into, m.from);
      this.statements.merge.run(m.from, m.into, recordedAt);
    }
    for (const c of changes.conflicts) this.statements.conflict.run(c.key, c.linkedTo, c.claimedBy, c.eventSource, c.eventId, recordedAt);
  }

  async forget(customerIds: readonly string[]): Promise<void> {
    const ids = JSON.stringify(customerIds);
    await this.writer.transaction(() => {
      this.writer.db.prepare('DELETE FROM identities WHERE customer_id IN (SELECT value FROM json_each(?))').run(ids);
      this.writer.db
        .prepare(
          'DELETE FROM identity_conflicts WHERE linked_to IN (SELECT value FROM json_each(?)) OR claimed_by IN (SELECT value FROM json_each(?))',
        )
        .run(ids, ids);
    });
    // Old page images in the write-ahead log would still hold what was deleted.
    this.writer.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async conflicts(limit: number): Promise<RecordedConflict[]> {
    return this.writer.transaction(
      () =>
        this.writer.db
          .prepare(
            `SELECT identifier AS key, linked_to AS linkedTo, claimed_by AS claimedBy,
      event_source AS eventSource, event_id AS eventId, recorded_at AS recordedAt FROM identity_conflicts ORDER BY id DESC LIMIT ?`,
          )
          .all(limit) as RecordedConflict[],
    );
  }

  async merges(): Promise<CustomerMerge[]> {
    return this.writer.transaction(
      () =>
        this.writer.db
          .prepare('SELECT DISTINCT from_customer AS "from", into_customer AS "into" FROM identity_merges')
          .all() as CustomerMerge[],
    );
  }

  /**
   * A directory written before identifiers were hashed (SPEC §4.3): each clear key becomes
   * its digest, in one transaction, and its old value is overwritten on disk. A link from
   * a clear key to a named customer whose anonymous stream exists is noted as a merge, so
   * `cx verify` can tell whether that merge's event was ever written.
   */
  async hashClearIdentifiers(digests: IdentifierDigests): Promise<number> {
    const db = this.writer.db;
    const moved = await this.writer.transaction(() => {
      // Seeks in the key's index: every start asks, and reading all 55,722 keys of a
      // 1,000,000-event ledger to find none took 165 ms of each `cx` command's start.
      const clear = (
        db.prepare(`SELECT identifier, customer_id FROM identities WHERE ${CLEAR_KEY_RANGES}`).all() as Array<{
          identifier: string;
          customer_id: string;
        }>
      ).filter((row) => CLEAR_IDENTIFIER.test(row.identifier));
      const streamExists = db.prepare('SELECT 1 FROM streams WHERE stream_id = ?');
      const recordedAt = new Date(this.clock.now()).toISOString();
      for (const row of clear) {
        db.prepare('UPDATE identities SET identifier = ? WHERE identifier = ?').run(digests.of(row.identifier), row.identifier);
        const anonymous = anonymousCustomerId(row.identifier);
        if (!isAnonymous(row.customer_id) && streamExists.get(anonymous)) this.statements.merge.run(anonymous, row.customer_id, recordedAt);
      }
      const conflicts = (
        db.prepare('SELECT id, identifier FROM identity_conflicts').all() as Array<{ id: number; identifier: string }>
      ).filter((row) => CLEAR_IDENTIFIER.test(row.identifier));
      for (const row of conflicts)
        db.prepare('UPDATE identity_conflicts SET identifier = ? WHERE id = ?').run(digests.of(row.identifier), row.id);
      return clear.length + conflicts.length;
    });
    if (moved > 0) db.pragma('wal_checkpoint(TRUNCATE)');
    return moved;
  }
}

/** The keys that begin with a clear identifier's prefix (CLEAR_IDENTIFIER), as ranges of the key: `email:` up to, not including, `email;`. */
const CLEAR_KEY_RANGES = CLEAR_IDENTIFIER_KINDS.map((kind) => `(identifier >= '${kind}:' AND identifier < '${kind};')`).join(' OR ');

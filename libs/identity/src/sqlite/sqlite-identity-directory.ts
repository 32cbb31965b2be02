import type { SqliteDatabase } from '@cx/sqlite';
import type { Clock } from '@cx/clock';
import type { IdentityChanges, IdentityDirectory, RecordedConflict } from '../identity-directory.port';

/** Identifier links in the embedded store's file, beside the events (tables from its migrations). */
export class SqliteIdentityDirectory implements IdentityDirectory {
  constructor(private readonly db: SqliteDatabase, private readonly clock: Clock) {}

  async lookup(keys: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const select = this.db.prepare(`SELECT identifier, customer_id FROM identities WHERE identifier IN (SELECT value FROM json_each(?))`);
    for (const row of select.all(JSON.stringify(keys)) as Array<{ identifier: string; customer_id: string }>) {
      found.set(row.identifier, row.customer_id);
    }
    return found;
  }

  async record(changes: IdentityChanges): Promise<void> {
    const link = this.db.prepare(`INSERT INTO identities (identifier, customer_id) VALUES (?, ?)
      ON CONFLICT (identifier) DO UPDATE SET customer_id = excluded.customer_id`);
    const repoint = this.db.prepare('UPDATE identities SET customer_id = ? WHERE customer_id = ?');
    const conflict = this.db.prepare(`INSERT INTO identity_conflicts (identifier, linked_to, claimed_by, event_source, event_id, recorded_at)
      VALUES (?, ?, ?, ?, ?, ?)`);
    const recordedAt = new Date(this.clock.now()).toISOString();
    this.db.transaction(() => {
      for (const l of changes.links) link.run(l.key, l.customerId);
      for (const m of changes.merges) repoint.run(m.into, m.from);
      for (const c of changes.conflicts) conflict.run(c.key, c.linkedTo, c.claimedBy, c.eventSource, c.eventId, recordedAt);
    }).immediate();
  }

  async forget(customerIds: readonly string[]): Promise<void> {
    const ids = JSON.stringify(customerIds);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM identities WHERE customer_id IN (SELECT value FROM json_each(?))').run(ids);
      this.db.prepare('DELETE FROM identity_conflicts WHERE linked_to IN (SELECT value FROM json_each(?)) OR claimed_by IN (SELECT value FROM json_each(?))').run(ids, ids);
    }).immediate();
    // Old page images in the write-ahead log would still hold the identifiers.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  async conflicts(limit: number): Promise<RecordedConflict[]> {
    const rows = this.db.prepare(`SELECT identifier AS key, linked_to AS linkedTo, claimed_by AS claimedBy, event_source AS eventSource,
      event_id AS eventId, recorded_at AS recordedAt FROM identity_conflicts ORDER BY id DESC LIMIT ?`).all(limit);
    return rows as RecordedConflict[];
  }
}

import type { ViewStore } from '@cx/view-store';

const TABLE = 'kafka_relay_checkpoints';

/**
 * The relay's durable state, one row per target topic, in the view store: the position of
 * the last event the broker acknowledged, and a lease naming the one process that may
 * publish. Every write is a single conditional statement, so two processes racing for the
 * lease (or one that lost it while it was paused) can never both move the checkpoint.
 */
export class RelayCheckpoints {
  constructor(private readonly store: ViewStore, private readonly now: () => number = Date.now) {}

  async ensureTable(): Promise<void> {
    await this.store.transaction(async (tx) => {
      await tx.schema.createTable(TABLE).ifNotExists()
        .addColumn('topic', 'text', (c) => c.primaryKey())
        .addColumn('position', 'bigint', (c) => c.notNull())
        .addColumn('lease_owner', 'text')
        .addColumn('lease_expires_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    });
  }

  /** Takes (or renews) the lease if it is free, expired or already ours; answers the checkpoint, or null while another process holds it. */
  async acquire(topic: string, owner: string, leaseMs: number): Promise<number | null> {
    const now = this.now();
    return this.store.transaction(async (tx) => {
      await tx.insertInto(TABLE).values({ topic, position: 0, lease_owner: null, lease_expires_at: 0, updated_at: now })
        .onConflict((oc) => oc.column('topic').doNothing()).execute();
      const taken = await tx.updateTable(TABLE).set({ lease_owner: owner, lease_expires_at: now + leaseMs })
        .where('topic', '=', topic)
        .where((eb) => eb.or([eb('lease_owner', '=', owner), eb('lease_owner', 'is', null), eb('lease_expires_at', '<', now)]))
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 0) return null;
      const row = await tx.selectFrom(TABLE).select('position').where('topic', '=', topic).executeTakeFirstOrThrow();
      return Number(row.position);
    });
  }

  /** Moves the checkpoint and renews the lease, only while `owner` holds it; false when the lease was lost. */
  async advance(topic: string, owner: string, position: number, leaseMs: number): Promise<boolean> {
    const now = this.now();
    const result = await this.store.transaction((tx) => tx.updateTable(TABLE)
      .set({ position, lease_expires_at: now + leaseMs, updated_at: now })
      .where('topic', '=', topic).where('lease_owner', '=', owner)
      .executeTakeFirst());
    return Number(result.numUpdatedRows) === 1;
  }

  async renew(topic: string, owner: string, leaseMs: number): Promise<boolean> {
    const now = this.now();
    const result = await this.store.transaction((tx) => tx.updateTable(TABLE)
      .set({ lease_expires_at: now + leaseMs })
      .where('topic', '=', topic).where('lease_owner', '=', owner)
      .executeTakeFirst());
    return Number(result.numUpdatedRows) === 1;
  }

  /** Gives the lease up at a clean stop, so another process takes over at once rather than after it expires. */
  async release(topic: string, owner: string): Promise<void> {
    await this.store.transaction((tx) => tx.updateTable(TABLE)
      .set({ lease_owner: null, lease_expires_at: 0 })
      .where('topic', '=', topic).where('lease_owner', '=', owner)
      .execute());
  }

  async status(topic: string): Promise<{ position: number; leaseOwner: string | null; leaseExpiresAt: number } | null> {
    const row = await this.store.reader.selectFrom(TABLE).selectAll().where('topic', '=', topic).executeTakeFirst();
    return row ? { position: Number(row.position), leaseOwner: row.lease_owner, leaseExpiresAt: Number(row.lease_expires_at) } : null;
  }
}

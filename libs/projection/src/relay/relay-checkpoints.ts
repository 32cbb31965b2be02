import type { Kysely } from 'kysely';
import type { RelayProgress } from './canonical-stream-relay';
import type { PublishedStream } from '../partitions/processed-through';
import { lockSchemaChanges } from '../view-store/schema-changes';
import type { ViewStore } from '../view-store/view-store.port';
import { createTable, type TableSchema } from '../view-store/table-schema';

const TABLE = 'kafka_relay_checkpoints';
const PARTITIONS_TABLE = 'kafka_relay_partitions';

const CHECKPOINTS: TableSchema = {
  name: TABLE,
  columns: [
    ['topic', 'text', 'key'],
    ['position', 'bigint', 'required'],
    ['lease_owner', 'text'],
    ['lease_expires_at', 'bigint', 'required'],
    ['updated_at', 'bigint', 'required'],
  ],
};

const PARTITIONS: TableSchema = {
  name: PARTITIONS_TABLE,
  columns: [
    ['topic', 'text', 'required'],
    ['partition', 'integer', 'required'],
    ['end_offset', 'bigint', 'required'],
  ],
  primaryKey: ['topic', 'partition'],
};

/**
 * The relay's durable state, one row per target topic, in the view store: the position of
 * the last event the broker acknowledged, and a lease naming the one process that may
 * publish. Every write is a single conditional statement, so two processes racing for the
 * lease (or one that lost it while it was paused) can never both move the checkpoint.
 * Beside it, each partition's end offset after the checkpoint's batch: what partitioned
 * projectors compare their offsets with to know which positions they have processed.
 */
export class RelayCheckpoints implements RelayProgress {
  constructor(
    private readonly store: ViewStore,
    private readonly now: () => number = Date.now,
  ) {}

  async ensureTable(): Promise<void> {
    await this.store.transaction(async (tx) => {
      await lockSchemaChanges(tx, this.store.dialect);
      for (const table of [CHECKPOINTS, PARTITIONS]) await createTable(tx, table, { ifNotExists: true });
    });
  }

  /** Takes (or renews) the lease if it is free, expired or already ours; answers the checkpoint, or null while another process holds it. */
  async acquire(topic: string, owner: string, leaseMs: number): Promise<number | null> {
    const now = this.now();
    return this.store.transaction(async (tx) => {
      await tx
        .insertInto(TABLE)
        .values({ topic, position: 0, lease_owner: null, lease_expires_at: 0, updated_at: now })
        .onConflict((oc) => oc.column('topic').doNothing())
        .execute();
      const taken = await tx
        .updateTable(TABLE)
        .set({ lease_owner: owner, lease_expires_at: now + leaseMs })
        .where('topic', '=', topic)
        .where((eb) => eb.or([eb('lease_owner', '=', owner), eb('lease_owner', 'is', null), eb('lease_expires_at', '<', now)]))
        .executeTakeFirst();
      if (Number(taken.numUpdatedRows) === 0) return null;
      const row = await tx.selectFrom(TABLE).select('position').where('topic', '=', topic).executeTakeFirstOrThrow();
      return Number(row.position);
    });
  }

  /**
   * Moves the checkpoint, records the end offsets of the partitions the batch went to, and
   * renews the lease, only while `owner` holds it; false when the lease was lost.
   */
  async advance(
    topic: string,
    owner: string,
    position: number,
    leaseMs: number,
    partitionEnds: ReadonlyMap<number, number> = new Map(),
  ): Promise<boolean> {
    const now = this.now();
    return this.store.transaction(async (tx) => {
      const result = await tx
        .updateTable(TABLE)
        .set({ position, lease_expires_at: now + leaseMs, updated_at: now })
        .where('topic', '=', topic)
        .where('lease_owner', '=', owner)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      const ends = [...partitionEnds].map(([partition, end]) => ({ topic, partition, end_offset: end }));
      if (ends.length > 0) {
        await tx
          .insertInto(PARTITIONS_TABLE)
          .values(ends)
          .onConflict((oc) => oc.columns(['topic', 'partition']).doUpdateSet((eb) => ({ end_offset: eb.ref('excluded.end_offset') })))
          .execute();
      }
      return true;
    });
  }

  /**
   * What the relay has published to `topic`. One statement, so the position and the end
   * offsets come from one snapshot: read apart, a batch committed in between would pair a
   * position with ends that do not belong to it.
   */
  async published(topic: string, db: Kysely<any> = this.store.reader): Promise<PublishedStream> {
    const rows = await db
      .selectFrom(`${TABLE} as c`)
      .leftJoin(`${PARTITIONS_TABLE} as p`, 'p.topic', 'c.topic')
      .select(['c.position', 'p.partition', 'p.end_offset'])
      .where('c.topic', '=', topic)
      .execute();
    const ends = rows.filter((r) => r.partition !== null).map((r) => [Number(r.partition), Number(r.end_offset)] as const);
    return { position: Number(rows[0]?.position ?? 0), partitionEnds: new Map(ends) };
  }

  async renew(topic: string, owner: string, leaseMs: number): Promise<boolean> {
    const now = this.now();
    const result = await this.store.transaction((tx) =>
      tx
        .updateTable(TABLE)
        .set({ lease_expires_at: now + leaseMs })
        .where('topic', '=', topic)
        .where('lease_owner', '=', owner)
        .executeTakeFirst(),
    );
    return Number(result.numUpdatedRows) === 1;
  }

  /** Gives the lease up at a clean stop, so another process takes over at once rather than after it expires. */
  async release(topic: string, owner: string): Promise<void> {
    await this.store.transaction((tx) =>
      tx
        .updateTable(TABLE)
        .set({ lease_owner: null, lease_expires_at: 0 })
        .where('topic', '=', topic)
        .where('lease_owner', '=', owner)
        .execute(),
    );
  }

  async status(topic: string): Promise<{ position: number; leaseOwner: string | null; leaseExpiresAt: number } | null> {
    const row = await this.store.reader.selectFrom(TABLE).selectAll().where('topic', '=', topic).executeTakeFirst();
    return row
      ? { position: Number(row.position), leaseOwner: row.lease_owner as string | null, leaseExpiresAt: Number(row.lease_expires_at) }
      : null;
  }
}

import type { Kysely } from 'kysely';
import { PARTITION_CHECKPOINTS_TABLE } from '../engine/projection-registry';
import type { ViewDialect } from '../view-store/view-store.port';

/** Where one generation stands in one partition: the next offset to apply, and the highest position applied. */
export interface PartitionCheckpoint {
  partition: number;
  nextOffset: number;
  /** Events at or below it are applied: the relay may publish a batch twice, under new offsets. */
  position: number;
}

/**
 * The checkpoint of a generation fed from `cx.events`: one row per partition, written in the
 * same transaction as the view rows (SPEC §4.1), so a crash or a rebalance resumes exactly
 * where the views stand, whatever offsets Kafka itself has committed.
 */
export class PartitionCheckpoints {
  constructor(
    private readonly name: string,
    private readonly dialect: ViewDialect,
  ) {}

  /** The partition's row, locked until the transaction ends, so one batch of a partition runs at a time. */
  async lock(tx: Kysely<any>, generation: number, topic: string, partition: number): Promise<PartitionCheckpoint | undefined> {
    let query = this.rows(tx, generation, topic).where('partition', '=', partition);
    if (this.dialect === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row && toCheckpoint(row);
  }

  async all(db: Kysely<any>, generation: number, topic: string): Promise<PartitionCheckpoint[]> {
    return (await this.rows(db, generation, topic).orderBy('partition').execute()).map(toCheckpoint);
  }

  async create(tx: Kysely<any>, generation: number, topic: string, starts: ReadonlyMap<number, number>, floor: number): Promise<void> {
    const now = Date.now();
    const rows = [...starts].map(([partition, offset]) => ({
      name: this.name,
      generation,
      topic,
      partition,
      next_offset: offset,
      position: floor,
      updated_at: now,
    }));
    if (rows.length > 0) await tx.insertInto(PARTITION_CHECKPOINTS_TABLE).values(rows).execute();
  }

  async advance(tx: Kysely<any>, generation: number, topic: string, checkpoint: PartitionCheckpoint): Promise<void> {
    await tx
      .updateTable(PARTITION_CHECKPOINTS_TABLE)
      .set({ next_offset: checkpoint.nextOffset, position: checkpoint.position, updated_at: Date.now() })
      .where('name', '=', this.name)
      .where('generation', '=', generation)
      .where('topic', '=', topic)
      .where('partition', '=', checkpoint.partition)
      .execute();
  }

  /** Every partition checkpoint of a generation, with its topic: empty while the store's global order feeds it. */
  async ofGeneration(db: Kysely<any>, generation: number): Promise<Array<PartitionCheckpoint & { topic: string }>> {
    const rows = await db
      .selectFrom(PARTITION_CHECKPOINTS_TABLE)
      .select(['topic', 'partition', 'next_offset', 'position'])
      .where('name', '=', this.name)
      .where('generation', '=', generation)
      .orderBy('topic')
      .orderBy('partition')
      .execute();
    return rows.map((row) => ({ topic: String(row.topic), ...toCheckpoint(row) }));
  }

  /** Whether a generation is fed from partitions: then no runner may apply the store's global order to it. */
  async feedsFromPartitions(db: Kysely<any>, generation: number): Promise<boolean> {
    const row = await db
      .selectFrom(PARTITION_CHECKPOINTS_TABLE)
      .select('partition')
      .where('name', '=', this.name)
      .where('generation', '=', generation)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  private rows(db: Kysely<any>, generation: number, topic: string) {
    return db
      .selectFrom(PARTITION_CHECKPOINTS_TABLE)
      .select(['partition', 'next_offset', 'position'])
      .where('name', '=', this.name)
      .where('generation', '=', generation)
      .where('topic', '=', topic);
  }
}

const toCheckpoint = (row: { partition: unknown; next_offset: unknown; position: unknown }): PartitionCheckpoint => ({
  partition: Number(row.partition),
  nextOffset: Number(row.next_offset),
  position: Number(row.position),
});

import type { Kysely } from 'kysely';
import type { AnyLedgerEvent, LedgerEvent } from '@cx/events';
import { forGeneration, sharedContextFor } from '../engine/projection-registry';
import { eventsFor, Projection } from '../projection';
import { planSeeks } from '../sql-batches';
import type { ViewStore } from '../view-store/view-store.port';
import { PartitionCheckpoint, PartitionCheckpoints } from './partition-checkpoints';

export interface PartitionMessage {
  offset: number;
  event: LedgerEvent;
}

/** Consecutive messages of one partition, in offset order. */
export interface PartitionBatch {
  topic: string;
  partition: number;
  messages: readonly PartitionMessage[];
}

export type PartitionOutcome =
  /** The batch is in the views (or was already): the partition goes on from `nextOffset`. */
  | { kind: 'applied'; generation: number; nextOffset: number; applied: number }
  /** The live generation stands before this batch (a new generation, or a fetch that ran ahead): read again from `offset`. */
  | { kind: 'rewind'; generation: number; offset: number };

/**
 * Where each partition of the topic starts for a generation whose events up to `floor` the
 * views already hold. Answered in the same transaction, from what the relay has published.
 */
export type PartitionStarts = (tx: Kysely<any>, topic: string, floor: number) => Promise<ReadonlyMap<number, number>>;

/** SQLSTATEs after which PostgreSQL asks the client to run the transaction again. */
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 20;

/**
 * Applies batches of `cx.events` partitions to the live generation of one projection. Many
 * processes may do so at once, each for the partitions it was assigned: the partition's
 * checkpoint row (offset and position) moves in the same transaction as the view rows, and
 * the projection locks the entities it rewrites, so a crash, a rebalance or a batch
 * delivered twice neither loses nor double-counts an event.
 */
export class PartitionFeed {
  private readonly checkpoints: PartitionCheckpoints;

  constructor(
    readonly projection: Projection,
    private readonly views: ViewStore,
    private readonly starts: PartitionStarts,
  ) {
    this.checkpoints = new PartitionCheckpoints(projection.name, views.dialect);
  }

  async apply(batch: PartitionBatch): Promise<PartitionOutcome> {
    return retrying(() => this.views.transaction((tx) => this.applyIn(tx, batch)));
  }

  /** Where the live generation stands in a partition, handing the generation over to the partitions first if it was not yet. */
  async nextOffset(topic: string, partition: number): Promise<{ generation: number; offset: number }> {
    return retrying(() =>
      this.views.transaction(async (tx) => {
        const generation = await this.liveGeneration(tx);
        const checkpoint = await this.checkpointOf(tx, generation, topic, partition);
        return { generation, offset: checkpoint.nextOffset };
      }),
    );
  }

  async liveGeneration(db: Kysely<any> = this.views.reader): Promise<number> {
    let query = db.selectFrom('projections').select('active_generation').where('name', '=', this.projection.name);
    // A promotion waits for the batches in flight, so no batch straddles two generations.
    if (this.views.dialect === 'postgres' && db !== this.views.reader) query = query.forShare();
    const row = await query.executeTakeFirstOrThrow();
    return Number(row.active_generation);
  }

  partitions(generation: number, topic: string): Promise<PartitionCheckpoint[]> {
    return this.checkpoints.all(this.views.reader, generation, topic);
  }

  /** Moves the generation's global checkpoint (what read-your-writes and lag read) forward, never back. */
  async processedThrough(generation: number, position: number): Promise<void> {
    await this.views.transaction((tx) =>
      tx
        .updateTable('projection_checkpoints')
        .set({ position, updated_at: Date.now() })
        .where('name', '=', this.projection.name)
        .where('generation', '=', generation)
        .where('position', '<', position)
        .execute(),
    );
  }

  private async applyIn(tx: Kysely<any>, batch: PartitionBatch): Promise<PartitionOutcome> {
    const generation = await this.liveGeneration(tx);
    const checkpoint = await this.checkpointOf(tx, generation, batch.topic, batch.partition);
    const first = batch.messages[0]?.offset ?? checkpoint.nextOffset;
    if (first > checkpoint.nextOffset) return { kind: 'rewind', generation, offset: checkpoint.nextOffset };
    const unseen = batch.messages.filter((m) => m.offset >= checkpoint.nextOffset);
    if (unseen.length === 0) return { kind: 'applied', generation, nextOffset: checkpoint.nextOffset, applied: 0 };
    const events = firstDeliveries(unseen, checkpoint.position);
    const handled = eventsFor(this.projection, events as AnyLedgerEvent[]);
    if (handled.length > 0) {
      await planSeeks(tx, this.views.dialect);
      await this.projection.apply(
        forGeneration(tx, this.projection, generation),
        handled,
        sharedContextFor(tx, this.views.dialect, this.projection, generation),
      );
    }
    const next = {
      partition: batch.partition,
      nextOffset: unseen[unseen.length - 1].offset + 1,
      position: Math.max(checkpoint.position, ...events.map((e) => e.position)),
    };
    await this.checkpoints.advance(tx, generation, batch.topic, next);
    return { kind: 'applied', generation, nextOffset: next.nextOffset, applied: events.length };
  }

  private async checkpointOf(tx: Kysely<any>, generation: number, topic: string, partition: number): Promise<PartitionCheckpoint> {
    const existing = await this.checkpoints.lock(tx, generation, topic, partition);
    if (existing) return existing;
    await this.handOver(tx, generation, topic);
    const created = await this.checkpoints.lock(tx, generation, topic, partition);
    if (created) return created;
    throw new Error(
      `${this.projection.name} generation ${generation} has no checkpoint for partition ${partition} of ${topic}: ` +
        'the topic gained partitions after the generation was handed over; rebuild the projection',
    );
  }

  /**
   * The generation leaves the store's global order for the partitions: every partition
   * starts at the generation's checkpoint. Locks that checkpoint, so a runner still
   * applying the global order either finishes first or sees the hand-over and stops.
   */
  private async handOver(tx: Kysely<any>, generation: number, topic: string): Promise<void> {
    let query = tx
      .selectFrom('projection_checkpoints')
      .select('position')
      .where('name', '=', this.projection.name)
      .where('generation', '=', generation);
    if (this.views.dialect === 'postgres') query = query.forUpdate();
    const floor = Number((await query.executeTakeFirstOrThrow()).position);
    if (await this.checkpoints.feedsFromPartitions(tx, generation)) return;
    await this.checkpoints.create(tx, generation, topic, await this.starts(tx, topic, floor), floor);
  }
}

/**
 * A partition's events in position order, without the ones delivered before: the relay
 * publishes a stretch again after a crash, so a repeat may follow within the same batch.
 */
export function firstDeliveries(messages: readonly PartitionMessage[], appliedThrough: number): LedgerEvent[] {
  const events: LedgerEvent[] = [];
  let highest = appliedThrough;
  for (const { event } of messages) {
    if (event.position <= highest) continue;
    events.push(event);
    highest = event.position;
  }
  return events;
}

async function retrying<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (!RETRYABLE.has((error as { code?: string }).code ?? '') || attempt >= MAX_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}

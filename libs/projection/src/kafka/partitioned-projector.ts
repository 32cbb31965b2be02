import { Logger } from '@nestjs/common';
import { EachBatchPayload, Kafka } from 'kafkajs';
import type { Kysely } from 'kysely';
import { commitNextOffset, ensureTopics, GroupMembership, ledgerEventOf, partitionsOf, readCanonicalMessage } from '@cx/kafka';
import { PartitionFeed, PartitionMessage } from '../partitions/partition-feed';
import { partitionStarts, processedThrough } from '../partitions/processed-through';
import type { Projection } from '../projection';
import type { ViewStore } from '../view-store/view-store.port';
import type { RelayCheckpoints } from '../relay/relay-checkpoints';

export interface PartitionedProjectorConfig {
  /** `cx.events`. */
  topic: string;
  groupId: string;
  /** Partitions of the topic if it has to be created (the relay creates it with the same number). */
  partitions: number;
  /** How long the group waits for a silent member before giving its partitions to the others. */
  sessionTimeoutMs?: number;
  partitionsConsumedConcurrently?: number;
  /** How often the processed-through position (read-your-writes, lag) is worked out again. */
  progressMs?: number;
  /** How often to look for a newly promoted generation, which starts from its own offsets. */
  generationCheckMs?: number;
}

export type PartitionedProjectorState = 'starting' | 'consuming' | 'failing' | 'stopped';

/** Rewinds to one offset that keep fetching something later: the topic no longer holds it. */
const MAX_REWINDS = 5;

/**
 * One projection fed from the partitions of `cx.events` in a consumer group: each member
 * applies the partitions it is assigned (PartitionFeed keeps their checkpoints with the view
 * rows), so N processes share the work. On every assignment, and when a rebuilt generation
 * goes live, each partition is sought to the offset its checkpoint names: offsets Kafka
 * commits for the group are informative only.
 */
export class PartitionedProjector {
  readonly feed: PartitionFeed;
  private readonly logger: Logger;
  private readonly membership: GroupMembership;
  private partitionIds: number[] = [];
  private generation?: number;
  private current: PartitionedProjectorState = 'starting';
  private lastError?: string;
  /** The processed-through position this member last wrote. */
  private recorded?: { generation: number; through: number };
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly rewinds = new Map<number, { offset: number; times: number }>();

  constructor(
    private readonly kafka: Kafka,
    projection: Projection,
    views: ViewStore,
    private readonly relay: RelayCheckpoints,
    private readonly config: PartitionedProjectorConfig,
  ) {
    this.feed = new PartitionFeed(projection, views, (tx, topic, floor) => this.startsAt(tx, topic, floor));
    this.logger = new Logger(`projector:${projection.name}`);
    this.membership = new GroupMembership(
      kafka,
      { ...config, maxWaitTimeInMs: 500, partitionsConsumedConcurrently: config.partitionsConsumedConcurrently ?? 3 },
      this.logger,
      {
        prepare: () => this.prepare(),
        joined: () => this.seekToCheckpoints(),
        eachBatch: (payload) => this.consumeBatch(payload),
        running: () => {
          this.everyMs(this.config.progressMs ?? 100, () => this.recordProgress());
          this.everyMs(this.config.generationCheckMs ?? 1_000, () => this.followPromotions());
        },
        crashed: (error) => this.fail(error),
        willRestart: (error) => {
          this.fail(error);
          this.stopTimers();
        },
      },
    );
  }

  /** Resolves when this member first gets its partitions. */
  get joined(): Promise<void> {
    return this.membership.joined;
  }

  get state(): PartitionedProjectorState {
    return this.current;
  }

  get error(): string | undefined {
    return this.current === 'failing' ? this.lastError : undefined;
  }

  /** Starts consuming; a broker that does not answer yet is tried again in the background. */
  start(): Promise<void> {
    return this.membership.start();
  }

  async stop(): Promise<void> {
    this.current = 'stopped';
    await this.membership.stop();
    this.stopTimers();
  }

  private async prepare(): Promise<void> {
    await ensureTopics(this.kafka, [{ topic: this.config.topic, partitions: this.config.partitions }]);
    this.partitionIds = await partitionsOf(this.kafka, this.config.topic);
    await this.relay.ensureTable();
  }

  /** What the feed asks when a generation leaves the store's order: where each partition starts. */
  private async startsAt(tx: Kysely<any>, topic: string, floor: number): Promise<ReadonlyMap<number, number>> {
    return partitionStarts(await this.relay.published(topic, tx), this.partitionIds, floor);
  }

  private async consumeBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    if (!isRunning() || isStale() || batch.messages.length === 0) return;
    const messages: PartitionMessage[] = batch.messages.map((message) => ({
      offset: Number(message.offset),
      event: ledgerEventOf(readCanonicalMessage(message)),
    }));
    const outcome = await this.feed.apply({ topic: batch.topic, partition: batch.partition, messages });
    if (outcome.kind === 'rewind') {
      this.rewind(batch.partition, outcome.offset, messages[0].offset);
      return;
    }
    this.rewinds.delete(batch.partition);
    this.current = 'consuming';
    resolveOffset(batch.lastOffset());
    await commitNextOffset(payload, String(outcome.nextOffset));
    await heartbeat();
  }

  /** The views need messages before this batch: read the partition again from there, unless the topic no longer has them. */
  private rewind(partition: number, offset: number, fetched: number): void {
    const seen = this.rewinds.get(partition);
    const times = seen?.offset === offset ? seen.times + 1 : 1;
    this.rewinds.set(partition, { offset, times });
    if (times > MAX_REWINDS) {
      throw new Error(
        `${this.config.topic} partition ${partition} no longer holds offset ${offset} (the first it gives is ${fetched}; ` +
          'retention deleted the rest?): rebuild the projection from the event store with `cx rebuild`',
      );
    }
    this.membership.seek(partition, offset);
  }

  private async seekToCheckpoints(): Promise<void> {
    try {
      for (const partition of this.membership.assignment) {
        const { generation, offset } = await this.feed.nextOffset(this.config.topic, partition);
        this.generation = generation;
        this.membership.seek(partition, offset);
      }
    } catch (error) {
      this.fail(error);
    }
  }

  /** A rebuilt generation went live: it starts from its own checkpoints, usually behind the old one's. */
  private async followPromotions(): Promise<void> {
    const live = await this.feed.liveGeneration();
    if (this.generation === undefined || live === this.generation) return;
    this.logger.log(`generation ${live} is live; reading the partitions from its checkpoints`);
    await this.seekToCheckpoints();
  }

  private async recordProgress(): Promise<void> {
    const generation = await this.feed.liveGeneration();
    const published = await this.relay.published(this.config.topic);
    const checkpoints = await this.feed.partitions(generation, this.config.topic);
    if (checkpoints.length === 0) return;
    const through = processedThrough(published, checkpoints);
    // Ten times a second per projection: an idle projector writes nothing.
    if (this.recorded?.generation === generation && this.recorded.through === through) return;
    await this.feed.processedThrough(generation, through);
    this.recorded = { generation, through };
  }

  private everyMs(ms: number, work: () => Promise<void>): void {
    let running = false;
    this.timers.push(
      setInterval(() => {
        if (running || this.membership.stopping) return;
        running = true;
        work()
          .catch((error: unknown) => this.fail(error))
          .finally(() => (running = false));
      }, ms),
    );
  }

  private stopTimers(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
  }

  private fail(error: unknown): void {
    if (this.membership.stopping) return;
    this.current = 'failing';
    this.lastError = error instanceof Error ? error.message : String(error);
  }
}

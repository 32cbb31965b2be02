import type { Logger } from '@nestjs/common';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { backoffMs, type Backoff } from '@cx/clock';

export interface GroupMemberConfig {
  groupId: string;
  topic: string;
  /** How long the group waits for a silent member before giving its partitions to the others. */
  sessionTimeoutMs?: number;
  /** An idle fetch waits at most this long for messages; a clean stop waits for that fetch. */
  maxWaitTimeInMs: number;
}

export interface GroupMemberEvents {
  /** The partitions of the topic this member holds after a rebalance, sorted. */
  joined(partitions: number[]): void;
  /** Any crash, whether kafkajs restarts the consumer itself or not. */
  crashed(error: unknown): void;
  /** A crash kafkajs does not recover from: the member must be started again. */
  gaveUp(error: unknown): void;
}

/** A consumer of one topic in a group, with the settings and events every CX Ledger consumer shares. */
function groupMember(kafka: Kafka, config: GroupMemberConfig, events: GroupMemberEvents): Consumer {
  const consumer = kafka.consumer({
    groupId: config.groupId,
    sessionTimeout: config.sessionTimeoutMs ?? 10_000,
    heartbeatInterval: 1_000,
    maxWaitTimeInMs: config.maxWaitTimeInMs,
    allowAutoTopicCreation: false,
  });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    events.joined([...(payload.memberAssignment[config.topic] ?? [])].sort((a, b) => a - b));
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    events.crashed(payload.error);
    // kafkajs restarts itself after retriable errors; after the others it gives up, we do not.
    if (!payload.restart) events.gaveUp(payload.error);
  });
  return consumer;
}

/**
 * Joins the group and consumes the topic from its start (for a group with no offsets yet).
 * Offsets are resolved and committed by `eachBatch` itself, only after its work is done.
 */
async function consumeAsMember(
  consumer: Consumer,
  topic: string,
  concurrency: number,
  eachBatch: (payload: EachBatchPayload) => Promise<void>,
): Promise<void> {
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: concurrency, eachBatch });
}

/** Commits where the batch's partition goes on from after a restart or a rebalance: `next`, the first offset not yet done. */
export function commitNextOffset(payload: EachBatchPayload, next: string): Promise<void> {
  const { topic, partition } = payload.batch;
  return payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: next }] }] });
}

const RESTART: Backoff = { firstMs: 1_000, maxMs: 10_000 };

/** Starts a member again after it gave up, waiting longer each time in a row (1 s doubling to 10 s). */
class MemberRestarts {
  private count = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly logger: Logger) {}

  /** The member is back in its group: the next failure waits the shortest time again. */
  reset(): void {
    this.count = 0;
  }

  schedule(error: unknown, consumer: Consumer | undefined, start: () => Promise<void>): void {
    const delay = backoffMs(RESTART, this.count++);
    this.logger.error(`consumer stopped (${error instanceof Error ? error.message : String(error)}); starting again in ${delay} ms`);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void (consumer?.disconnect() ?? Promise.resolve()).catch(() => undefined).then(start);
    }, delay);
  }

  cancel(): void {
    clearTimeout(this.timer);
  }
}

export interface MembershipConfig extends GroupMemberConfig {
  /** Partitions of the topic whose batches are worked on at the same time. */
  partitionsConsumedConcurrently: number;
}

/** What one kind of member does at each step of its life in the group. */
export interface MemberWork {
  /** What must exist before the member joins (topics, producers, tables); a failure is retried. */
  prepare(): Promise<void>;
  /** Offsets are resolved and committed by the batch itself, only after its work is done. */
  eachBatch(payload: EachBatchPayload): Promise<void>;
  /** The partitions this member holds after a rebalance; `joined` resolves once this does. */
  joined?(partitions: readonly number[]): Promise<void>;
  /** The member is consuming (after every start). */
  running?(): void;
  /** Any crash, whether kafkajs restarts the consumer itself or not. */
  crashed?(error: unknown): void;
  /** The member stopped on an error and will be started again after a backoff. */
  willRestart?(error: unknown): void;
}

/**
 * One member of a consumer group over its whole life: it prepares, joins, consumes, and
 * after a crash kafkajs gives up on (or a broker that does not answer yet) starts again in
 * the background, until it is stopped. The ingest consumer and the partitioned projectors
 * differ only in their `MemberWork`.
 */
export class GroupMembership {
  private consumer?: Consumer;
  private assigned: readonly number[] = [];
  private leaving = false;
  private starting?: Promise<void>;
  private readonly restarts: MemberRestarts;
  private markJoined!: () => void;
  /** Resolves when this member first gets its partitions. */
  readonly joined = new Promise<void>((resolve) => (this.markJoined = resolve));

  constructor(
    private readonly kafka: Kafka,
    private readonly config: MembershipConfig,
    logger: Logger,
    private readonly work: MemberWork,
  ) {
    this.restarts = new MemberRestarts(logger);
  }

  /** Partitions of the topic this member holds since the last rebalance. */
  get assignment(): readonly number[] {
    return this.assigned;
  }

  /** True once `stop` was called: work in flight should end quietly. */
  get stopping(): boolean {
    return this.leaving;
  }

  /** Starts consuming; a broker that does not answer yet is tried again in the background. */
  start(): Promise<void> {
    this.starting = this.startOnce();
    return this.starting;
  }

  /** Waits for a start in progress (a restart, say), so that nothing it opens outlives the stop. */
  async stop(): Promise<void> {
    this.leaving = true;
    this.restarts.cancel();
    await this.starting;
    await this.consumer?.disconnect();
  }

  /** The next fetch of the partition starts at `offset`. */
  seek(partition: number, offset: number): void {
    this.consumer?.seek({ topic: this.config.topic, partition, offset: String(offset) });
  }

  private async startOnce(): Promise<void> {
    if (this.leaving) return;
    try {
      await this.work.prepare();
      await this.run();
      this.work.running?.();
    } catch (error) {
      this.restartLater(error);
    }
  }

  private async run(): Promise<void> {
    const consumer = groupMember(this.kafka, this.config, {
      joined: (partitions) => {
        this.assigned = partitions;
        this.restarts.reset();
        void Promise.resolve(this.work.joined?.(partitions)).then(() => this.markJoined());
      },
      crashed: (error) => this.work.crashed?.(error),
      gaveUp: (error) => this.restartLater(error),
    });
    this.consumer = consumer;
    await consumeAsMember(consumer, this.config.topic, this.config.partitionsConsumedConcurrently, (payload) =>
      this.work.eachBatch(payload),
    );
  }

  private restartLater(error: unknown): void {
    if (this.leaving) return;
    this.work.willRestart?.(error);
    this.restarts.schedule(error, this.consumer, () => this.start());
  }
}

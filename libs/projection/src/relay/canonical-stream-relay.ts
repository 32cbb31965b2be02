import { Logger } from '@nestjs/common';
import { Kafka, Message, PartitionMetadata, Partitioners, Producer, RecordMetadata } from 'kafkajs';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { EventStore } from '@cx/event-store';
import { canonicalMessage, ensureTopics, partitionsOf } from '@cx/kafka';
import { backoffMs, FOLLOWER_BACKOFF, Wakeup } from '@cx/clock';

export interface RelayConfig {
  topic: string;
  /** Partitions of the topic if the relay has to create it. */
  partitions: number;
  /** Names this process in the lease; unique per run by default. */
  owner?: string;
  batchSize?: number;
  /**
   * How long a lease lasts without renewal: after a crash, the time before another
   * process takes over. Renewed with every batch and every third of it while idle.
   */
  leaseMs?: number;
  /** How often an idle relay looks for new events (appends in other processes do not wake it). */
  idleMs?: number;
}

export type RelayState = 'starting' | 'standby' | 'publishing' | 'stopped';

/**
 * Where the relay keeps its progress and its lease (the view store, so partitioned
 * projectors read it in their own transactions): see RelayCheckpoints in @cx/projection.
 */
export interface RelayProgress {
  ensureTable(): Promise<void>;
  /** Takes (or renews) the lease; the checkpoint, or null while another process holds it. */
  acquire(topic: string, owner: string, leaseMs: number): Promise<number | null>;
  /** Moves the checkpoint and records partition end offsets while `owner` holds the lease; false when it was lost. */
  advance(topic: string, owner: string, position: number, leaseMs: number, partitionEnds?: ReadonlyMap<number, number>): Promise<boolean>;
  renew(topic: string, owner: string, leaseMs: number): Promise<boolean>;
  release(topic: string, owner: string): Promise<void>;
}

/**
 * Publishes every stored event to `cx.events`, in global order, from a durable checkpoint.
 * The checkpoint moves only after the broker acknowledged the batch (acks = all, idempotent
 * producer), so a restart resumes with no gap; a crash between the ack and the checkpoint
 * publishes that batch again (at least once). Only the holder of the lease publishes.
 */
export class CanonicalStreamRelay {
  readonly owner: string;
  private readonly logger = new Logger('kafka-relay');
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly idleMs: number;
  private current: RelayState = 'starting';
  private position = 0;
  private publishedCount = 0;
  private loop?: Promise<void>;
  private prepared = false;
  /** Ends a sleep at once when the loop is stopped. */
  private readonly pause = new Wakeup();
  private readonly producer: Producer;
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private partitionMetadata: PartitionMetadata[] = [];

  constructor(
    private readonly events: EventStore,
    private readonly checkpoints: RelayProgress,
    private readonly kafka: Kafka,
    private readonly config: RelayConfig,
  ) {
    // One request in flight: a retried batch can never overtake the next, so each customer's order holds.
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.owner = config.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.batchSize = config.batchSize ?? 1000;
    this.leaseMs = config.leaseMs ?? 10_000;
    this.idleMs = config.idleMs ?? 200;
  }

  get state(): RelayState {
    return this.current;
  }

  /** The last position this relay saw acknowledged (not necessarily the durable checkpoint of another holder). */
  get checkpoint(): number {
    return this.position;
  }

  /** Events this relay published since it started, repeats included. */
  get published(): number {
    return this.publishedCount;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /**
   * Stops after the batch in hand and releases the lease. A send the broker does not
   * answer is not waited for past `graceMs`: its batch is past the checkpoint, so the next
   * holder publishes it (again).
   */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.current === 'stopped') return;
    this.current = 'stopped';
    this.pause.notify();
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      (this.loop ?? Promise.resolve()).then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
    ]);
    clearTimeout(timer);
    if (finished)
      await this.checkpoints
        .release(this.config.topic, this.owner)
        .catch((error: unknown) => this.logger.warn(`lease not released: ${String(error)}`));
    await this.producer.disconnect().catch(() => undefined);
  }

  private get stopped(): boolean {
    return this.current === 'stopped';
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        await this.prepare();
        const checkpoint = await this.checkpoints.acquire(this.config.topic, this.owner, this.leaseMs);
        if (checkpoint === null) {
          this.setState('standby');
          await this.pause.wait(this.leaseMs / 3);
          continue;
        }
        this.setState('publishing');
        await this.publishFrom(checkpoint);
        failures = 0;
      } catch (error) {
        failures += 1;
        this.logger.warn(`relay to ${this.config.topic} failed (${(error as Error).message}); trying again from the checkpoint`);
        await this.pause.wait(backoffMs(FOLLOWER_BACKOFF, failures));
      }
    }
  }

  /** Once, on the first turn that reaches the broker and the view store. */
  private async prepare(): Promise<void> {
    if (this.prepared) return;
    await ensureTopics(this.kafka, [{ topic: this.config.topic, partitions: this.config.partitions }]);
    this.partitionMetadata = (await partitionsOf(this.kafka, this.config.topic)).map((partitionId) => ({
      partitionId,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [],
      isr: [],
    }));
    await this.checkpoints.ensureTable();
    await this.producer.connect();
    this.prepared = true;
  }

  /** Publishes batch after batch while this process holds the lease; returns when it lost it or is stopping. */
  private async publishFrom(checkpoint: number): Promise<void> {
    this.position = checkpoint;
    let renewedAt = Date.now();
    while (!this.stopped) {
      const batch = await this.events.readAll({ after: this.position, maxCount: this.batchSize });
      if (batch.length === 0) {
        if (Date.now() - renewedAt > this.leaseMs / 3) {
          if (!(await this.checkpoints.renew(this.config.topic, this.owner, this.leaseMs))) {
            this.lostLease();
            return;
          }
          renewedAt = Date.now();
        }
        await this.pause.wait(this.idleMs);
        continue;
      }
      const messages = batch.map((event) => this.partitioned(canonicalMessage(event)));
      const acknowledged = await this.producer.send({ topic: this.config.topic, acks: -1, messages });
      this.publishedCount += batch.length;
      const last = batch[batch.length - 1].position;
      if (!(await this.checkpoints.advance(this.config.topic, this.owner, last, this.leaseMs, partitionEnds(messages, acknowledged)))) {
        this.lostLease();
        return;
      }
      this.position = last;
      renewedAt = Date.now();
    }
  }

  /** The producer's own partitioner, applied here so the relay knows how many messages each partition got. */
  private partitioned(message: Message): Message & { partition: number } {
    return { ...message, partition: this.partitioner({ topic: this.config.topic, partitionMetadata: this.partitionMetadata, message }) };
  }

  private lostLease(): void {
    this.logger.warn(`lease on ${this.config.topic} taken over by another process; standing by`);
  }

  private setState(state: RelayState): void {
    if (this.stopped || this.current === state) return;
    if (state === 'publishing') this.logger.log(`publishing to ${this.config.topic} as ${this.owner}`);
    this.current = state;
  }
}

/** Each partition's offset after the batch: its first offset as the broker acknowledged it, plus its messages. */
function partitionEnds(messages: ReadonlyArray<{ partition: number }>, acknowledged: RecordMetadata[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const { partition } of messages) counts.set(partition, (counts.get(partition) ?? 0) + 1);
  const firsts = new Map<number, number>();
  for (const record of acknowledged) {
    const base = Number(record.baseOffset);
    firsts.set(record.partition, Math.min(firsts.get(record.partition) ?? base, base));
  }
  const ends = new Map<number, number>();
  for (const [partition, count] of counts) {
    const first = firsts.get(partition);
    if (first === undefined) throw new Error(`the broker acknowledged no offset for partition ${partition} of the batch`);
    ends.set(partition, first + count);
  }
  return ends;
}

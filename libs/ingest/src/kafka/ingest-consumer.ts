import { Logger } from '@nestjs/common';
import { EachBatchPayload, Kafka, KafkaMessage, Message, Partitioners, Producer } from 'kafkajs';
import { commitNextOffset, ensureTopics, GroupMembership } from '@cx/kafka';
import type { IngestResult } from '../ingest-result';
import { deadLetter, Rejection } from './dead-letter';
import { IngestMessage, readIngestMessage } from './ingest-message';

/** The ingest command, whatever carries it: Kafka hands it the events of a batch, in order. */
export type RecordEvents = (events: unknown[]) => Promise<IngestResult[]>;

export interface IngestConsumerConfig {
  topic: string;
  deadLetterTopic: string;
  groupId: string;
  /** Partitions of the topics if the consumer has to create them. */
  partitions: number;
  /** SPEC §1.1 caps a batch at 1,000 events: a Kafka batch is recorded in commands of at most this many. */
  maxEventsPerCommand?: number;
  /**
   * How long the group waits for a silent member before giving its partitions to the
   * others: the time a killed process holds up its partitions. kafkajs heartbeats between
   * commands, so this must exceed the time of one command (milliseconds for 1,000 events).
   */
  sessionTimeoutMs?: number;
  partitionsConsumedConcurrently?: number;
  /** Told the reason of every message written to the dead-letter topic, once it is written. */
  deadLettered?: (reasons: string[]) => void;
}

export interface IngestCounts {
  messages: number;
  accepted: number;
  duplicate: number;
  deadLettered: number;
}

/**
 * Consumes `cx.ingest` in a consumer group. Each batch of a partition is decoded, recorded
 * through the same command as HTTP, its rejected messages written to the dead-letter topic,
 * and only then are its offsets resolved; the batch's last stored offset is committed once
 * at its end. A failed append throws: nothing more is committed and kafkajs fetches the
 * same messages again, so a store outage loses nothing, and what was stored before the
 * failure comes back as `duplicate`.
 */
export class KafkaIngestConsumer {
  readonly counts: IngestCounts = { messages: 0, accepted: 0, duplicate: 0, deadLettered: 0 };
  private readonly logger = new Logger('kafka-ingest');
  private readonly producer: Producer;
  private readonly membership: GroupMembership;

  constructor(
    private readonly kafka: Kafka,
    private readonly record: RecordEvents,
    private readonly config: IngestConsumerConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.membership = new GroupMembership(
      kafka,
      { ...config, maxWaitTimeInMs: 1_000, partitionsConsumedConcurrently: config.partitionsConsumedConcurrently ?? 1 },
      this.logger,
      { prepare: () => this.prepare(), eachBatch: (payload) => this.consumeBatch(payload) },
    );
  }

  /** Resolves when this member first gets its partitions. */
  get joined(): Promise<void> {
    return this.membership.joined;
  }

  /** Partitions of the ingest topic this member holds since the last rebalance. */
  get assignment(): readonly number[] {
    return this.membership.assignment;
  }

  /** Starts consuming; a broker that does not answer yet is tried again in the background. */
  start(): Promise<void> {
    return this.membership.start();
  }

  async stop(): Promise<void> {
    await this.membership.stop();
    await this.producer.disconnect();
  }

  private async prepare(): Promise<void> {
    await ensureTopics(
      this.kafka,
      [this.config.topic, this.config.deadLetterTopic].map((topic) => ({ topic, partitions: this.config.partitions })),
    );
    await this.producer.connect();
  }

  private async consumeBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const read = batch.messages.map((message) => ({ message, read: readIngestMessage(message) }));
    let stored: string | undefined;
    for (const messages of commandsOf(read, this.config.maxEventsPerCommand ?? 1000)) {
      if (!isRunning() || isStale()) break;
      await this.ingest(batch.topic, batch.partition, messages);
      stored = messages[messages.length - 1].message.offset;
      resolveOffset(stored);
      await heartbeat();
    }
    // One offset commit (a broker round trip) per batch, not per command: a crash before it
    // only fetches stored events again, which come back as duplicates. A partition taken
    // away meanwhile (stale) is not ours to commit.
    if (stored === undefined || isStale()) return;
    await commitNextOffset(payload, nextOffset(stored));
  }

  /** Records the messages' events in one command, then dead-letters what was rejected; throws if either fails. */
  private async ingest(topic: string, partition: number, messages: ReadMessage[]): Promise<void> {
    const rejections: Array<{ message: KafkaMessage; rejection: Rejection }> = [];
    const candidates: Array<{ message: KafkaMessage; event: unknown }> = [];
    for (const { message, read } of messages) {
      if (read.ok) candidates.push({ message, event: read.event });
      else rejections.push({ message, rejection: { error: read.error, errors: read.problems } });
    }
    const results = candidates.length > 0 ? await this.record(candidates.map((c) => c.event)) : [];
    const stored = { accepted: 0, duplicate: 0 };
    results.forEach((result, i) => {
      if (result.status === 'rejected')
        rejections.push({ message: candidates[i].message, rejection: { error: result.error, errors: result.errors } });
      else stored[result.status] += 1;
    });
    if (rejections.length > 0) {
      await this.sendDeadLetters(
        rejections.map(({ message, rejection }) => deadLetter({ topic, partition, message }, rejection, this.now())),
      );
      this.config.deadLettered?.(rejections.map(({ rejection }) => rejection.error));
    }
    this.counts.messages += messages.length;
    this.counts.accepted += stored.accepted;
    this.counts.duplicate += stored.duplicate;
    this.counts.deadLettered += rejections.length;
  }

  private async sendDeadLetters(messages: Message[]): Promise<void> {
    await this.producer.send({ topic: this.config.deadLetterTopic, acks: -1, messages });
  }
}

interface ReadMessage {
  message: KafkaMessage;
  read: IngestMessage;
}

/**
 * Cuts a partition's batch, in order, into commands of at most `size` events, starting a
 * new command where an event's (source, id) is already in the current one: a resend
 * is then answered against the stored event, exactly as a resend over HTTP is.
 */
export function* commandsOf(messages: ReadMessage[], size: number): Generator<ReadMessage[]> {
  let current: ReadMessage[] = [];
  let keys = new Set<string>();
  for (const item of messages) {
    const key = idempotencyKeyOf(item.read);
    if (current.length >= size || (key !== null && keys.has(key))) {
      yield current;
      current = [];
      keys = new Set();
    }
    current.push(item);
    if (key !== null) keys.add(key);
  }
  if (current.length > 0) yield current;
}

const idempotencyKeyOf = (read: IngestMessage): string | null => {
  if (!read.ok || read.event === null || typeof read.event !== 'object') return null;
  const { source, id } = read.event as { source?: unknown; id?: unknown };
  return typeof source === 'string' && typeof id === 'string' ? `${source}\u0000${id}` : null;
};

const nextOffset = (offset: string): string => (BigInt(offset) + 1n).toString();

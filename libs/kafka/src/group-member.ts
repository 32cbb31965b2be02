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
export function groupMember(kafka: Kafka, config: GroupMemberConfig, events: GroupMemberEvents): Consumer {
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
export async function consumeAsMember(
  consumer: Consumer,
  topic: string,
  concurrency: number,
  eachBatch: (payload: EachBatchPayload) => Promise<void>,
): Promise<void> {
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, partitionsConsumedConcurrently: concurrency, eachBatch });
}

const RESTART: Backoff = { firstMs: 1_000, maxMs: 10_000 };

/** Starts a member again after it gave up, waiting longer each time in a row (1 s doubling to 10 s). */
export class MemberRestarts {
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

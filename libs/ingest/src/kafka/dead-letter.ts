import type { KafkaMessage, Message } from 'kafkajs';
import type { FieldProblem } from '@cx/events';

/** Headers a dead letter carries besides the original ones. */
export const DEAD_LETTER_HEADERS = {
  reason: 'cx_dlq_reason',
  errors: 'cx_dlq_errors',
  sourceTopic: 'cx_dlq_source_topic',
  sourcePartition: 'cx_dlq_source_partition',
  sourceOffset: 'cx_dlq_source_offset',
  at: 'cx_dlq_at',
} as const;

export interface Rejection {
  /** The rejection code of SPEC §1.1 (`invalid`, `unknown_type`, `invalid_time`, `id_conflict`) or a transport one (`malformed_json`, `unsupported_content_type`). */
  error: string;
  errors: FieldProblem[];
}

export interface MessageOrigin {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/**
 * The rejected message as it came (key, value and headers untouched, so it can be fixed
 * and sent again) plus why it was rejected and where it came from.
 */
export function deadLetter({ topic, partition, message }: MessageOrigin, rejection: Rejection, now: number): Message {
  return {
    key: message.key,
    value: message.value,
    headers: {
      ...message.headers,
      [DEAD_LETTER_HEADERS.reason]: rejection.error,
      [DEAD_LETTER_HEADERS.errors]: JSON.stringify(rejection.errors),
      [DEAD_LETTER_HEADERS.sourceTopic]: topic,
      [DEAD_LETTER_HEADERS.sourcePartition]: String(partition),
      [DEAD_LETTER_HEADERS.sourceOffset]: message.offset,
      [DEAD_LETTER_HEADERS.at]: new Date(now).toISOString(),
    },
  };
}

/** Published after dead letters are written (the reasons, one per message), for whoever counts them (metrics). */
export class DeadLetteredEvent {
  constructor(
    readonly transport: 'kafka' | 'http',
    readonly reasons: readonly string[],
  ) {}
}

import type { Settings } from '@cx/settings';

/** The three topics of SPEC §5, by what they carry. */
export interface KafkaTopics {
  /** CloudEvents from channel systems, structured or binary mode. */
  ingest: string;
  /** Messages of `ingest` that were rejected, with the reason in headers. */
  deadLetters: string;
  /** Every stored event, in binary mode, key = customer id. */
  events: string;
  /** Signed checkpoints of the Merkle log (SPEC §4.2), one partition, in the order signed. */
  checkpoints: string;
}

export const PRODUCTION_TOPICS: Readonly<KafkaTopics> = {
  ingest: 'cx.ingest',
  deadLetters: 'cx.ingest.dlq',
  events: 'cx.events',
  checkpoints: 'cx.checkpoints',
};
export const INGEST_GROUP = 'cx-ledger-ingest';
/** Partitioned projectors: one group per projection, `cx-ledger-projector-lifecycle` and so on. */
export const PROJECTOR_GROUP = 'cx-ledger-projector';
/** Enough for six ingest processes (or projector consumers) to share the work; more can be added later, never fewer. */
export const DEFAULT_PARTITIONS = 6;

export interface KafkaOptions {
  brokers: string[];
  clientId: string;
  topics: KafkaTopics;
  ingestGroup: string;
  projectorGroup: string;
  partitions: number;
}

/**
 * Kafka settings of this process. `CX_KAFKA_TOPIC_PREFIX` puts every topic and the
 * consumer group under a prefix, so that environments (or test runs) can share one
 * cluster without meeting: `staging.` gives `staging.cx.ingest`, `staging.cx-ledger-ingest`.
 */
export function kafkaOptionsFrom(
  settings: Pick<Settings, 'kafkaBrokers'>,
  env: Record<string, string | undefined> = process.env,
): KafkaOptions {
  const prefix = env.CX_KAFKA_TOPIC_PREFIX ?? '';
  return {
    brokers: settings.kafkaBrokers,
    clientId: 'cx-ledger',
    topics: {
      ingest: prefix + PRODUCTION_TOPICS.ingest,
      deadLetters: prefix + PRODUCTION_TOPICS.deadLetters,
      events: prefix + PRODUCTION_TOPICS.events,
      checkpoints: prefix + PRODUCTION_TOPICS.checkpoints,
    },
    ingestGroup: prefix + INGEST_GROUP,
    projectorGroup: prefix + PROJECTOR_GROUP,
    partitions: DEFAULT_PARTITIONS,
  };
}

export const KAFKA_OPTIONS = Symbol('KafkaOptions');

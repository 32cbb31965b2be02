import { Logger } from '@nestjs/common';
import { Kafka, logCreator, logLevel } from 'kafkajs';
import { ErrorPersistence, PERSISTS_AFTER_MS } from './error-persistence';

/** One per process: every client's errors count towards the same kinds. */
const errorPersistence = new ErrorPersistence();

/**
 * kafkajs logs go through Nest's logger, so they follow the process's log settings. Its
 * errors are warnings until they persist (a broker that is starting, a coordinator loading).
 */
const nestLogCreator: logCreator =
  () =>
  ({ namespace, level, log }) => {
    const logger = new Logger(`kafka${namespace ? `:${namespace}` : ''}`);
    const { message, error } = log as { message: string; error?: string };
    const text = error ? `${message}: ${error}` : message;
    if (level === logLevel.ERROR && errorPersistence.persisted(text)) logger.error(`${text} (for ${PERSISTS_AFTER_MS / 1000} s or more)`);
    else if (level === logLevel.ERROR) logger.warn(text);
    else if (level === logLevel.WARN) logger.warn(text);
    else logger.debug(text);
  };

export function createKafka(brokers: string[], clientId: string, level: logLevel = logLevel.WARN): Kafka {
  return new Kafka({ brokers, clientId, logLevel: level, logCreator: nestLogCreator, retry: { retries: 8 } });
}

export interface TopicSpec {
  topic: string;
  partitions: number;
}

/**
 * Creates the topics that are missing; the broker's default replication factor applies.
 * Several processes may start together, so "already exists" is success, not an error.
 */
export async function ensureTopics(kafka: Kafka, topics: readonly TopicSpec[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter(({ topic }) => !existing.has(topic));
    if (missing.length === 0) return;
    await admin
      .createTopics({
        waitForLeaders: true,
        topics: missing.map(({ topic, partitions }) => ({ topic, numPartitions: partitions, replicationFactor: -1 })),
      })
      .catch((error: unknown) => {
        if (!isTopicAlreadyExists(error)) throw error;
      });
  } finally {
    await admin.disconnect();
  }
}

/** The partition ids of a topic, as the cluster's metadata has them now. */
export async function partitionsOf(kafka: Kafka, topic: string): Promise<number[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return topics[0].partitions.map((p) => p.partitionId).sort((a, b) => a - b);
  } finally {
    await admin.disconnect();
  }
}

const isTopicAlreadyExists = (error: unknown): boolean => {
  const { type, errors } = error as { type?: string; errors?: Array<{ type?: string }> };
  return type === 'TOPIC_ALREADY_EXISTS' || (Array.isArray(errors) && errors.every((e) => e.type === 'TOPIC_ALREADY_EXISTS'));
};

import type { Kafka } from 'kafkajs';
import { KafkaIngestConsumer, KafkaIngestService } from '@cx/ingest';
import { kafkaOptionsFrom, type KafkaTopics } from '@cx/kafka';
import { testKafka } from '@cx/kafka/testing';
import { present } from '@cx/views/testing';
import { type RunningServer, startServer } from './cx-server';

/** A server of the suite's own on a broker, with a client of that broker and the topics the server uses. */
export interface KafkaServer extends RunningServer {
  kafka: Kafka;
  topics: KafkaTopics;
}

/**
 * Starts the server on the broker with every topic and group under `prefix`, so that suites
 * running beside it never meet. The in-process server reads the prefix from the environment
 * (CX_KAFKA_TOPIC_PREFIX): it is set until `close`.
 */
export async function startKafkaServer(brokers: readonly string[], prefix: string, env: Record<string, string> = {}): Promise<KafkaServer> {
  process.env.CX_KAFKA_TOPIC_PREFIX = prefix;
  try {
    const server = await startServer({ CX_KAFKA_BROKERS: brokers.join(','), ...env });
    return {
      ...server,
      kafka: testKafka([...brokers]),
      topics: kafkaOptionsFrom({ kafkaBrokers: [...brokers] }).topics,
      close: async () => {
        delete process.env.CX_KAFKA_TOPIC_PREFIX;
        await server.close();
      },
    };
  } catch (error) {
    delete process.env.CX_KAFKA_TOPIC_PREFIX;
    throw error;
  }
}

/** The server's ingest consumer, once it holds its partitions. */
export async function joinedIngestConsumer(server: RunningServer): Promise<KafkaIngestConsumer> {
  const consumer = present(server.app.get(KafkaIngestService).consumer);
  await consumer.joined;
  return consumer;
}

import { randomBytes } from 'node:crypto';
import { Kafka, KafkaMessage, logLevel, Message, Partitioners } from 'kafkajs';

/** A prefix for `CX_KAFKA_TOPIC_PREFIX` no other run uses, so reruns on one broker never meet old topics or offsets. */
export const uniqueTopicPrefix = (label: string): string => `t-${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}.`;

/** A quiet client for the test's own producing and reading. */
export const testKafka = (brokers: string[]): Kafka => new Kafka({ brokers, clientId: 'cx-test', logLevel: logLevel.NOTHING });

/** Sends in chunks, each acknowledged by the broker. */
export async function produce(kafka: Kafka, topic: string, messages: Message[], chunk = 1000): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += chunk) await producer.send({ topic, acks: -1, messages: messages.slice(i, i + chunk) });
  } finally {
    await producer.disconnect();
  }
}

export type ReadMessage = KafkaMessage & { partition: number };

/** Reads a topic from the beginning in a fresh group until `count` messages came, in partition order. */
export async function readTopic(kafka: Kafka, topic: string, count: number, timeoutMs = 60_000): Promise<ReadMessage[]> {
  const consumer = kafka.consumer({
    groupId: `reader-${randomBytes(6).toString('hex')}`,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 250,
  });
  const read: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => void read.push(...batch.messages.map((m) => ({ ...m, partition: batch.partition }))),
    });
    await waitFor(
      () => read.length >= count,
      timeoutMs,
      () => `${read.length} of ${count} messages on ${topic}`,
    );
  } finally {
    await consumer.disconnect();
  }
  return read;
}

/** Messages in a topic now (end minus start offsets): an exact count once writing stopped. */
export async function messageCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Polls until the condition holds; on timeout fails with what was last seen. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  seen: () => string | Promise<string>,
  everyMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${await seen()}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

import type { Kafka } from 'kafkajs';
import { kafkaOptionsFrom, KafkaTopics } from '@cx/kafka';
import { findKafkaBroker, KafkaBroker, produce, testKafka, uniqueTopicPrefix } from '@cx/kafka/testing';
import { client, KEYS, RunningServer, startServer } from './support/cx-server';
import { stopIfStarted } from '@cx/event-store/testing';

/** `GET /metrics` reports the ingest group's Kafka lag, per partition, against a real broker. */
describe('Kafka consumer lag in /metrics', () => {
  let broker: KafkaBroker;
  let kafka: Kafka;
  let topics: KafkaTopics;
  let server: RunningServer;
  const run = uniqueTopicPrefix('lag');
  const previousPrefix = process.env.CX_KAFKA_TOPIC_PREFIX;

  beforeAll(async () => {
    broker = await findKafkaBroker();
    kafka = testKafka(broker.brokers);
    process.env.CX_KAFKA_TOPIC_PREFIX = run;
    topics = kafkaOptionsFrom({ kafkaBrokers: broker.brokers }).topics;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: topics.ingest, numPartitions: 2 }] });
    await admin.disconnect();
    // A query process: Kafka configured, nobody consuming, so whatever is produced stays behind.
    server = await startServer({ CX_KAFKA_BROKERS: broker.brokers.join(','), CX_ROLES: 'query' });
  });
  afterAll(async () => {
    await stopIfStarted(server, (it) => it.close());
    await stopIfStarted(broker, (it) => it.release());
    if (previousPrefix === undefined) delete process.env.CX_KAFKA_TOPIC_PREFIX;
    else process.env.CX_KAFKA_TOPIC_PREFIX = previousPrefix;
  });

  it('counts the messages the ingest group has not consumed, by partition', async () => {
    await produce(
      kafka,
      topics.ingest,
      Array.from({ length: 7 }, (_, i) => ({ partition: i % 2, key: `k${i}`, value: '{}' })),
    );
    // The lag is asked of the broker on each scrape, with a time limit: a loaded machine may need a second scrape.
    let text = '';
    const lag = (partition: number) => {
      const line = text
        .split('\n')
        .find(
          (l) => l.startsWith('cx_kafka_consumer_lag{') && l.includes(`partition="${partition}"`) && l.includes(`topic="${topics.ingest}"`),
        );
      return Number(line?.split(' ').pop());
    };
    for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
      text = String((await client(server.url, KEYS.ops).get('/metrics')).body);
      if (lag(0) === 4 && lag(1) === 3) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(lag(0)).toBe(4);
    expect(lag(1)).toBe(3);
    expect(text).toContain(`group="${run}cx-ledger-ingest"`);
  });
});

import type { Kafka, Producer } from 'kafkajs';
import { EVENT_STORE, EventStore } from '@cx/event-store';
import { kafkaOptionsFrom } from '@cx/kafka';
import { OwnKafkaBroker, startOwnKafkaBroker, messageCount, uniqueTopicPrefix, waitFor } from '@cx/kafka/testing';
import { joinedIngestConsumer, KafkaServer, startKafkaServer } from './support/kafka-server';
import { KafkaIngestConsumer } from '@cx/ingest';
import { ingestMessage, sampleEvent } from '@cx/ingest/testing';
import { stopIfStarted } from '@cx/event-store/testing';

/**
 * The broker stopped and started while channel systems produce and the ingest consumer
 * works through its backlog. A broker of the test's own (other ports, own data), since
 * stopping the shared one would break the suites beside it.
 */
describe('Kafka ingest across a broker restart', () => {
  let broker: OwnKafkaBroker | null;
  let kafka: Kafka;
  let server: KafkaServer;
  let store: EventStore;
  let consumer: KafkaIngestConsumer;
  const run = uniqueTopicPrefix('restart');

  beforeAll(async () => {
    broker = await startOwnKafkaBroker();
    if (!broker) throw new Error('no Kafka broker to run against');
    server = await startKafkaServer(broker.brokers, run, { CX_ROLES: 'ingest' });
    kafka = server.kafka;
    store = server.app.get<EventStore>(EVENT_STORE);
    consumer = await joinedIngestConsumer(server);
  });
  afterAll(async () => {
    await stopIfStarted(server, (it) => it.close());
    await broker?.dispose();
  });

  it('loses nothing and stores nothing twice', async () => {
    if (!broker) throw new Error('no Kafka broker to run against');
    const events = Array.from({ length: 6000 }, (_, i) => sampleEvent(run, i, 100));
    const { ingest, deadLetters } = kafkaOptionsFrom({ kafkaBrokers: broker.brokers }).topics;
    const producer = kafka.producer({ retry: { retries: 2, initialRetryTime: 100 } });
    await producer.connect();
    const producing = produceSteadily(producer, ingest, events, 50, 50);

    await waitFor(
      async () => (await store.headPosition()) >= 1000,
      30_000,
      async () => `head ${await store.headPosition()}`,
    );
    const headAtStop = await store.headPosition();
    await broker.stop();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const headWhileDown = await store.headPosition();
    await broker.start();
    const resends = await producing;
    await producer.disconnect();

    await waitFor(
      async () => (await store.headPosition()) >= events.length,
      90_000,
      async () => `head ${await store.headPosition()}; ${JSON.stringify(consumer.counts)}`,
    );
    process.stdout.write(
      `broker restart: stopped at head ${headAtStop}, ${headWhileDown} while down; ${resends} producer batches sent again; consumer ${JSON.stringify(consumer.counts)}\n`,
    );
    expect(headWhileDown).toBeLessThan(events.length);
    const stored = await store.readAll({ after: 0, maxCount: 100_000 });
    expect(stored).toHaveLength(events.length);
    expect(new Set(stored.map((e) => e.id))).toEqual(new Set(events.map((e) => e.id)));
    expect(consumer.counts.accepted).toBe(events.length);
    expect(consumer.counts.deadLettered).toBe(0);
    expect(await messageCount(kafka, deadLetters)).toBe(0);
  });
});

/**
 * A channel system at a steady pace: batches of `size` every `everyMs`; a batch the broker
 * does not acknowledge is sent again until it is (at least once, as real producers do).
 * Answers how many batches had to be sent again.
 */
async function produceSteadily(
  producer: Producer,
  topic: string,
  events: Array<ReturnType<typeof sampleEvent>>,
  size: number,
  everyMs: number,
): Promise<number> {
  let resends = 0;
  for (let i = 0; i < events.length; i += size) {
    const messages = events.slice(i, i + size).map((e) => ingestMessage(e, i % 2 === 0 ? 'structured' : 'binary', e.data.customer.id));
    for (;;) {
      try {
        await producer.send({ topic, acks: -1, messages });
        break;
      } catch {
        resends += 1;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return resends;
}

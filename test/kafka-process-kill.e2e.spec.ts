import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, Partitioners } from 'kafkajs';
import { systemClock } from '@cx/clock';
import { kafkaOptionsFrom, KafkaTopics } from '@cx/kafka';
import { openSqlite, SqliteWriter } from '@cx/sqlite';
import { RelayCheckpoints, SqliteViewStore } from '@cx/projection';
import { findKafkaBroker, KafkaBroker, messageCount, readTopic, testKafka, uniqueTopicPrefix, waitFor } from '@cx/kafka/testing';
import { client, KEYS } from './support/cx-server';
import { killHard, ServerProcess, spawnServer } from './support/server-process';
import { expectCanonicalStream } from '@cx/projection/testing';
import { ingestMessage, SampleEvent, sampleEvent } from '@cx/ingest/testing';
import { SqliteEventStore } from '@cx/event-store/adapters';
import { stopIfStarted } from '@cx/event-store/testing';

const BUILT_KAFKA = join(__dirname, '..', 'dist', 'libs', 'kafka', 'src', 'index.js');

/**
 * The built server (ingest and projector roles: the consumer and the relay) killed with
 * SIGKILL while it works through a backlog on cx.ingest, then started again on the same
 * data. The new process waits out the dead member's session and the dead relay's lease.
 */
describe('Kafka ingest and relay across kill -9 of the process', () => {
  let broker: KafkaBroker;
  let kafka: Kafka;
  let dataDir: string;
  let topics: KafkaTopics;
  let env: Record<string, string>;
  const run = uniqueTopicPrefix('kill');
  const spawned: ServerProcess[] = [];

  beforeAll(async () => {
    broker = await findKafkaBroker();
    if (!existsSync(BUILT_KAFKA)) throw new Error('dist/ has no Kafka module: run `npm run build` first (npm test does)');
    kafka = testKafka(broker.brokers);
    dataDir = mkdtempSync(join(tmpdir(), 'cx-kafka-kill-'));
    topics = kafkaOptionsFrom({ kafkaBrokers: broker.brokers }, { CX_KAFKA_TOPIC_PREFIX: run }).topics;
    env = {
      CX_DATA_DIR: dataDir,
      CX_API_KEYS: `${KEYS.analyst}=analyst`,
      CX_ROLES: 'ingest,projector',
      CX_KAFKA_BROKERS: broker.brokers.join(','),
      CX_KAFKA_TOPIC_PREFIX: run,
    };
  });
  afterAll(async () => {
    for (const server of spawned) if (server.child.exitCode === null && server.child.signalCode === null) await killHard(server);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await stopIfStarted(broker, (it) => it.release());
  });

  const spawn = async () => {
    const server = await spawnServer(env);
    spawned.push(server);
    return server;
  };

  let finished = false;
  afterEach(() => (finished = true));

  it('stores every event once and publishes every stored event to cx.events with no gap', async () => {
    const events = Array.from({ length: 8000 }, (_, i) => sampleEvent(run, i, 250));
    const first = await spawn();
    // Channel systems keep producing at a steady pace through the kill and the restart.
    const producing = produceSteadily(kafka, topics.ingest, events, 100, 100, () => finished);
    await waitFor(
      async () => (await headOf(first)) >= 1000,
      60_000,
      async () => `head ${await headOf(first)}`,
    );
    await killHard(first);
    const store = new SqliteEventStore(new SqliteWriter(openSqlite(join(dataDir, 'events.sqlite'))), systemClock);
    const headAtKill = await store.headPosition();
    expect(headAtKill).toBeLessThan(events.length);

    const second = await spawn();
    const started = Date.now();
    await producing;
    await waitFor(
      async () => (await headOf(second)) >= events.length,
      90_000,
      async () => `head ${await headOf(second)}`,
    );
    const views = new SqliteViewStore(join(dataDir, 'views.sqlite'));
    const checkpoints = new RelayCheckpoints(views);
    await waitFor(
      async () => (await checkpoints.status(topics.events))?.position === events.length,
      60_000,
      async () => `relay checkpoint ${JSON.stringify(await checkpoints.status(topics.events))}`,
    );
    process.stdout.write(
      `process kill: killed at head ${headAtKill}; the new process caught up in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    await killHard(second);

    const stored = await store.readAll({ after: 0, maxCount: 100_000 });
    expect(stored).toHaveLength(events.length);
    expect(new Set(stored.map((e) => e.id))).toEqual(new Set(events.map((e) => e.id)));
    expect(await messageCount(kafka, topics.deadLetters)).toBe(0);
    // At least once: a batch acknowledged but not checkpointed before the kill comes again.
    const published = await readTopic(kafka, topics.events, await messageCount(kafka, topics.events));
    process.stdout.write(`process kill: cx.events holds ${published.length} messages for ${stored.length} events\n`);
    expectCanonicalStream(published, stored, { repeats: true });
    await views.close();
  });
});

/** A channel system producing `size` events every `everyMs` until all are sent (or the test is over). */
async function produceSteadily(
  kafka: Kafka,
  topic: string,
  events: SampleEvent[],
  size: number,
  everyMs: number,
  over: () => boolean,
): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  for (let i = 0; i < events.length && !over(); i += size) {
    const messages = events
      .slice(i, i + size)
      .map((e, j) => ingestMessage(e, (i + j) % 2 === 0 ? 'structured' : 'binary', e.data.customer.id));
    await producer.send({ topic, acks: -1, messages });
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  await producer.disconnect();
}

async function headOf(server: ServerProcess): Promise<number> {
  const health = await client(server.url)
    .get('/health')
    .catch(() => null);
  return health?.body?.info?.eventStore?.headPosition ?? 0;
}

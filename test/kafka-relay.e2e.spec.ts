import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { EVENT_STORE, EventStore } from '@cx/event-store';
import { createKafka, kafkaOptionsFrom } from '@cx/kafka';
import { KafkaRelayService, RelayCheckpoints, VIEW_STORE, ViewStore, CanonicalStreamRelay } from '@cx/projection';
import { findKafkaBroker, KafkaBroker, messageCount, readTopic, testKafka, uniqueTopicPrefix, waitFor } from '@cx/kafka/testing';
import { client, KEYS, RunningServer, startServer } from './support/cx-server';
import { sampleEvent } from '@cx/ingest/testing';
import { expectCanonicalStream } from '@cx/projection/testing';
import { stopIfStarted } from '@cx/event-store/testing';
import { present } from '@cx/views/testing';

/** SPEC §5's canonical stream: every stored event on cx.events, key = customer id, from a durable checkpoint. */
describe('Kafka relay: event store → cx.events', () => {
  let broker: KafkaBroker;
  let kafka: Kafka;
  let dataDir: string;
  const run = uniqueTopicPrefix('relay');
  const servers: RunningServer[] = [];

  const start = async (roles: string) => {
    const server = await startServer({ CX_KAFKA_BROKERS: broker.brokers.join(','), CX_ROLES: roles, CX_DATA_DIR: dataDir });
    servers.push(server);
    return server;
  };
  const post = async (server: RunningServer, events: Array<Record<string, unknown>>) => {
    for (let i = 0; i < events.length; i += 500) {
      const answer = await client(server.url, KEYS.ingest).post('/v1/events', events.slice(i, i + 500));
      expect(answer.body.every((r: { status: string }) => r.status === 'accepted')).toBe(true);
    }
  };

  beforeAll(async () => {
    broker = await findKafkaBroker();
    kafka = testKafka(broker.brokers);
    dataDir = mkdtempSync(join(tmpdir(), 'cx-relay-'));
    process.env.CX_KAFKA_TOPIC_PREFIX = run;
  });
  afterAll(async () => {
    delete process.env.CX_KAFKA_TOPIC_PREFIX;
    for (const server of servers) await server.close().catch(() => undefined);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await stopIfStarted(broker, (it) => it.release());
  });

  it('publishes every stored event once, keyed by customer in per-customer order, and resumes after a restart with no gap', async () => {
    const topic = kafkaOptionsFrom({ kafkaBrokers: broker.brokers }).topics.events;
    const first = await start('ingest,projector');
    await post(
      first,
      Array.from({ length: 1200 }, (_, i) => sampleEvent(`${run}a`, i, 40)),
    );
    const relay = present(first.app.get(KafkaRelayService).relay);
    await waitFor(
      () => relay.checkpoint >= 1200,
      30_000,
      () => `relay at ${relay.checkpoint}`,
    );
    await first.close();

    // Events stored while no relay runs are published when one is back, from the checkpoint.
    const ingestOnly = await start('ingest');
    await post(
      ingestOnly,
      Array.from({ length: 800 }, (_, i) => sampleEvent(`${run}b`, i, 40)),
    );
    await ingestOnly.close();

    const second = await start('ingest,projector');
    const store = second.app.get<EventStore>(EVENT_STORE);
    const resumed = present(second.app.get(KafkaRelayService).relay);
    await waitFor(
      () => resumed.checkpoint >= 2000,
      30_000,
      () => `relay at ${resumed.checkpoint}`,
    );
    expect(resumed.published).toBe(800);

    const stored = await store.readAll({ after: 0, maxCount: 10_000 });
    const messages = await readTopic(kafka, topic, stored.length);
    expect(await messageCount(kafka, topic)).toBe(stored.length);
    expectCanonicalStream(messages, stored, { repeats: false });
  });

  it('lets one relay publish at a time: another stands by, and takes over from the checkpoint when the first stops', async () => {
    const server = servers[servers.length - 1];
    const store = server.app.get<EventStore>(EVENT_STORE);
    const checkpoints = new RelayCheckpoints(server.app.get<ViewStore>(VIEW_STORE));
    const topic = `${run}lease.cx.events`;
    const relay = (owner: string) =>
      new CanonicalStreamRelay(store, checkpoints, createKafka(broker.brokers, owner), {
        topic,
        partitions: 6,
        owner,
        leaseMs: 2000,
        batchSize: 200,
      });
    const a = relay('relay-a');
    const b = relay('relay-b');
    a.start();
    await waitFor(
      () => a.state === 'publishing',
      10_000,
      () => a.state,
    );
    b.start();
    await waitFor(
      () => b.state === 'standby',
      10_000,
      () => b.state,
    );
    await waitFor(
      () => a.checkpoint >= 600,
      20_000,
      () => `a at ${a.checkpoint}`,
    );
    await a.stop();
    await post(
      server,
      Array.from({ length: 300 }, (_, i) => sampleEvent(`${run}c`, i, 40)),
    );
    const head = await store.headPosition();
    await waitFor(
      () => b.checkpoint >= head,
      20_000,
      () => `b ${b.state} at ${b.checkpoint}`,
    );
    expect(b.published).toBe(head - a.checkpoint);
    await b.stop();

    expect(await messageCount(kafka, topic)).toBe(head);
    const stored = await store.readAll({ after: 0, maxCount: 10_000 });
    expectCanonicalStream(await readTopic(kafka, topic, head), stored, { repeats: false });
  });
});

import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { EVENT_STORE, EventStore } from '@cx/event-store';
import { createKafka, ensureTopics, kafkaOptionsFrom, KafkaTopics } from '@cx/kafka';
import { loadSettings } from '@cx/settings';
import { RelayCheckpoints, SqliteViewStore, CanonicalStreamRelay } from '@cx/projection';
import { createServer } from '../apps/server/src/server';
import type { BenchRow } from './bench-row';
import { progress } from './progress';
import { findKafkaBroker, produce, testKafka, uniqueTopicPrefix, waitFor } from '@cx/kafka/testing';
import { KafkaIngestService } from '@cx/ingest';
import { ingestMessage, sampleEvent } from '@cx/ingest/testing';

export interface KafkaBenchOptions {
  /** A running cluster; by default the tests' lookup (CX_KAFKA_BROKERS, Docker, tools/kafka). */
  brokers?: string[];
  events?: number;
  customers?: number;
}

/**
 * Kafka figures of issue 4, on the same messages (structured CloudEvents on `cx.ingest`,
 * 6 partitions): a bare kafkajs consumer that does nothing (the client's own ceiling),
 * the ingest consumer into the embedded store, and the relay publishing them to `cx.events`.
 * Consumer rates run from joining the group to the last message handled.
 */
export async function benchKafka(options: KafkaBenchOptions = {}): Promise<BenchRow[]> {
  const total = options.events ?? 50_000;
  const brokers = options.brokers ?? (await findKafkaBroker()).brokers;
  const prefix = uniqueTopicPrefix('bench');
  const topics = kafkaOptionsFrom({ kafkaBrokers: brokers }, { CX_KAFKA_TOPIC_PREFIX: prefix }).topics;
  const kafka = testKafka(brokers);
  const dataDir = mkdtempSync(join(tmpdir(), 'cx-bench-kafka-'));
  try {
    await ensureTopics(
      kafka,
      Object.values(topics).map((topic) => ({ topic, partitions: 6 })),
    );
    const events = Array.from({ length: total }, (_, i) => sampleEvent('bench', i, options.customers ?? 10_000));
    await produce(
      kafka,
      topics.ingest,
      events.map((e) => ingestMessage(e, 'structured', e.data.customer.id)),
    );
    const bare = await bareConsumerRate(kafka, topics.ingest, total, `${prefix}bare`);
    const { rate: ingest, store, close } = await ingestRate(brokers, prefix, dataDir, total);
    try {
      const publish = await publishRate(store, brokers, topics, dataDir, total);
      return [
        { name: `kafka bare kafkajs consumer, no work (client ceiling), ${total} events`, value: bare, unit: 'events/s' },
        {
          name: `kafka cx.ingest to store (sqlite), eachBatch + ingest command + commit (${Math.round((100 * ingest) / bare)}% of the bare consumer)`,
          value: ingest,
          unit: 'events/s',
        },
        { name: 'kafka cx.events publish (relay from sqlite, acks=all, idempotent)', value: publish, unit: 'events/s' },
      ];
    } finally {
      await close();
    }
  } finally {
    await deleteTopics(kafka, Object.values(topics));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function bareConsumerRate(kafka: Kafka, topic: string, total: number, groupId: string): Promise<number> {
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  let seen = 0;
  let joinedAt = 0;
  consumer.on(consumer.events.GROUP_JOIN, () => (joinedAt ||= performance.now()));
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({ eachBatch: async ({ batch }) => void (seen += batch.messages.length) });
  await waitFor(
    reporting(
      () => seen >= total,
      () => `bare consumer at ${seen}/${total}`,
    ),
    300_000,
    () => `bare consumer at ${seen}`,
    5,
  );
  const rate = total / ((performance.now() - joinedAt) / 1000);
  await consumer.disconnect();
  return Math.round(rate);
}

/** The real ingest role (the server's modules, without HTTP traffic) consuming the backlog. */
async function ingestRate(brokers: string[], prefix: string, dataDir: string, total: number) {
  process.env.CX_KAFKA_TOPIC_PREFIX = prefix;
  const settings = loadSettings({
    CX_DATA_DIR: join(dataDir, 'server'),
    CX_ROLES: 'ingest',
    CX_KAFKA_BROKERS: brokers.join(','),
    CX_API_KEYS: 'bench-key=ingest',
    LOG_LEVEL: 'silent',
  });
  const app = await createServer(settings, { logs: false });
  await app.init();
  try {
    const consumer = app.get(KafkaIngestService).consumer;
    if (!consumer) throw new Error('the server started no Kafka consumer');
    await consumer.joined;
    const joinedAt = performance.now();
    await waitFor(
      reporting(
        () => consumer.counts.accepted >= total,
        () => `ingest at ${consumer.counts.accepted}/${total}`,
      ),
      600_000,
      () => `ingest at ${JSON.stringify(consumer.counts)}`,
      5,
    );
    const rate = Math.round(total / ((performance.now() - joinedAt) / 1000));
    return { rate, store: app.get<EventStore>(EVENT_STORE), close: () => app.close() };
  } catch (error) {
    await app.close();
    throw error;
  } finally {
    delete process.env.CX_KAFKA_TOPIC_PREFIX;
  }
}

async function publishRate(store: EventStore, brokers: string[], topics: KafkaTopics, dataDir: string, total: number): Promise<number> {
  const views = new SqliteViewStore(join(dataDir, 'relay-views.sqlite'));
  const relay = new CanonicalStreamRelay(store, new RelayCheckpoints(views), createKafka(brokers, 'cx-bench-relay'), {
    topic: topics.events,
    partitions: 6,
  });
  relay.start();
  try {
    await waitFor(
      () => relay.state === 'publishing',
      60_000,
      () => relay.state,
      5,
    );
    const startedAt = performance.now();
    await waitFor(
      reporting(
        () => relay.checkpoint >= total,
        () => `relay at ${relay.checkpoint}/${total}`,
      ),
      600_000,
      () => `relay at ${relay.checkpoint}`,
      5,
    );
    return Math.round(total / ((performance.now() - startedAt) / 1000));
  } finally {
    await relay.stop();
    await views.close();
  }
}

async function deleteTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics }).catch(() => undefined);
  await admin.disconnect();
}

/** A condition that also tells how far it is, so a long wait shows on stderr. */
const reporting =
  (condition: () => boolean, seen: () => string): (() => boolean) =>
  () => {
    progress(`kafka: ${seen()}`);
    return condition();
  };

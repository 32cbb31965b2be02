import { CommandBus } from '@nestjs/cqrs';
import { Kafka, logLevel, Message } from 'kafkajs';
import { EVENT_STORE, EventStore, StoredEvent } from '@cx/event-store';
import { RecordEventsCommand, DEAD_LETTER_HEADERS, KafkaIngestConsumer, KafkaIngestService } from '@cx/ingest';
import { createKafka, KafkaTopics, textHeaders } from '@cx/kafka';
import { findKafkaBroker, KafkaBroker, messageCount, produce, readTopic, uniqueTopicPrefix, waitFor } from '@cx/kafka/testing';
import { startServer } from './support/cx-server';
import { joinedIngestConsumer, KafkaServer, startKafkaServer } from './support/kafka-server';
import { ingestMessage, sampleEvent } from '@cx/ingest/testing';
import { stopIfStarted } from '@cx/event-store/testing';
import { present } from '@cx/views/testing';

/** Issue 4 against a real broker: cx.ingest through the ingest command, rejects to the DLQ, and a group of two. */
describe('Kafka ingest: cx.ingest → event store, rejects → cx.ingest.dlq', () => {
  let broker: KafkaBroker;
  let kafka: Kafka;
  let topics: KafkaTopics;
  let server: KafkaServer;
  let store: EventStore;
  let consumer: KafkaIngestConsumer;
  const run = uniqueTopicPrefix('ingest');

  beforeAll(async () => {
    broker = await findKafkaBroker();
    server = await startKafkaServer(broker.brokers, run, { CX_ROLES: 'ingest,query' });
    ({ kafka, topics } = server);
    store = server.app.get<EventStore>(EVENT_STORE);
    consumer = await joinedIngestConsumer(server);
  });
  afterAll(async () => {
    await stopIfStarted(server, (it) => it.close());
    await stopIfStarted(broker, (it) => it.release());
  });

  it('stores every valid event of 10,000 once, and dead-letters every invalid one with its reason', async () => {
    const { messages, valid, rejects } = mixedStream(`${run}m`, 10_000);
    const started = Date.now();
    await produce(kafka, topics.ingest, messages);
    await waitFor(
      async () => (await store.headPosition()) >= valid.size && (await messageCount(kafka, topics.deadLetters)) >= rejects.size,
      90_000,
      async () => `head ${await store.headPosition()} of ${valid.size}; counts ${JSON.stringify(consumer.counts)}`,
    );
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(`kafka ingest: 10,000 messages stored or dead-lettered in ${seconds.toFixed(1)} s\n`);

    const stored = await readAllEvents(store);
    expect(stored).toHaveLength(valid.size);
    expect(new Set(stored.map((e) => e.id))).toEqual(new Set(valid.keys()));
    for (const event of stored) expect({ id: event.id, data: event.data }).toEqual({ id: event.id, data: valid.get(event.id) });
    expect(consumer.counts).toMatchObject({ accepted: valid.size, duplicate: 500, deadLettered: rejects.size });

    const letters = await readTopic(kafka, topics.deadLetters, rejects.size);
    expect(letters).toHaveLength(rejects.size);
    expect(await messageCount(kafka, topics.deadLetters)).toBe(rejects.size);
    for (const letter of letters) {
      const headers = textHeaders(letter.headers);
      const sent = present(rejects.get(present(headers.get('test_seq'))));
      expect(headers.get(DEAD_LETTER_HEADERS.reason)).toBe(sent.reason);
      expect(JSON.parse(present(headers.get(DEAD_LETTER_HEADERS.errors)))).toEqual(
        expect.arrayContaining([expect.objectContaining({ path: expect.any(String), message: expect.any(String) })]),
      );
      expect(headers.get(DEAD_LETTER_HEADERS.sourceTopic)).toBe(topics.ingest);
      expect(Number(headers.get(DEAD_LETTER_HEADERS.sourceOffset))).toBeGreaterThanOrEqual(0);
      expect(letter.value?.toString()).toBe(String(sent.message.value));
      for (const [name, value] of Object.entries(sent.message.headers ?? {})) expect(headers.get(name)).toBe(String(value));
    }

    // Offsets are committed once the append answered: the group has nothing left to read.
    await waitFor(
      async () => (await groupLag(kafka, run, topics.ingest)) === 0,
      10_000,
      async () => `lag ${await groupLag(kafka, run, topics.ingest)}`,
    );
  });

  it('accepts structured mode and binary mode alike, keeping the attributes as sent', async () => {
    const structured = { ...sampleEvent(`${run}s`, 1, 1), subject: 'call-1', tenant: 'north' };
    const binary = { ...sampleEvent(`${run}b`, 2, 1), datacontenttype: 'application/json', tenant: 'south' };
    const bare = sampleEvent(`${run}n`, 3, 1);
    const head = await store.headPosition();
    await produce(kafka, topics.ingest, [
      ingestMessage(structured, 'structured', 'k'),
      ingestMessage(binary, 'binary', 'k'),
      { key: 'k', value: JSON.stringify(bare) }, // structured mode without a content-type header
    ]);
    await waitFor(
      async () => (await store.headPosition()) >= head + 3,
      20_000,
      async () => `head ${await store.headPosition()}`,
    );
    const [first, second, third] = await store.readAll({ after: head, maxCount: 10 });
    const { data: structuredData, ...structuredAttributes } = structured;
    const { data: binaryData, ...binaryAttributes } = binary;
    expect(first).toMatchObject({ id: structured.id, attributes: structuredAttributes, data: structuredData });
    expect(second).toMatchObject({ id: binary.id, attributes: binaryAttributes, data: binaryData });
    expect(third).toMatchObject({ id: bare.id, data: bare.data });
  });

  it('commits nothing and dead-letters nothing while the store fails, and stores everything once when it answers again', async () => {
    const topic = `${run}outage.cx.ingest`;
    const deadLetterTopic = `${run}outage.cx.ingest.dlq`;
    const commandBus = server.app.get(CommandBus);
    let failures = 0;
    const record = async (events: unknown[]) => {
      if (failures < 3) {
        failures += 1;
        throw new Error('event store unavailable');
      }
      return commandBus.execute(new RecordEventsCommand(events, { roles: new Set(['ingest']) }));
    };
    const outage = new KafkaIngestConsumer(createKafka(broker.brokers, 'outage-test', logLevel.NOTHING), record, {
      topic,
      deadLetterTopic,
      groupId: `${run}outage`,
      partitions: 1,
    });
    const events = Array.from({ length: 300 }, (_, i) => sampleEvent(`${run}o`, i, 10));
    const head = await store.headPosition();
    await outage.start();
    try {
      await produce(
        kafka,
        topic,
        events.map((e) => ingestMessage(e, 'structured', e.data.customer.id)),
      );
      await waitFor(
        async () => (await store.headPosition()) >= head + events.length,
        60_000,
        async () => `head ${await store.headPosition()}; failures ${failures}`,
      );
      expect(failures).toBe(3);
      expect(outage.counts).toMatchObject({ accepted: events.length, deadLettered: 0 });
      const added = await store.readAll({ after: head, maxCount: 1000 });
      expect(added).toHaveLength(events.length);
      // One command appends customer by customer: each customer's events keep their partition order.
      const customerIds = [...new Set(events.map((e) => e.data.customer.id))];
      for (const customer of customerIds) {
        expect(added.filter((e) => e.customerId === customer).map((e) => e.id)).toEqual(
          events.filter((e) => e.data.customer.id === customer).map((e) => e.id),
        );
      }
      expect(await messageCount(kafka, deadLetterTopic)).toBe(0);
    } finally {
      await outage.stop();
    }
  });

  it('shares the partitions between two ingest processes of one group, which together store every event once', async () => {
    const second = await startServer({ CX_KAFKA_BROKERS: broker.brokers.join(','), CX_ROLES: 'ingest', CX_DATA_DIR: server.dataDir });
    try {
      const other = present(second.app.get(KafkaIngestService).consumer);
      await waitFor(
        () => consumer.assignment.length > 0 && other.assignment.length > 0 && consumer.assignment.length + other.assignment.length === 6,
        30_000,
        () => `assignments ${JSON.stringify(consumer.assignment)} / ${JSON.stringify(other.assignment)}`,
      );
      expect(new Set([...consumer.assignment, ...other.assignment]).size).toBe(6);

      const before = [consumer.counts.accepted, other.counts.accepted];
      const head = await store.headPosition();
      const events = Array.from({ length: 3000 }, (_, i) => sampleEvent(`${run}g`, i, 200));
      await produce(
        kafka,
        topics.ingest,
        events.map((e) => ingestMessage(e, 'structured', e.data.customer.id)),
      );
      await waitFor(
        async () => (await store.headPosition()) >= head + 3000,
        60_000,
        async () => `head ${await store.headPosition()} of ${head + 3000}`,
      );

      const added = await store.readAll({ after: head, maxCount: 10_000 });
      expect(added).toHaveLength(3000);
      expect(new Set(added.map((e) => e.id))).toEqual(new Set(events.map((e) => e.id)));
      expect(consumer.counts.accepted - before[0]).toBeGreaterThan(0);
      expect(other.counts.accepted - before[1]).toBeGreaterThan(0);
      expect(consumer.counts.accepted - before[0] + other.counts.accepted - before[1]).toBe(3000);
    } finally {
      await second.close();
    }
  });
});

interface SentReject {
  message: Message;
  reason: string;
}

/**
 * Every 20th message invalid (seven kinds in turn), every 20th a re-send of an earlier
 * valid event (in the other mode half the time: the same event), the rest new and valid,
 * half structured and half binary. Keys are customer ids, so a conflicting re-send comes
 * after its original in the same partition.
 */
function mixedStream(run: string, total: number) {
  const messages: Message[] = [];
  const valid = new Map<string, unknown>();
  const validEvents: Array<ReturnType<typeof sampleEvent>> = [];
  const rejects = new Map<string, SentReject>();
  let next = 0;
  for (let i = 0; i < total; i++) {
    const seq = { test_seq: String(i) };
    const mode = i % 2 === 0 ? 'structured' : 'binary';
    if (i % 20 === 0 && validEvents.length > 0) {
      const { message, reason } = invalidMessage(Math.floor(i / 20) % 7, validEvents[(i * 7) % validEvents.length], `${run}-bad-${i}`, seq);
      messages.push(message);
      rejects.set(String(i), { message, reason });
    } else if (i % 20 === 1) {
      const original = validEvents[(i * 13) % validEvents.length];
      messages.push(ingestMessage(original, i % 40 === 1 ? 'binary' : 'structured', original.data.customer.id, seq));
    } else {
      const event = sampleEvent(run, next++, 300);
      validEvents.push(event);
      valid.set(event.id, event.data);
      messages.push(ingestMessage(event, mode, event.data.customer.id, seq));
    }
  }
  return { messages, valid, rejects };
}

function invalidMessage(kind: number, earlier: ReturnType<typeof sampleEvent>, id: string, seq: Record<string, string>): SentReject {
  const base = { ...sampleEvent(id, 0, 1), id };
  const key = base.data.customer.id;
  switch (kind) {
    case 0:
      return {
        reason: 'malformed_json',
        message: { key, value: '{"specversion": "1.0", "id": ', headers: { 'content-type': 'application/cloudevents+json', ...seq } },
      };
    case 1:
      return { reason: 'unknown_type', message: ingestMessage({ ...base, type: 'cx.unknown.v1' }, 'structured', key, seq) };
    case 2:
      return {
        reason: 'invalid',
        message: ingestMessage({ ...base, data: { customer: {}, channel: 'pigeon', direction: 'inbound' } }, 'binary', key, seq),
      };
    case 3:
      return { reason: 'invalid_time', message: ingestMessage({ ...base, time: '1999-12-31T23:00:00Z' }, 'structured', key, seq) };
    case 4:
      return {
        reason: 'unsupported_content_type',
        message: { key, value: JSON.stringify(base), headers: { 'content-type': 'text/plain', ...seq } },
      };
    case 5: {
      // Same (source, id) as a stored event, other content: after the original, in the same partition.
      const conflicting = { ...earlier, data: { ...earlier.data, direction: 'outbound' } };
      return { reason: 'id_conflict', message: ingestMessage(conflicting, 'structured', earlier.data.customer.id, seq) };
    }
    default: {
      const message = ingestMessage(base, 'binary', key, seq);
      delete (message.headers as Record<string, unknown>).ce_id;
      return { reason: 'invalid', message };
    }
  }
}

async function readAllEvents(store: EventStore): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (
    let batch = await store.readAll({ after: 0, maxCount: 5000 });
    batch.length > 0;
    batch = await store.readAll({ after: events[events.length - 1].position, maxCount: 5000 })
  ) {
    events.push(...batch);
  }
  return events;
}

async function groupLag(kafka: Kafka, prefix: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId: `${prefix}cx-ledger-ingest`, topics: [topic] });
    const ends = await admin.fetchTopicOffsets(topic);
    return ends.reduce((lag, end) => {
      const offset = Number(committed.partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
      return lag + Number(end.high) - Math.max(offset, Number(end.low));
    }, 0);
  } finally {
    await admin.disconnect();
  }
}

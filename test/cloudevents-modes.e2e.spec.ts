import { CloudEvent, HTTP, Kafka as CloudEventsKafka } from 'cloudevents';
import type { Kafka, Message } from 'kafkajs';
import { kafkaOptionsFrom } from '@cx/kafka';
import { findKafkaBroker, KafkaBroker, produce, uniqueTopicPrefix, waitFor } from '@cx/kafka/testing';
import { client, KEYS, RunningServer, startServer } from './support/cx-server';
import { joinedIngestConsumer, KafkaServer, startKafkaServer } from './support/kafka-server';
import { rawRequest } from './support/raw-http';
import { KafkaIngestService } from '@cx/ingest';
import { stopIfStarted } from '@cx/event-store/testing';
import { present } from '@cx/views/testing';

/**
 * Issue 17 items 1 and 2, with the official CloudEvents SDK as the client: an event sent
 * in binary mode, over HTTP or Kafka, is validated as and stored as the same event sent
 * in structured mode (a resend in the other mode is a `duplicate` at the same position),
 * and the timeline gives back CloudEvents the SDK accepts.
 */

type Result = { index: number; status: string; position?: number; error?: string; errors?: Array<{ path: string; message: string }> };

let sequence = 0;
/** A valid event of CX Ledger as an SDK CloudEvent; `datacontenttype` set, as binary mode always carries one. */
function sdkEvent(run: string, overrides: Record<string, unknown> = {}): CloudEvent<Record<string, unknown>> {
  sequence += 1;
  return new CloudEvent<Record<string, unknown>>({
    id: `${run}-${sequence}`,
    source: '/channels/sdk',
    type: 'cx.survey.answered.v1',
    time: `2026-03-0${1 + (sequence % 8)}T09:30:00.000Z`,
    subject: `answer-${sequence}`,
    datacontenttype: 'application/json',
    cxchannelref: `ref-${sequence}`,
    data: { customer: { id: `${run}-C${sequence % 3}` }, survey: 'nps', score: sequence % 11, channel: 'email' },
    ...overrides,
  });
}

describe('CloudEvents over HTTP with the SDK as client: structured and binary mode give the same stored event', () => {
  let server: RunningServer;
  beforeAll(async () => (server = await startServer()));
  afterAll(async () => stopIfStarted(server, (it) => it.close()));

  const send = async (message: { headers: Record<string, unknown>; body: unknown }) => {
    const response = await fetch(`${server.url}/v1/events`, {
      method: 'POST',
      headers: { ...(message.headers as Record<string, string>), authorization: `Bearer ${KEYS.all}` },
      body: message.body as string,
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('stores a binary-mode event, and answers the same event in structured mode duplicate at its position (and the other way round)', async () => {
    for (const [first, second] of [
      [HTTP.binary, HTTP.structured],
      [HTTP.structured, HTTP.binary],
    ] as const) {
      for (let i = 0; i < 5; i += 1) {
        const event = sdkEvent('http');
        const a = await send(first(event));
        expect(a.status).toBe(202);
        expect(a.body).toEqual([expect.objectContaining({ index: 0, id: event.id, status: 'accepted', position: expect.any(Number) })]);
        const b = await send(second(event));
        expect(b.body).toEqual([expect.objectContaining({ status: 'duplicate', position: a.body[0].position })]);
      }
    }
  });

  it('rejects an invalid event with the same problems in both modes (binary mode is not read as a structured event)', async () => {
    const cases: Array<[string, Record<string, unknown>]> = [
      ['an unknown type', { type: 'cx.unknown.v1' }],
      ['a score out of range', { data: { customer: { id: 'X' }, survey: 'nps', score: 11 } }],
      // (A time without an offset cannot be sent this way: the SDK itself rewrites `time` as UTC.)
      ['a time five years ahead', { time: '2031-03-01T09:30:00Z' }],
      ['no customer', { data: { survey: 'nps', score: 3 } }],
    ];
    for (const [, overrides] of cases) {
      const event = new CloudEvent<Record<string, unknown>>({ ...sdkEvent('bad').toJSON(), ...overrides }, false);
      const [binary, structured] = [await send(HTTP.binary(event)), await send(HTTP.structured(event))];
      expect(binary.status).toBe(202);
      const [b, s] = [binary.body[0] as Result, structured.body[0] as Result];
      expect(b.status).toBe('rejected');
      expect({ error: b.error, errors: b.errors }).toEqual({ error: s.error, errors: s.errors });
      expect(present(b.errors).length).toBeLessThanOrEqual(2);
    }
  });

  it('rejects a binary-mode event that lacks an attribute by naming it, not by reading the data as an envelope', async () => {
    const { headers, body } = HTTP.binary(sdkEvent('missing'));
    const { ['ce-source']: _source, ...rest } = headers as Record<string, string>;
    const answer = await send({ headers: rest, body });
    expect(answer.body[0]).toMatchObject({ status: 'rejected', error: 'invalid' });
    expect(present((answer.body[0] as Result).errors).map((e) => e.path)).toEqual(['source']);
  });

  it('answers a body that is not JSON 415, in binary mode (text/plain data) as in structured mode', async () => {
    const { headers } = HTTP.binary(sdkEvent('text'));
    for (const type of ['text/plain', 'text/plain; charset=utf-8']) {
      const binary = await send({ headers: { ...(headers as object), 'content-type': type }, body: 'hello' });
      expect([binary.status, binary.body.error]).toEqual([415, 'unsupported_media_type']);
      const plain = await send({ headers: { 'content-type': type }, body: 'hello' });
      expect([plain.status, plain.body.error]).toEqual([415, 'unsupported_media_type']);
    }
  });

  it('accepts datacontenttype with parameters, decodes percent-encoded header values, and refuses an attribute given twice', async () => {
    const event = sdkEvent('params');
    const { headers, body } = HTTP.binary(event);
    const charset = await send({
      headers: { ...(headers as object), 'content-type': 'application/json; charset=utf-8', 'ce-subject': 'caf%C3%A9 %25' },
      body,
    });
    expect(charset.body[0]).toMatchObject({ status: 'accepted' });
    const timeline = await client(server.url, KEYS.analyst).get(
      `/v1/customers/${encodeURIComponent((event.data as { customer: { id: string } }).customer.id)}/timeline?after=${charset.body[0].position}&limit=1000`,
    );
    const stored = timeline.body.events.find((e: { id: string }) => e.id === event.id);
    expect(stored).toMatchObject({ subject: 'café %', datacontenttype: 'application/json; charset=utf-8' });

    const twice = await rawRequest(server.url, {
      method: 'POST',
      target: '/v1/events',
      body: body as string,
      headers: [['authorization', `Bearer ${KEYS.all}`], ...Object.entries(headers as Record<string, string>), ['ce-id', 'another-id']],
    });
    expect(twice.status).toBe(400);
    expect(JSON.parse(twice.text)).toMatchObject({ error: 'invalid_body', message: expect.stringContaining('ce-id') });
  });

  it('gives timeline entries that are CloudEvents: the SDK accepts them, with cxposition, cxrecordedat and cxcustomerid', async () => {
    const events = [sdkEvent('timeline'), sdkEvent('timeline'), sdkEvent('timeline')].map((e) =>
      e.cloneWith({ data: { ...(e.data as object), customer: { id: 'TIMELINE-1' } } }),
    );
    const positions: number[] = [];
    for (const event of events) positions.push((await send(HTTP.binary(event))).body[0].position);
    const timeline = await client(server.url, KEYS.analyst).get(`/v1/customers/TIMELINE-1/timeline?after=${Math.max(...positions)}`);
    expect(timeline.body.events).toHaveLength(3);
    for (const [i, entry] of timeline.body.events.entries()) {
      const parsed = new CloudEvent(entry); // strict: throws on a name or value CloudEvents does not allow
      expect(parsed.validate()).toBe(true);
      expect(parsed).toMatchObject({
        id: events[i].id,
        cxposition: positions[i],
        cxcustomerid: 'TIMELINE-1',
        cxrecordedat: expect.stringMatching(/Z$/),
        cxchannelref: events[i].cxchannelref,
      });
      expect(Object.keys(entry)).not.toEqual(expect.arrayContaining(['position']));
      expect(Object.keys(entry)).not.toEqual(expect.arrayContaining(['recordedAt']));
    }
  });
});

describe('CloudEvents over Kafka with the SDK as producer: both modes, the same stored event as over HTTP', () => {
  let broker: KafkaBroker;
  let kafka: Kafka;
  let server: KafkaServer;
  const run = uniqueTopicPrefix('sdk');

  beforeAll(async () => {
    broker = await findKafkaBroker();
    server = await startKafkaServer(broker.brokers, run, { CX_ROLES: 'ingest,query' });
    kafka = server.kafka;
    await joinedIngestConsumer(server);
  });
  afterAll(async () => {
    await stopIfStarted(server, (it) => it.close());
    await stopIfStarted(broker, (it) => it.release());
  });

  /** The SDK's Kafka message as kafkajs sends it: the value as text (the SDK leaves binary-mode data an object). */
  const kafkaMessage = (message: { key?: unknown; value: unknown; headers: Record<string, unknown> }): Message => ({
    key: (message.key as string | undefined) ?? null,
    value: typeof message.value === 'string' ? message.value : JSON.stringify(message.value),
    headers: Object.fromEntries(
      Object.entries(message.headers)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, String(v)]),
    ),
  });

  it('stores what the SDK produces in binary and structured mode; the same events over HTTP are duplicates at the same positions', async () => {
    const events = Array.from({ length: 20 }, () => sdkEvent('kafka'));
    const messages = events.map((event, i) =>
      kafkaMessage((i % 2 === 0 ? CloudEventsKafka.binary : CloudEventsKafka.structured)(event) as never),
    );
    await produce(kafka, kafkaOptionsFrom({ kafkaBrokers: broker.brokers }).topics.ingest, messages);
    const ingest = client(server.url, KEYS.all);
    await waitFor(
      async () => {
        const health = await client(server.url).get('/health');
        return health.body.info.eventStore.headPosition >= events.length;
      },
      60_000,
      async () => JSON.stringify(present(server.app.get(KafkaIngestService).consumer).counts),
    );
    for (const [i, event] of events.entries()) {
      const overHttp = i % 2 === 0 ? HTTP.structured(event) : HTTP.binary(event);
      const answer = await ingest.post('/v1/events', overHttp.body, overHttp.headers as Record<string, string>);
      expect(answer.body).toEqual([expect.objectContaining({ status: 'duplicate', position: expect.any(Number) })]);
    }
  });
});

import type { CloudEvent } from '@cx/events';
import { createWriteStream, WriteStream } from 'node:fs';
import { once } from 'node:events';
import { Kafka, logLevel, Producer } from 'kafkajs';
import { customerHint } from './customer-hint';

/** SPEC §1.1 batch limits: at most 1,000 events and 5 MiB (kept under it, with room for the brackets). */
export const MAX_BATCH_EVENTS = 1000;
const MAX_BATCH_BYTES = 5 * 1024 * 1024 - 1024;

export interface DeliveryCounts {
  sent: number;
  accepted: number;
  duplicate: number;
  rejected: number;
  /** The first few rejections, to show the user what went wrong. */
  rejections: Array<{ id: string | null; error: string; errors: unknown }>;
}

/** Events in order, each with its JSON (serialised once, for the size limit and for sending). */
export interface Batch {
  events: CloudEvent[];
  json: string[];
}

/** Where simulated events go: CX Ledger over HTTP, a Kafka topic, or a file. */
export interface EventSink {
  send(batch: Batch): Promise<void>;
  close(): Promise<void>;
  readonly counts: DeliveryCounts;
}

const emptyCounts = (): DeliveryCounts => ({ sent: 0, accepted: 0, duplicate: 0, rejected: 0, rejections: [] });

/** Batches of at most `size` events and the byte limit, in order. */
export function* batchesOf(events: Iterable<CloudEvent>, size = MAX_BATCH_EVENTS): Generator<Batch> {
  let batch: Batch = { events: [], json: [] };
  let bytes = 0;
  for (const event of events) {
    const json = JSON.stringify(event);
    const eventBytes = Buffer.byteLength(json) + 1;
    if (batch.events.length > 0 && (batch.events.length >= size || bytes + eventBytes > MAX_BATCH_BYTES)) {
      yield batch;
      batch = { events: [], json: [] };
      bytes = 0;
    }
    batch.events.push(event);
    batch.json.push(json);
    bytes += eventBytes;
  }
  if (batch.events.length > 0) yield batch;
}

/** Sends every batch, keeping up to `concurrency` in flight (1 keeps the delivery order exactly). */
export async function pump(
  events: Iterable<CloudEvent>,
  sink: EventSink,
  options: { batchSize?: number; concurrency?: number } = {},
): Promise<DeliveryCounts> {
  const inFlight = new Set<Promise<void>>();
  for (const batch of batchesOf(events, options.batchSize)) {
    const sending: Promise<void> = sink.send(batch).finally(() => inFlight.delete(sending));
    inFlight.add(sending);
    if (inFlight.size >= (options.concurrency ?? 1)) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  await sink.close();
  return sink.counts;
}

interface IngestAnswer {
  id: string | null;
  status: 'accepted' | 'duplicate' | 'rejected';
  error?: string;
  errors?: unknown;
}

/** POST /v1/events with an ingest key; counts the answer of every event. */
export class HttpSink implements EventSink {
  readonly counts = emptyCounts();

  constructor(
    private readonly url: string,
    private readonly key: string,
  ) {}

  async send(batch: Batch): Promise<void> {
    const response = await fetch(`${this.url.replace(/\/$/, '')}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.key}` },
      body: `[${batch.json.join(',')}]`,
    });
    const text = await response.text();
    if (response.status !== 202) throw new Error(`POST /v1/events answered ${response.status}: ${text.slice(0, 500)}`);
    this.count(JSON.parse(text) as IngestAnswer[]);
  }

  async close(): Promise<void> {}

  private count(results: IngestAnswer[]): void {
    for (const result of results) {
      this.counts.sent += 1;
      this.counts[result.status] += 1;
      if (result.status === 'rejected' && this.counts.rejections.length < 5) {
        this.counts.rejections.push({ id: result.id, error: result.error ?? 'rejected', errors: result.errors });
      }
    }
  }
}

/** JSON lines, one event a line, to a file or to standard output (`-`). */
export class FileSink implements EventSink {
  readonly counts = emptyCounts();
  private readonly out: WriteStream | NodeJS.WriteStream;

  constructor(path: string) {
    this.out = path === '-' ? process.stdout : createWriteStream(path);
  }

  async send(batch: Batch): Promise<void> {
    const text = `${batch.json.join('\n')}\n`;
    this.counts.sent += batch.events.length;
    if (!this.out.write(text)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    if (this.out === process.stdout) return;
    const file = this.out as WriteStream;
    await new Promise<void>((resolve, reject) => file.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
}

/** Produces to `cx.ingest`, keyed by a customer hint so one person's events keep their order on one partition. */
export class KafkaSink implements EventSink {
  readonly counts = emptyCounts();
  private readonly producer: Producer;
  private connected?: Promise<void>;

  constructor(
    brokers: string[],
    private readonly topic = 'cx.ingest',
  ) {
    this.producer = new Kafka({ clientId: 'cx-simulate', brokers, logLevel: logLevel.ERROR }).producer({ allowAutoTopicCreation: true });
  }

  async send(batch: Batch): Promise<void> {
    this.connected ??= this.producer.connect();
    await this.connected;
    const messages = batch.events.map((event, i) => ({ key: customerHint(event), value: batch.json[i] }));
    await this.producer.send({ topic: this.topic, acks: -1, messages });
    this.counts.sent += batch.events.length;
  }

  async close(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
  }
}

import { Inject } from '@nestjs/common';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Command, CommandRunner, Option } from 'nest-commander';
import { EVENT_STORE, EventStore, StoredEvent } from '@cx/event-store';
import { customerStreams, VIEW_STORE, ViewStore } from '@cx/projection';
import { canonicalMessage, createKafka, kafkaOptionsFrom } from '@cx/kafka';
import { SETTINGS, Settings } from '@cx/settings';
import { ProgressBar } from './progress';

interface ReplayOptions {
  toFile?: string;
  /** A topic, or true for the canonical stream's (`cx.events`). */
  toKafka?: string | true;
  fromPosition: number;
  toPosition?: number;
  customer?: string;
}

/** Where replayed events go. */
interface ReplaySink {
  write(events: StoredEvent[]): Promise<void>;
  close(): Promise<void>;
}

const KAFKA_BATCH = 500;

/**
 * `cx replay --to-file PATH | --to-kafka [TOPIC] [--from-position N] [--to-position N]
 * [--customer ID]`: re-emits stored events for a downstream system that lost data. To a
 * file: CloudEvents as JSON lines with the store's position, customer and recordedAt as
 * extension attributes. To Kafka: the canonical stream's messages (binary mode, key =
 * customer id), so consumers dedupe them by position as they do the relay's.
 */
@Command({ name: 'replay', description: 're-emit stored events (a position range, or one customer) as CloudEvents' })
export class ReplayCommand extends CommandRunner {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(VIEW_STORE) private readonly views: ViewStore,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {
    super();
  }

  async run(_: string[], options: ReplayOptions): Promise<void> {
    const sink = await this.sinkFor(options);
    let count = 0;
    let batch: StoredEvent[] = [];
    for await (const event of this.selected(options)) {
      batch.push(event);
      if (batch.length < KAFKA_BATCH) continue;
      await sink.write(batch);
      count += batch.length;
      batch = [];
    }
    await sink.write(batch);
    await sink.close();
    process.stderr.write(`replayed ${count + batch.length} events\n`);
  }

  private async sinkFor(options: ReplayOptions): Promise<ReplaySink> {
    if (options.toFile && options.toKafka) throw new Error('name one destination: --to-file or --to-kafka');
    if (options.toFile) return fileSink(options.toFile);
    if (options.toKafka) return kafkaSink(this.settings, options.toKafka);
    throw new Error('name a destination: --to-file PATH or --to-kafka [TOPIC]');
  }

  private async *selected(options: ReplayOptions): AsyncGenerator<StoredEvent> {
    if (options.customer) {
      const { streams } = await customerStreams(this.views.reader, options.customer);
      const events = (await Promise.all(streams.map((stream) => this.events.readStream(stream)))).flat();
      yield* events.filter((e) => inRange(e, options)).sort((a, b) => a.position - b.position);
      return;
    }
    const head = options.toPosition ?? (await this.events.headPosition());
    const bar = new ProgressBar('replaying');
    for (let after = options.fromPosition - 1; after < head;) {
      const batch = await this.events.readAll({ after, maxCount: 5000 });
      if (batch.length === 0) break;
      for (const event of batch) if (event.position <= head) yield event;
      after = batch[batch.length - 1].position;
      bar.update(Math.min(after, head), head);
    }
    bar.finish();
  }

  @Option({ flags: '--to-file <path>', description: 'write JSON lines to this file (- for standard output)' })
  parseToFile(value: string): string {
    return value;
  }

  @Option({ flags: '--to-kafka [topic]', description: 'produce to this topic (default: the canonical stream, cx.events) on CX_KAFKA_BROKERS' })
  parseToKafka(value: string | undefined): string | true {
    return value ?? true;
  }

  @Option({ flags: '--from-position <n>', description: 'first position (default 1)', defaultValue: 1 })
  parseFrom(value: string): number {
    return positive(value);
  }

  @Option({ flags: '--to-position <n>', description: 'last position (default: the head)' })
  parseTo(value: string): number {
    return positive(value);
  }

  @Option({ flags: '--customer <id>', description: "only this customer's events (with those of anonymous customers merged into it)" })
  parseCustomer(value: string): string {
    return value;
  }
}

function fileSink(path: string): ReplaySink {
  const out = path === '-' ? process.stdout : createWriteStream(path);
  return {
    async write(events) {
      for (const event of events) if (!out.write(`${JSON.stringify(asCloudEvent(event))}\n`)) await once(out, 'drain');
    },
    async close() {
      if (out !== process.stdout) await new Promise<void>((resolve) => out.end(() => resolve()));
    },
  };
}

async function kafkaSink(settings: Settings, topic: string | true): Promise<ReplaySink> {
  if (settings.kafkaBrokers.length === 0) throw new Error('--to-kafka needs CX_KAFKA_BROKERS');
  const options = kafkaOptionsFrom(settings);
  const producer = createKafka(options.brokers, `${options.clientId}-replay`).producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const target = topic === true ? options.topics.events : topic;
  return {
    async write(events) {
      if (events.length > 0) await producer.send({ topic: target, acks: -1, messages: events.map(canonicalMessage) });
    },
    close: () => producer.disconnect(),
  };
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error('positions are whole numbers from 1');
  return n;
}

const inRange = (e: StoredEvent, o: ReplayOptions) => e.position >= o.fromPosition && (o.toPosition === undefined || e.position <= o.toPosition);

/** The CloudEvent as stored, with where the store put it as extension attributes. */
export const asCloudEvent = (event: StoredEvent) => ({
  ...event.attributes,
  data: event.data,
  cxposition: event.position,
  cxcustomerid: event.customerId,
  cxrecordedat: new Date(event.recordedAt).toISOString(),
});

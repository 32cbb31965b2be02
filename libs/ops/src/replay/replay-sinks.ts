import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { storedCloudEvent, type StoredEvent } from '@cx/event-store';
import { canonicalMessage, createKafka, kafkaOptionsFrom } from '@cx/kafka';
import type { Settings } from '@cx/settings';

/** Where replayed events go. */
export interface ReplaySink {
  write(events: StoredEvent[]): Promise<void>;
  close(): Promise<void>;
}

/** CloudEvents as JSON lines with the store's extension attributes; `-` is standard output. */
export function fileSink(path: string): ReplaySink {
  const out = path === '-' ? process.stdout : createWriteStream(path);
  return {
    async write(events) {
      for (const event of events) if (!out.write(`${JSON.stringify(storedCloudEvent(event))}\n`)) await once(out, 'drain');
    },
    async close() {
      if (out !== process.stdout) await new Promise<void>((resolve) => out.end(resolve));
    },
  };
}

/**
 * The canonical stream's messages (binary mode, key = customer id) on `topic`, or on
 * `cx.events` itself, so consumers dedupe them by position as they do the relay's.
 */
export async function kafkaSink(settings: Settings, topic: string | undefined): Promise<ReplaySink> {
  if (settings.kafkaBrokers.length === 0) throw new Error('--to-kafka needs CX_KAFKA_BROKERS');
  const options = kafkaOptionsFrom(settings);
  const producer = createKafka(options.brokers, `${options.clientId}-replay`).producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const target = topic ?? options.topics.events;
  return {
    async write(events) {
      if (events.length > 0) await producer.send({ topic: target, acks: -1, messages: events.map(canonicalMessage) });
    },
    close: () => producer.disconnect(),
  };
}

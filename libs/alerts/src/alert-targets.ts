import type { Kafka, Producer } from 'kafkajs';
import { ensureTopics } from '@cx/kafka';
import { alertCloudEvent, type OutboxEvent } from './alert-cloud-event';
import { SIGNATURE_HEADER, webhookSignature } from './webhook-signature';

/** What one attempt to hand one event to a target gave. */
export interface SendOutcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

/** Where alerts go: the Kafka topic `cx.alerts`, or one webhook URL. `name` is its key in `alert_deliveries.target`. */
export interface AlertTarget {
  readonly name: string;
  send(events: readonly OutboxEvent[]): Promise<SendOutcome[]>;
  close(): Promise<void>;
}

export const KAFKA_TARGET = 'kafka';
const WEBHOOK_TIMEOUT_MS = 10_000;
/** A webhook gets this many requests at a time, so one slow receiver cannot hold many sockets. */
const WEBHOOK_CONCURRENCY = 8;

/** `cx.alerts`, key = customer id (one customer's alerts stay in order), idempotent producer: a retried send is not written twice. */
export class KafkaAlertTarget implements AlertTarget {
  readonly name = KAFKA_TARGET;
  private producer?: Producer;
  private connecting?: Promise<Producer>;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly partitions: number,
  ) {}

  async send(events: readonly OutboxEvent[]): Promise<SendOutcome[]> {
    try {
      const producer = await this.connected();
      await producer.send({
        topic: this.topic,
        messages: events.map((event) => ({
          key: event.customerId,
          value: JSON.stringify(alertCloudEvent(event)),
          headers: { 'content-type': 'application/cloudevents+json' },
        })),
      });
      return events.map(() => ({ ok: true, statusCode: null, error: null }));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return events.map(() => ({ ok: false, statusCode: null, error: message }));
    }
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect();
  }

  private connected(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= (async () => {
      await ensureTopics(this.kafka, [{ topic: this.topic, partitions: this.partitions }]);
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await producer.connect();
      this.producer = producer;
      return producer;
    })().finally(() => (this.connecting = undefined));
    return this.connecting;
  }
}

/** One webhook URL: each event POSTed as a structured CloudEvent, signed. */
export class WebhookAlertTarget implements AlertTarget {
  /** Aborts requests in flight when the process shuts down: they are sent again after their lease. */
  private readonly closing = new AbortController();

  constructor(
    readonly name: string,
    private readonly secret: string,
  ) {}

  async send(events: readonly OutboxEvent[]): Promise<SendOutcome[]> {
    const outcomes = new Array<SendOutcome>(events.length);
    for (let i = 0; i < events.length; i += WEBHOOK_CONCURRENCY) {
      const slice = events.slice(i, i + WEBHOOK_CONCURRENCY);
      const sent = await Promise.all(slice.map((event) => this.post(event)));
      sent.forEach((outcome, j) => (outcomes[i + j] = outcome));
    }
    return outcomes;
  }

  async close(): Promise<void> {
    this.closing.abort();
  }

  private async post(event: OutboxEvent): Promise<SendOutcome> {
    const body = JSON.stringify(alertCloudEvent(event));
    try {
      const response = await fetch(this.name, {
        method: 'POST',
        headers: { 'content-type': 'application/cloudevents+json', [SIGNATURE_HEADER]: webhookSignature(body, this.secret) },
        body,
        signal: AbortSignal.any([AbortSignal.timeout(WEBHOOK_TIMEOUT_MS), this.closing.signal]),
      });
      await response.arrayBuffer().catch(() => undefined);
      return response.ok
        ? { ok: true, statusCode: response.status, error: null }
        : { ok: false, statusCode: response.status, error: `HTTP ${response.status}` };
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return { ok: false, statusCode: null, error: cause ?? (error instanceof Error ? error.message : String(error)) };
    }
  }
}

import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import type { Counter } from 'prom-client';
import { DEAD_LETTERS } from './http-metrics';
import { Metrics } from './metrics';
import { DeadLetteredEvent } from '@cx/ingest';

/** Counts the Kafka messages dead-lettered, by reason (transport ones such as malformed_json included). */
@EventsHandler(DeadLetteredEvent)
export class DeadLetterMetrics implements IEventHandler<DeadLetteredEvent> {
  private readonly deadLetters: Counter<'transport' | 'reason'>;

  constructor(metrics: Metrics) {
    this.deadLetters = metrics.counter(DEAD_LETTERS);
  }

  handle({ transport, reasons }: DeadLetteredEvent): void {
    for (const reason of reasons) this.deadLetters.inc({ transport, reason });
  }
}

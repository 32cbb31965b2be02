import { EventsHandler, IEventHandler } from '@nestjs/cqrs';
import type { Counter, Histogram } from 'prom-client';
import { EventsRecordedEvent } from '@cx/ingest';
import { Metrics } from './metrics';

/** Counts what ingest answered, from the event it publishes after every batch (HTTP or Kafka alike). */
@EventsHandler(EventsRecordedEvent)
export class IngestMetrics implements IEventHandler<EventsRecordedEvent> {
  private readonly events: Counter<'status'>;
  private readonly rejections: Counter<'error'>;
  private readonly batchSeconds: Histogram;
  private readonly batchSize: Histogram;

  constructor(metrics: Metrics) {
    this.events = metrics.counter({
      name: 'cx_ingest_events_total',
      help: 'Events answered by ingest, by status (accepted, duplicate, rejected)',
      labelNames: ['status'],
    });
    this.rejections = metrics.counter({ name: 'cx_ingest_rejections_total', help: 'Rejected events by error code', labelNames: ['error'] });
    this.batchSeconds = metrics.histogram({
      name: 'cx_ingest_append_seconds',
      help: 'Time to validate, resolve and durably append one batch',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    });
    this.batchSize = metrics.histogram({
      name: 'cx_ingest_batch_events',
      help: 'Events per ingest batch',
      buckets: [1, 10, 50, 100, 250, 500, 1000],
    });
    // Every status shows from the first scrape, at 0, so rate() works before the first rejection.
    for (const status of ['accepted', 'duplicate', 'rejected']) this.events.inc({ status }, 0);
  }

  handle({ results, appendMs }: EventsRecordedEvent): void {
    const counts = { accepted: 0, duplicate: 0, rejected: 0 };
    for (const result of results) {
      counts[result.status] += 1;
      if (result.status === 'rejected') this.rejections.inc({ error: result.error });
    }
    for (const [status, n] of Object.entries(counts)) if (n > 0) this.events.inc({ status }, n);
    this.batchSeconds.observe(appendMs / 1000);
    this.batchSize.observe(results.length);
  }
}

import { Logger } from '@nestjs/common';
import { EventsRecordedEvent, IngestResult } from '@cx/ingest';
import { IngestMetrics } from './ingest-metrics.handler';
import { Metrics } from './metrics';

// The warnings these tests provoke on purpose need not reach the test output.
beforeAll(() => Logger.overrideLogger(false));

const sample = (text: string, series: string) =>
  Number(
    text
      .split('\n')
      .find((l) => l.startsWith(`${series} `))
      ?.slice(series.length + 1),
  );

describe('Metrics', () => {
  it('gives the same metric to a second module asking for the same name', () => {
    const metrics = new Metrics();
    const first = metrics.gauge({ name: 'cx_test_gauge', help: 'a test', labelNames: ['x'] });
    expect(metrics.gauge({ name: 'cx_test_gauge', help: 'a test', labelNames: ['x'] })).toBe(first);
  });

  it('runs the scrape hooks before answering, and still answers when one fails', async () => {
    const metrics = new Metrics();
    const gauge = metrics.gauge({ name: 'cx_test_lag', help: 'a test' });
    metrics.onScrape(() => gauge.set(42));
    metrics.onScrape(async () => {
      throw new Error('broker away');
    });
    const text = await metrics.scrape();
    expect(sample(text, 'cx_test_lag')).toBe(42);
    expect(metrics.contentType).toContain('text/plain');
  });

  it('keeps two applications in one process apart', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.counter({ name: 'cx_test_total', help: 'a test' }).inc(3);
    b.counter({ name: 'cx_test_total', help: 'a test' }).inc(1);
    expect(sample(await a.scrape(), 'cx_test_total')).toBe(3);
    expect(sample(await b.scrape(), 'cx_test_total')).toBe(1);
  });
});

describe('IngestMetrics', () => {
  it('counts every answer by status and rejection code, and times the batch', async () => {
    const metrics = new Metrics();
    const handler = new IngestMetrics(metrics);
    const results: IngestResult[] = [
      { index: 0, id: 'a', status: 'accepted', position: 1, customerId: 'c' },
      { index: 1, id: 'a', status: 'duplicate', position: 1, customerId: 'c' },
      { index: 2, id: 'b', status: 'rejected', error: 'invalid_time', errors: [] },
    ];
    handler.handle(new EventsRecordedEvent(results, 12));
    handler.handle(new EventsRecordedEvent(results.slice(0, 1), 3));
    const text = await metrics.scrape();
    expect(sample(text, 'cx_ingest_events_total{status="accepted"}')).toBe(2);
    expect(sample(text, 'cx_ingest_events_total{status="duplicate"}')).toBe(1);
    expect(sample(text, 'cx_ingest_events_total{status="rejected"}')).toBe(1);
    expect(sample(text, 'cx_ingest_rejections_total{error="invalid_time"}')).toBe(1);
    expect(sample(text, 'cx_ingest_append_seconds_count')).toBe(2);
    expect(sample(text, 'cx_ingest_append_seconds_sum')).toBeCloseTo(0.015);
    expect(sample(text, 'cx_ingest_batch_events_sum')).toBe(4);
  });
});

import { Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Metric, Registry } from 'prom-client';

type Config<L extends string> = { name: string; help: string; labelNames?: readonly L[] };

/**
 * The process's Prometheus registry (`GET /metrics`), and a small API for every module
 * that has something to count. One registry per application, not prom-client's global
 * one, so several servers in one process (the tests) never clash.
 *
 * Usage (e.g. a Kafka consumer):
 *   const lag = metrics.gauge({ name: 'cx_kafka_consumer_lag', help: '…', labelNames: ['topic', 'partition'] });
 *   lag.set({ topic, partition: String(p) }, behind);
 * or, for a value read when Prometheus scrapes:
 *   metrics.onScrape(async () => lag.set(…, await consumerLag()));
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private readonly logger = new Logger('metrics');
  private readonly scrapeHooks: Array<() => unknown> = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  counter<L extends string = string>(config: Config<L>): Counter<L> {
    return (
      (this.existing(config.name) as Counter<L> | undefined) ??
      new Counter<L>({ ...config, labelNames: config.labelNames ?? [], registers: [this.registry] })
    );
  }

  gauge<L extends string = string>(config: Config<L>): Gauge<L> {
    return (
      (this.existing(config.name) as Gauge<L> | undefined) ??
      new Gauge<L>({ ...config, labelNames: config.labelNames ?? [], registers: [this.registry] })
    );
  }

  histogram<L extends string = string>(config: Config<L> & { buckets?: number[] }): Histogram<L> {
    return (
      (this.existing(config.name) as Histogram<L> | undefined) ??
      new Histogram<L>({ ...config, labelNames: config.labelNames ?? [], registers: [this.registry] })
    );
  }

  /** Runs before every scrape, for values that live elsewhere (lags, queue depths). */
  onScrape(hook: () => unknown): void {
    this.scrapeHooks.push(hook);
  }

  /** The exposition text. A hook that fails is logged and skipped: the rest still answers. */
  async scrape(): Promise<string> {
    await Promise.all(
      this.scrapeHooks.map(async (hook) => {
        try {
          await hook();
        } catch (error) {
          this.logger.warn(`a metrics hook failed: ${(error as Error).message}`);
        }
      }),
    );
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** A second module asking for the same name shares the metric instead of failing. */
  private existing(name: string): Metric | undefined {
    return this.registry.getSingleMetric(name);
  }
}

import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { logLevel, type Admin } from 'kafkajs';
import { createKafka, kafkaOptionsFrom, type KafkaOptions } from '@cx/kafka';
import { SETTINGS, Settings } from '@cx/settings';
import { Metrics } from './metrics';

/** A scrape must not hang on a broker that is away: past this the Kafka samples are left out. */
const SCRAPE_TIMEOUT_MS = 3000;

/**
 * Kafka consumer lag of the `cx.ingest` group, per partition: the topic's end offset less
 * the group's committed one (the whole partition when the group has not committed yet).
 * It is the group's lag, asked of the broker on each scrape, so any process with Kafka
 * configured can report it, whether or not it consumes.
 */
@Injectable()
export class KafkaLagMetrics implements OnModuleInit, OnApplicationShutdown {
  private admin?: Promise<Admin>;
  private readonly options: KafkaOptions;

  constructor(
    private readonly metrics: Metrics,
    @Inject(SETTINGS) settings: Settings,
  ) {
    this.options = kafkaOptionsFrom(settings);
  }

  onModuleInit(): void {
    if (this.options.brokers.length === 0) return;
    const lag = this.metrics.gauge({
      name: 'cx_kafka_consumer_lag',
      help: 'Messages of cx.ingest not yet consumed by the ingest group',
      labelNames: ['topic', 'partition', 'group'],
    });
    this.metrics.onScrape(async () => {
      lag.reset();
      const partitions = await withTimeout(this.partitionLag(), SCRAPE_TIMEOUT_MS);
      for (const { partition, behind } of partitions)
        lag.set({ topic: this.options.topics.ingest, partition: String(partition), group: this.options.ingestGroup }, behind);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    const admin = await this.admin?.catch(() => undefined);
    await admin?.disconnect();
  }

  private async partitionLag(): Promise<Array<{ partition: number; behind: number }>> {
    const admin = await this.connected();
    const topic = this.options.topics.ingest;
    const [ends, committed] = await Promise.all([
      admin.fetchTopicOffsets(topic),
      admin.fetchOffsets({ groupId: this.options.ingestGroup, topics: [topic] }),
    ]);
    const committedBy = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    return ends.map(({ partition, high, low }) => {
      const done = committedBy.get(partition) ?? -1;
      return { partition, behind: Math.max(0, Number(high) - (done >= 0 ? done : Number(low))) };
    });
  }

  private connected(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = createKafka(this.options.brokers, `${this.options.clientId}-metrics`, logLevel.ERROR).admin();
      await admin.connect();
      return admin;
    })();
    // A failed connection is forgotten, so the next scrape tries again.
    this.admin.catch(() => (this.admin = undefined));
    return this.admin;
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Kafka did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

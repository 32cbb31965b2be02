import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { CLOCK, Clock } from '@cx/clock';
import { EVENT_LOG, EventStore } from '@cx/event-store';
import { kafkaOptionsFrom } from '@cx/kafka';
import { RelayCheckpoints, VIEW_STORE, ViewStore } from '@cx/projection';
import { SETTINGS, Settings } from '@cx/settings';
import { secondsBehind } from './event-age';
import { Metrics } from './metrics';

/**
 * How far the `cx.events` relay is behind the store (SPEC §5), from its durable checkpoint,
 * on every scrape: in events and in seconds. Any process with Kafka configured reports it,
 * whichever process holds the relay's lease.
 */
@Injectable()
export class RelayMetrics implements OnModuleInit {
  private readonly logger = new Logger('metrics');

  constructor(
    private readonly metrics: Metrics,
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(VIEW_STORE) private readonly views: ViewStore,
    @Inject(EVENT_LOG) private readonly events: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    const options = kafkaOptionsFrom(this.settings);
    if (options.brokers.length === 0) return;
    const topic = options.topics.events;
    const lagEvents = this.metrics.gauge({
      name: 'cx_relay_lag_events',
      help: 'Stored events not yet published to cx.events by the relay',
      labelNames: ['topic'],
    });
    const lagSeconds = this.metrics.gauge({
      name: 'cx_relay_lag_seconds',
      help: 'Seconds since the oldest stored event not yet published to cx.events was recorded (0 when caught up)',
      labelNames: ['topic'],
    });
    const checkpoints = new RelayCheckpoints(this.views);
    this.metrics.onScrape(async () => {
      const position = await this.relayPosition(checkpoints, topic);
      if (position === null) return;
      const head = await this.events.headPosition();
      lagEvents.set({ topic }, Math.max(0, head - position));
      lagSeconds.set({ topic }, head > position ? await secondsBehind(this.events, position, this.clock.now()) : 0);
    });
  }

  /** The relay's checkpoint; null before any relay ran against this view store (no samples then). */
  private async relayPosition(checkpoints: RelayCheckpoints, topic: string): Promise<number | null> {
    try {
      return (await checkpoints.status(topic))?.position ?? null;
    } catch (error) {
      this.logger.debug(`no relay checkpoint yet: ${(error as Error).message}`);
      return null;
    }
  }
}

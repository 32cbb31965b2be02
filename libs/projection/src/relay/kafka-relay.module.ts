import { Inject, Injectable, Module, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, EventStore } from '@cx/event-store';
import { createKafka, kafkaOptionsFrom } from '@cx/kafka';
import { SETTINGS, Settings } from '@cx/settings';
import { VIEW_STORE, ViewStore } from '../view-store/view-store.port';
import { CanonicalStreamRelay } from './canonical-stream-relay';
import { RelayCheckpoints } from './relay-checkpoints';

/** Runs the `cx.events` relay in this process when `CX_KAFKA_BROKERS` is set; the lease decides which process publishes. */
@Injectable()
export class KafkaRelayService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private running?: CanonicalStreamRelay;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(VIEW_STORE) private readonly views: ViewStore,
  ) {}

  get relay(): CanonicalStreamRelay | undefined {
    return this.running;
  }

  onApplicationBootstrap(): void {
    const options = kafkaOptionsFrom(this.settings);
    if (options.brokers.length === 0) return;
    const kafka = createKafka(options.brokers, `${options.clientId}-relay`);
    this.running = new CanonicalStreamRelay(this.events, new RelayCheckpoints(this.views), kafka, {
      topic: options.topics.events,
      partitions: options.partitions,
    });
    this.running.start();
  }

  /** Before the stores close (they do in onApplicationShutdown): the last batch still needs them. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.running?.stop();
  }
}

/** The canonical stream (SPEC §5): every stored event on `cx.events`, key = customer id. */
@Module({ providers: [KafkaRelayService], exports: [KafkaRelayService] })
export class KafkaRelayModule {}

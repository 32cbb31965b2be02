import { BeforeApplicationShutdown, Inject, Injectable, Module, OnApplicationBootstrap } from '@nestjs/common';
import { createKafka, kafkaOptionsFrom } from '@cx/kafka';
import { SETTINGS, Settings } from '@cx/settings';
import { ProjectionEngine } from '../engine/projection-engine';
import { VIEW_STORE, ViewStore } from '../view-store/view-store.port';
import { PartitionedProjector } from './partitioned-projector';
import { RelayCheckpoints } from '../relay/relay-checkpoints';

/**
 * With `CX_PROJECTOR_SOURCE=kafka`, feeds every projection's live generation from the
 * partitions of `cx.events`: one consumer group per projection, so each view's partitions
 * are shared among all projector processes.
 */
@Injectable()
export class KafkaProjectorService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private running: PartitionedProjector[] = [];

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    @Inject(VIEW_STORE) private readonly views: ViewStore,
    private readonly engine: ProjectionEngine,
  ) {}

  get projectors(): readonly PartitionedProjector[] {
    return this.running;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.settings.projectorSource !== 'kafka') return;
    const options = kafkaOptionsFrom(this.settings);
    await this.engine.installed;
    const relay = new RelayCheckpoints(this.views);
    this.running = this.engine.allProjections.map(
      (projection) =>
        new PartitionedProjector(
          createKafka(options.brokers, `${options.clientId}-projector-${projection.name}`),
          projection,
          this.views,
          relay,
          { topic: options.topics.events, groupId: `${options.projectorGroup}-${projection.name}`, partitions: options.partitions },
        ),
    );
    for (const projector of this.running) {
      this.engine.reportLiveFeed(projector.feed.projection.name, projector);
      // Not awaited: the process starts even while the broker is away; the consumer keeps trying.
      void projector.start();
    }
  }

  /** Before the view store closes (it does in onApplicationShutdown): the batch in hand still needs it. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.running.map((projector) => projector.stop()));
  }
}

/** The projector role over Kafka (SPEC §5: several projector processes side by side). */
@Module({ providers: [KafkaProjectorService], exports: [KafkaProjectorService] })
export class KafkaProjectorModule {}

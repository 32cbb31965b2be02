import { Inject, Injectable, Module, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { CommandBus, CqrsModule, EventBus } from '@nestjs/cqrs';
import { createKafka, kafkaOptionsFrom } from '@cx/kafka';
import { SETTINGS, Settings } from '@cx/settings';
import { IngestCommandModule } from '../ingest.module';
import { RecordEventsCommand, Sender } from '../record-events.command';
import { DeadLetteredEvent } from './dead-letter';
import { KafkaIngestConsumer } from './ingest-consumer';

/** A channel system writing to `cx.ingest` has the rights of an `ingest` key: no system-only types. */
const KAFKA_SENDER: Sender = { roles: new Set(['ingest']) };

/** Runs the `cx.ingest` consumer in this process when `CX_KAFKA_BROKERS` is set. */
@Injectable()
export class KafkaIngestService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private running?: KafkaIngestConsumer;

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly commandBus: CommandBus,
    private readonly eventBus: EventBus,
  ) {}

  /** The consumer, when Kafka is configured. */
  get consumer(): KafkaIngestConsumer | undefined {
    return this.running;
  }

  onApplicationBootstrap(): void {
    const options = kafkaOptionsFrom(this.settings);
    if (options.brokers.length === 0) return;
    const record = (events: unknown[]) => this.commandBus.execute(new RecordEventsCommand(events, KAFKA_SENDER));
    this.running = new KafkaIngestConsumer(createKafka(options.brokers, `${options.clientId}-ingest`), record, {
      topic: options.topics.ingest,
      deadLetterTopic: options.topics.deadLetters,
      groupId: options.ingestGroup,
      partitions: options.partitions,
      // A batch of each partition at once: their commands meet in the ledger's group commit, one transaction (one sync) for several.
      partitionsConsumedConcurrently: options.partitions,
      deadLettered: (reasons) => {
        this.eventBus.publish(new DeadLetteredEvent('kafka', reasons));
      },
    });
    // Not awaited: the HTTP side starts even while the broker is away; the consumer keeps trying.
    void this.running.start();
  }

  /** Before the stores close (they do in onApplicationShutdown): the last batch still needs them. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.running?.stop();
  }
}

/** The ingest role over Kafka (SPEC §5): the same command as POST /v1/events. */
@Module({
  imports: [CqrsModule, IngestCommandModule],
  providers: [KafkaIngestService],
  exports: [KafkaIngestService],
})
export class KafkaIngestModule {}

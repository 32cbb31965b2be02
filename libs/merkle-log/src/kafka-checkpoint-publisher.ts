import { Module } from '@nestjs/common';
import { Kafka, Partitioners, Producer } from 'kafkajs';
import { createKafka, ensureTopics, kafkaOptionsFrom } from '@cx/kafka';
import { SETTINGS, Settings } from '@cx/settings';
import { CHECKPOINT_PUBLISHER, type CheckpointPublisher } from './checkpoint-writer';
import type { SignedCheckpoint } from './merkle-log.port';

/**
 * Publishes signed checkpoints to `cx.checkpoints` (SPEC §4.2), so copies live outside the
 * database: one partition, key `checkpoint`, the checkpoint as JSON, acknowledged by every
 * in-sync replica before the log marks it published.
 */
export class KafkaCheckpointPublisher implements CheckpointPublisher {
  private readonly producer: Producer;
  private ready?: Promise<void>;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async publish(checkpoints: readonly SignedCheckpoint[]): Promise<void> {
    await this.connect();
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: checkpoints.map((c) => ({ key: 'checkpoint', value: JSON.stringify(c), headers: { 'content-type': 'application/json' } })),
    });
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }

  /** Once it worked; a failed attempt is made again on the next publish. */
  private connect(): Promise<void> {
    this.ready ??= (async () => {
      await ensureTopics(this.kafka, [{ topic: this.topic, partitions: 1 }]);
      await this.producer.connect();
    })().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }
}

function checkpointPublisher(settings: Settings): CheckpointPublisher | null {
  const options = kafkaOptionsFrom(settings);
  if (options.brokers.length === 0) return null;
  return new KafkaCheckpointPublisher(createKafka(options.brokers, `${options.clientId}-checkpoints`), options.topics.checkpoints);
}

/** CHECKPOINT_PUBLISHER for the checkpoint writer: Kafka when `CX_KAFKA_BROKERS` is set, else none. */
@Module({
  providers: [{ provide: CHECKPOINT_PUBLISHER, inject: [SETTINGS], useFactory: checkpointPublisher }],
  exports: [CHECKPOINT_PUBLISHER],
})
export class KafkaCheckpointModule {}

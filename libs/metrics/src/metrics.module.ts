import { Global, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { DeadLetterMetrics } from './dead-letter-metrics.handler';
import { IngestMetrics } from './ingest-metrics.handler';
import { KafkaLagMetrics } from './kafka-lag-metrics';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';
import { ProjectionMetrics } from './projection-metrics';
import { RelayMetrics } from './relay-metrics';

/**
 * Operability in every process, whatever its roles: `GET /metrics` and `Metrics` for any
 * module to register its own.
 */
@Global()
@Module({
  imports: [CqrsModule],
  controllers: [MetricsController],
  providers: [Metrics, IngestMetrics, DeadLetterMetrics, ProjectionMetrics, RelayMetrics, KafkaLagMetrics],
  exports: [Metrics],
})
export class MetricsModule {}

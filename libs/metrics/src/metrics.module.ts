import { Global, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { DeadLetterMetrics } from './dead-letter-metrics.handler';
import { CleanExitOnSignal } from './graceful-shutdown';
import { IngestMetrics } from './ingest-metrics.handler';
import { KafkaLagMetrics } from './kafka-lag-metrics';
import { Metrics } from './metrics';
import { MetricsController } from './metrics.controller';
import { ProjectionMetrics } from './projection-metrics';
import { RelayMetrics } from './relay-metrics';

/**
 * Operability in every process, whatever its roles: `GET /metrics`, `Metrics` for any
 * module to register its own, and a clean exit code after a graceful shutdown.
 */
@Global()
@Module({
  imports: [CqrsModule],
  controllers: [MetricsController],
  providers: [Metrics, IngestMetrics, DeadLetterMetrics, ProjectionMetrics, RelayMetrics, KafkaLagMetrics, CleanExitOnSignal],
  exports: [Metrics],
})
export class MetricsModule {}

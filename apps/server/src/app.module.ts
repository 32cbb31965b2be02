import { DynamicModule, Module, Type } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AccessModule } from '@cx/access';
import { AlertDeliveryModule, AlertMetricsModule } from '@cx/alerts';
import { ClockModule } from '@cx/clock';
import { DashboardModule } from '@cx/dashboard';
import { EventStoreModule } from '@cx/event-store';
import { PrivacyModule } from '@cx/privacy';
import { HealthModule } from '@cx/health';
import { GracefulShutdownModule } from '@cx/http';
import { IdentityModule } from '@cx/identity';
import { IngestModule, KafkaIngestModule } from '@cx/ingest';
import { CheckpointWriterModule, MerkleLogModule, KafkaCheckpointModule } from '@cx/merkle-log';
import { MetricsModule } from '@cx/metrics';
import { OpsModule } from '@cx/ops';
import { PostgresModule } from '@cx/postgres';
import { KafkaProjectorModule, KafkaRelayModule, ProjectorModule, ViewStoreModule } from '@cx/projection';
import { QueryModule } from '@cx/query';
import { Role, Settings, SettingsModule } from '@cx/settings';
import { loggerOptions } from './logging';
import { ProjectorThread } from './projector-thread';

/** What each role of SPEC §5 adds to the process. */
const MODULES_BY_ROLE: Record<Role, Array<Type | DynamicModule>> = {
  // Kafka modules do nothing unless CX_KAFKA_BROKERS is set; the relay's lease lets any number of projectors run it.
  ingest: [IngestModule, KafkaIngestModule],
  // Partitioned projectors only with CX_PROJECTOR_SOURCE=kafka. The checkpoint writer follows the store like the relay.
  projector: [KafkaRelayModule, KafkaProjectorModule, CheckpointWriterModule.forRoot({ imports: [KafkaCheckpointModule] })],
  query: [QueryModule, OpsModule, DashboardModule],
};

/**
 * The projector role folds in a thread of its own (ProjectorThread), unless CX_PROJECTOR_THREAD=off.
 * The alert deliverer goes with the folds: on one connection to the views, its writes take
 * turns with theirs instead of waiting on SQLite's busy handler (which held the main thread
 * and added ~40 ms to a detractor's webhook). The checkpoint writer and relay stay on the
 * main thread. Partitioned projectors (CX_PROJECTOR_SOURCE=kafka) are spread over processes instead.
 */
export function foldsInThread(settings: Settings): boolean {
  return settings.roles.has('projector') && settings.projectorSource === 'store' && settings.projectorThread;
}

/** Starts and watches the projector thread of this process; its delivery attempts are counted here. */
@Module({ imports: [AlertMetricsModule], providers: [ProjectorThread] })
class ProjectorThreadModule {}

/** The projector role's folds and alert delivery: in the projector thread, or on this thread. */
function foldingModules(settings: Settings): Array<Type | DynamicModule> {
  if (!settings.roles.has('projector')) return [];
  return foldsInThread(settings) ? [ProjectorThreadModule] : [AlertDeliveryModule.counted()];
}

@Module({})
export class AppModule {
  static forSettings(settings: Settings): DynamicModule {
    return {
      module: AppModule,
      imports: [
        SettingsModule.forRoot(settings),
        ClockModule,
        LoggerModule.forRoot(loggerOptions(settings)),
        AccessModule,
        // First of the stores: global modules shut down in reverse, so the shared pool ends last.
        PostgresModule,
        EventStoreModule,
        IdentityModule,
        MerkleLogModule,
        PrivacyModule,
        ViewStoreModule,
        ProjectorModule.forRoot({ runs: settings.roles.has('projector') && !foldsInThread(settings), source: settings.projectorSource }),
        HealthModule,
        MetricsModule,
        GracefulShutdownModule,
        ...[...settings.roles].flatMap((role) => MODULES_BY_ROLE[role]),
        ...foldingModules(settings),
      ],
    };
  }
}

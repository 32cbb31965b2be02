import { Module } from '@nestjs/common';
import { ClockModule } from '@cx/clock';
import { EventStoreModule } from '@cx/event-store';
import { IdentityModule } from '@cx/identity';
import { MerkleLogModule } from '@cx/merkle-log';
import { Erasure } from '@cx/ops';
import { PostgresModule } from '@cx/postgres';
import { PrivacyModule } from '@cx/privacy';
import { ProjectorModule, ViewStoreModule } from '@cx/projection';
import { SettingsModule } from '@cx/settings';
import { SimulateCommand } from '@cx/simulator';
import { AlertsCommand, RedeliverAlertsCommand } from './alerts.command';
import { AuditCommand } from './audit.command';
import { CheckpointCommand } from './checkpoint.command';
import { ForgetCommand } from './forget.command';
import { RebuildCommand } from './rebuild.command';
import { ReplayCommand } from './replay.command';
import { ReportCommand } from './report.command';
import { VerifyCommand } from './verify.command';

/** The ops commands: the same settings and stores as the server, no HTTP; folds run only when a command asks. */
@Module({
  imports: [
    SettingsModule.forRoot(),
    ClockModule,
    PostgresModule,
    EventStoreModule,
    IdentityModule,
    MerkleLogModule,
    PrivacyModule,
    ViewStoreModule,
    ProjectorModule.forRoot({ runs: false, source: 'store' }),
  ],
  providers: [
    AlertsCommand,
    RedeliverAlertsCommand,
    VerifyCommand,
    CheckpointCommand,
    RebuildCommand,
    AuditCommand,
    ForgetCommand,
    Erasure,
    ReportCommand,
    ReplayCommand,
    SimulateCommand,
  ],
})
export class CliModule {}

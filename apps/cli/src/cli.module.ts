import { Module } from '@nestjs/common';
import { EventStoreModule } from '@cx/event-store';
import { ProjectorModule } from '@cx/projector';
import { SettingsModule } from '@cx/settings';
import { ViewStoreModule } from '@cx/view-store';
import { AuditCommand } from './audit.command';
import { RebuildCommand } from './rebuild.command';
import { ReplayCommand } from './replay.command';
import { ReportCommand } from './report.command';
import { VerifyCommand } from './verify.command';

/** The ops commands: the same settings and stores as the server, no HTTP; folds run only when a command asks. */
@Module({
  imports: [SettingsModule.forRoot(), EventStoreModule, ViewStoreModule, ProjectorModule.forRoot({ runs: false })],
  providers: [VerifyCommand, RebuildCommand, AuditCommand, ReportCommand, ReplayCommand],
})
export class CliModule {}

import { Module } from '@nestjs/common';
import { EventStoreModule } from '@cx/event-store';
import { SettingsModule } from '@cx/settings';
import { VerifyCommand } from './verify.command';

/** The ops commands: the same settings and stores as the server, no HTTP. */
@Module({
  imports: [SettingsModule.forRoot(), EventStoreModule],
  providers: [VerifyCommand],
})
export class CliModule {}

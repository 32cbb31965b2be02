import { DynamicModule, Module, Type } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AccessModule } from '@cx/access';
import { EventStoreModule } from '@cx/event-store';
import { HealthModule } from '@cx/health';
import { IngestModule } from '@cx/ingest';
import { OpsModule } from '@cx/ops';
import { ProjectorModule } from '@cx/projector';
import { QueryModule } from '@cx/query';
import { ViewStoreModule } from '@cx/view-store';
import { Role, Settings, SettingsModule } from '@cx/settings';

/** What each role of SPEC §5 adds to the process. */
const MODULES_BY_ROLE: Record<Role, Type[]> = {
  ingest: [IngestModule],
  projector: [],
  query: [QueryModule, OpsModule],
};

@Module({})
export class AppModule {
  static forSettings(settings: Settings): DynamicModule {
    return {
      module: AppModule,
      imports: [
        SettingsModule.forRoot(settings),
        LoggerModule.forRoot({
          pinoHttp: {
            level: settings.logLevel,
            // Bodies carry personal data: only the request line, status and timing are logged.
            serializers: { req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url.split('?')[0] }) },
            redact: ['req.headers.authorization'],
          },
        }),
        AccessModule,
        EventStoreModule,
        ViewStoreModule,
        ProjectorModule.forRoot({ runs: settings.roles.has('projector') }),
        HealthModule,
        ...[...settings.roles].flatMap((role) => MODULES_BY_ROLE[role]),
      ],
    };
  }
}

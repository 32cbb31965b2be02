import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { DynamicModule, INestApplicationContext, Type } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Module } from '@nestjs/common';
import { ClockModule } from '@cx/clock';
import { EventStoreModule } from '@cx/event-store';
import { IdentityModule } from '@cx/identity';
import { PostgresModule } from '@cx/postgres';
import { PrivacyModule } from '@cx/privacy';
import { IngestCommandModule, RecordEventsCommand } from '@cx/ingest';
import { ProjectorModule, ViewStoreModule } from '@cx/projection';
import { loadSettings, Settings, SettingsModule } from '@cx/settings';

/** CX Ledger without HTTP, for benchmarks: the same modules the server composes, and `more` after them. */
export async function benchContext(
  env: Record<string, string>,
  more: Array<Type | DynamicModule> = [],
): Promise<{ app: INestApplicationContext; settings: Settings }> {
  const settings = loadSettings({ LOG_LEVEL: 'silent', CX_API_KEYS: 'bench=ops', ...env });
  @Module({
    imports: [
      SettingsModule.forRoot(settings),
      ClockModule,
      PostgresModule,
      EventStoreModule,
      IdentityModule,
      PrivacyModule,
      ViewStoreModule,
      ProjectorModule.forRoot({ runs: false, source: 'store' }),
      IngestCommandModule,
      ...more,
    ],
  })
  class BenchModule {}
  const app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
  await app.init();
  return { app, settings };
}

/** Records events through the ingest command (validation, identity, append), in batches of 1,000. */
export async function recordAll(
  app: INestApplicationContext,
  events: Iterable<unknown>,
  onProgress?: (n: number) => void,
): Promise<number> {
  const bus = app.get(CommandBus);
  const sender = { roles: new Set(['ingest']) };
  let batch: unknown[] = [];
  let total = 0;
  for (const event of events) {
    batch.push(event);
    if (batch.length === 1000) {
      await bus.execute(new RecordEventsCommand(batch, sender));
      total += batch.length;
      onProgress?.(total);
      batch = [];
    }
  }
  if (batch.length > 0) await bus.execute(new RecordEventsCommand(batch, sender));
  return total + batch.length;
}

import 'reflect-metadata';
import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { LoggerModule, Logger } from 'nestjs-pino';
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { AlertDeliveryModule } from '@cx/alerts';
import { ClockModule } from '@cx/clock';
import { EventStoreModule } from '@cx/event-store';
import { PostgresModule } from '@cx/postgres';
import { ProjectionEngine, ProjectorModule, ViewStoreModule } from '@cx/projection';
import { Settings, SettingsModule } from '@cx/settings';
import { loggerOptions } from './logging';
import type { FromProjectorThread } from './projector-thread';

/** How often the thread tells its process where its runners stand (the status reads it). */
const REPORT_MS = 200;

/** The projector thread's application: the stores, the engine running the folds and the alert deliverer; nothing of HTTP. */
@Module({})
class ProjectorThreadModule {
  static forSettings(settings: Settings, port: MessagePort): DynamicModule {
    return {
      module: ProjectorThreadModule,
      imports: [
        SettingsModule.forRoot(settings),
        ClockModule,
        LoggerModule.forRoot(loggerOptions(settings)),
        PostgresModule,
        EventStoreModule,
        ViewStoreModule,
        ProjectorModule.forRoot({ runs: true, source: 'store' }),
        AlertDeliveryModule.reportingTo({
          attempted: (target, outcome, count) =>
            port.postMessage({ kind: 'attempted', target, outcome, count } satisfies FromProjectorThread),
        }),
      ],
    };
  }
}

/** Runs in the worker that ProjectorThread starts, with the process's settings; ends when told to stop. */
async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('the projector runs here only as a worker thread that ProjectorThread started');
  const app = await NestFactory.createApplicationContext(ProjectorThreadModule.forSettings(workerData as Settings, port), {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  const engine = app.get(ProjectionEngine);
  port.postMessage({ kind: 'ready' } satisfies FromProjectorThread);
  const report = setInterval(
    () => port.postMessage({ kind: 'runners', runners: engine.runnerStates() } satisfies FromProjectorThread),
    REPORT_MS,
  );
  // The one thing the process tells the thread (ToProjectorThread): stop.
  port.once('message', () => {
    clearInterval(report);
    void app.close().then(() => port.close());
  });
}

// An error thrown here ends the thread with it: ProjectorThread logs it and starts another.
void main();

import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { configureHttp, fastifyServerOptions, setupOpenApi } from '@cx/http';
import { observeHttp } from '@cx/metrics';
import type { Settings } from '@cx/settings';
import { AppModule, foldsInThread } from './app.module';
import { ProjectorThread } from './projector-thread';

/** The HTTP application for these settings, not yet listening. */
export async function createServer(settings: Settings, options: { logs?: boolean } = {}): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forSettings(settings),
    new FastifyAdapter(fastifyServerOptions()),
    // abortOnError: false makes a failed boot throw its cause instead of exiting the process.
    { bodyParser: false, bufferLogs: true, abortOnError: false, logger: options.logs === false ? false : undefined },
  );
  if (options.logs !== false) app.useLogger(app.get(Logger));
  configureHttp(app);
  observeHttp(app);
  setupOpenApi(app);
  app.enableShutdownHooks();
  await app.init();
  if (foldsInThread(settings)) await app.get(ProjectorThread).started;
  return app;
}

export * from './ingest-result';
export * from './record-events.command';
export * from './record-events.handler';
export * from './events-recorded.event';
export * from './system-events';
export * from './events.controller';
export * from './ingest.module';

export * from './metrics';
export * from './metrics.module';
export * from './ingest-metrics.handler';
export * from './projection-metrics';
export * from './kafka-lag-metrics';
export * from './graceful-shutdown';
export * from './openapi';

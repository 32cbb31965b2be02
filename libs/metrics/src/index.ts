export * from './metrics';
export * from './metrics.module';
export * from './ingest-metrics.handler';
export * from './projection-metrics';
export * from './kafka-lag-metrics';
export * from './http-metrics';
export * from './dead-letter-metrics.handler';
export * from './relay-metrics';

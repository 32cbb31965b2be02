export * from './postgres-pool';
export * from './postgres.module';
export * from './reclaim-erased-rows';

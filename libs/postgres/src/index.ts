export * from './postgres-pool';
export * from './postgres.module';
export * from './reclaim-erased-rows';
export * from './postgres-migrator';
export * from './postgres-transaction';
export * from './postgres-text';

export * from './view-store.port';
export * from './generation-tables';
export * from './projection';
export * from './projection-registry';
export * from './entity-locks';
export * from './sqlite-view-store';
export * from './postgres-view-store';
export * from './view-store.module';

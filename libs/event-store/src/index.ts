export * from './event-store.port';
export * from './hash-chain';
export * from './content-hash';
export * from './append-signal';
export * from './catch-up-subscription';
export * from './sqlite/sqlite-event-store';
export * from './sqlite/sqlite-identity-directory';
export * from './event-store.module';

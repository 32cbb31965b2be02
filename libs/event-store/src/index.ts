/** The event store's port, its module (CX_EVENT_STORE picks the adapter), and what other stores keep beside it. */
export * from './event-store.port';
export { keyOf } from './append-plan';
export * from './hash-chain';
export * from './content-hash';
export * from './stored-cloud-event';
export * from './catch-up-subscription';
export * from './sqlite/sqlite-schema';
export * from './event-store.module';
export * from './postgres/postgres-schema';

/**
 * The adapters themselves, for tests and benchmarks that set up or measure one store
 * directly (`@cx/event-store/adapters`). Application code gets its store from
 * EventStoreModule, which picks the adapter `CX_EVENT_STORE` names.
 */
export { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store';
export { PostgresEventStore, type PostgresStoreOptions } from './postgres/postgres-event-store';
export { SqliteEventStore } from './sqlite/sqlite-event-store';

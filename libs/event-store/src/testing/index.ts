/** What other libs' tests need of the event store: servers to run against (and to stop if they started), events to append, the contract suite. */
export * from './docker-engine';
export * from './event-store.contract';
export * from './eventstoredb-server';
export * from './postgres-server';
export * from './private-postgres';
export * from './proposed-event';
export * from './started';

import { contentHashOf } from '@cx/event-store';
import type { SqliteEventStore } from '@cx/event-store/adapters';
import type { AnyLedgerEvent } from '@cx/events';

/** A ledger event (a random ledger's) as the event store takes it. */
export const proposed = (event: AnyLedgerEvent) => {
  const attributes = { specversion: '1.0', id: event.id, source: event.source, type: event.type, time: new Date(event.time).toISOString() };
  return {
    ...attributes,
    customerId: event.customerId,
    time: event.time,
    attributes,
    data: event.data,
    contentHash: contentHashOf({ ...attributes, data: event.data }),
  };
};

/** The store as it stood when `last` was its head. */
export function logUpTo(store: SqliteEventStore, last: number): SqliteEventStore {
  return Object.assign(Object.create(store) as SqliteEventStore, {
    headPosition: async () => Math.min(last, await store.headPosition()),
    readAll: async (options: Parameters<SqliteEventStore['readAll']>[0]) =>
      (await store.readAll(options)).filter((event) => event.position <= last),
  });
}

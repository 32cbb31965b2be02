import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, Clock } from '@cx/clock';
import { POSTGRES_POOL } from '@cx/postgres';
import { SETTINGS, Settings } from '@cx/settings';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { openSqlite, SqliteWriter, WalCheckpointer } from '@cx/sqlite';
import { EVENT_LOG, EventStore } from './event-store.port';
import { PostgresEventStore } from './postgres/postgres-event-store';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

/**
 * Where the events live, for what is kept beside them in the same database (the identity
 * directory): the embedded file's handle, or the process's PostgreSQL pool.
 */
export type EventStoreHome = { kind: 'sqlite'; writer: SqliteWriter } | { kind: 'postgres'; pool: Pool } | { kind: 'eventstoredb' };

/** The write side's storage, as `CX_EVENT_STORE` chooses. */
export interface EventStorage {
  events: EventStore;
  home: EventStoreHome;
  close(): Promise<void>;
}

export const EVENT_STORAGE = Symbol('EventStorage');

/** `pool` is the process's PostgreSQL pool (null when it has none); it stays the caller's to end. */
export async function openEventStorage(settings: Settings, clock: Clock, pool: Pool | null): Promise<EventStorage> {
  switch (settings.eventStore) {
    case 'sqlite':
      return openSqliteStorage(settings, clock);
    case 'postgres':
      return openPostgresStorage(required(pool, 'CX_POSTGRES_URL'), clock);
    case 'eventstoredb':
      return openEventStoreDbStorage(settings, clock);
    default:
      throw new Error(`CX_EVENT_STORE=${String(settings.eventStore satisfies never)} is not available in this build`);
  }
}

function openSqliteStorage(settings: Settings, clock: Clock): EventStorage {
  const path = join(settings.dataDir, 'events.sqlite');
  const db = openSqlite(path);
  // Erased identifier links are overwritten on disk, not left in free pages.
  db.pragma('secure_delete = ON');
  // An ingest batch's COMMIT then waits for its own fsync only, not for a checkpoint's.
  const checkpointer = new WalCheckpointer(path);
  const writer = new SqliteWriter(db);
  const events = new SqliteEventStore(writer, clock);
  return {
    events,
    home: { kind: 'sqlite', writer },
    close: async () => {
      await events.close();
      await checkpointer.close();
      db.close();
    },
  };
}

/** Events in PostgreSQL (schema `cx_events`), over the process's pool. */
async function openPostgresStorage(pool: Pool, clock: Clock): Promise<EventStorage> {
  const events = await PostgresEventStore.open(pool, clock);
  return { events, home: { kind: 'postgres', pool }, close: () => events.close() };
}

/**
 * The client is loaded here, not with the module: with gRPC it took 85 ms of every `cx`
 * command's 1.25 s start, in processes that never talk to EventStoreDB.
 */
async function openEventStoreDbStorage(settings: Settings, clock: Clock): Promise<EventStorage> {
  const { EventStoreDbEventStore } = await import('./eventstoredb/eventstoredb-event-store');
  const events = EventStoreDbEventStore.connect(required(settings.eventStoreUrl, 'EVENTSTORE_URL'), clock);
  return { events, home: { kind: 'eventstoredb' }, close: () => events.close() };
}

function required<T>(value: T | null | undefined, name: string): T {
  if (!value) throw new Error(`${name} is required for CX_EVENT_STORE`);
  return value;
}

@Global()
@Module({
  providers: [
    { provide: EVENT_STORAGE, inject: [SETTINGS, CLOCK, POSTGRES_POOL], useFactory: openEventStorage },
    { provide: EVENT_LOG, inject: [EVENT_STORAGE], useFactory: (storage: EventStorage) => storage.events },
  ],
  exports: [EVENT_LOG, EVENT_STORAGE],
})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORAGE) private readonly storage: EventStorage) {}

  async onApplicationShutdown(): Promise<void> {
    await this.storage.close();
  }
}

import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, Clock, systemClock } from '@cx/clock';
import { IDENTITY_DIRECTORY } from '@cx/identity';
import { SETTINGS, Settings } from '@cx/settings';
import { join } from 'node:path';
import { Pool } from 'pg';
import { migrate, openSqlite } from '@cx/sqlite';
import { EVENT_LOG, EventStore } from './event-store.port';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store';
import { PostgresEventStore } from './postgres/postgres-event-store';
import { PostgresIdentityDirectory } from './postgres/postgres-identity-directory';
import { toleratePoolErrors } from './postgres/postgres-transaction';
import { SqliteEventStore } from './sqlite/sqlite-event-store';
import { SqliteIdentityDirectory } from './sqlite/sqlite-identity-directory';
import { EVENT_STORE_MIGRATIONS } from './sqlite/sqlite-schema';
import type { IdentityDirectory } from '@cx/identity';

/** The write side's storage, as `CX_EVENT_STORE` chooses: the event store and the identity directory beside it. */
export interface EventStorage {
  events: EventStore;
  identities: IdentityDirectory;
  close(): Promise<void>;
}

export const EVENT_STORAGE = Symbol('EventStorage');

export async function openEventStorage(settings: Settings, clock: Clock): Promise<EventStorage> {
  switch (settings.eventStore) {
    case 'sqlite':
      return openSqliteStorage(settings, clock);
    case 'postgres':
      return openPostgresStorage(required(settings.postgresUrl, 'CX_POSTGRES_URL'), clock);
    case 'eventstoredb':
      return openEventStoreDbStorage(settings, clock);
    default:
      throw new Error(`CX_EVENT_STORE=${settings.eventStore} is not available in this build`);
  }
}

function openSqliteStorage(settings: Settings, clock: Clock): EventStorage {
  const db = openSqlite(join(settings.dataDir, 'events.sqlite'));
  // Erased identifier links are overwritten on disk, not left in free pages.
  db.pragma('secure_delete = ON');
  const events = new SqliteEventStore(db, clock);
  return {
    events,
    identities: new SqliteIdentityDirectory(db, clock),
    close: async () => {
      await events.close();
      db.close();
    },
  };
}

/**
 * Events and identities in PostgreSQL (schema `cx_events`), over one pool this storage owns.
 * An append holds the global `head` row until it commits; should its process stall
 * between statements, the server ends that transaction after 30 s rather than let every
 * other append wait behind it.
 */
async function openPostgresStorage(url: string, clock: Clock): Promise<EventStorage> {
  const pool = new Pool({ connectionString: url, max: 10, idle_in_transaction_session_timeout: 30_000 });
  toleratePoolErrors(pool);
  try {
    const events = await PostgresEventStore.open(pool, clock);
    const identities = await PostgresIdentityDirectory.open(pool, clock);
    return {
      events,
      identities,
      close: async () => {
        await events.close();
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end();
    throw error;
  }
}

/**
 * Events in EventStoreDB. Identifier links are a small mutable table, not a history, so
 * they live in PostgreSQL when `CX_POSTGRES_URL` is set (as it is in production, for the
 * views), shared by every ingest process; else in the data folder's SQLite file, which
 * suits one ingest process only (docs/event-stores.md).
 */
async function openEventStoreDbStorage(settings: Settings, clock: Clock): Promise<EventStorage> {
  const events = EventStoreDbEventStore.connect(required(settings.eventStoreUrl, 'EVENTSTORE_URL'), clock);
  const identities = settings.postgresUrl ? await openPostgresIdentities(settings.postgresUrl, clock) : openSqliteIdentities(settings, clock);
  return {
    events,
    identities: identities.directory,
    close: async () => {
      await events.close();
      await identities.close();
    },
  };
}

async function openPostgresIdentities(url: string, clock: Clock): Promise<{ directory: IdentityDirectory; close(): Promise<void> }> {
  const pool = new Pool({ connectionString: url, max: 5 });
  toleratePoolErrors(pool);
  try {
    return { directory: await PostgresIdentityDirectory.open(pool, clock), close: () => pool.end() };
  } catch (error) {
    await pool.end();
    throw error;
  }
}

function openSqliteIdentities(settings: Settings, clock: Clock): { directory: IdentityDirectory; close(): Promise<void> } {
  const db = openSqlite(join(settings.dataDir, 'identities.sqlite'));
  // The embedded store's migrations make the identity tables (its event tables stay empty here).
  migrate(db, 'event-store', EVENT_STORE_MIGRATIONS);
  return {
    directory: new SqliteIdentityDirectory(db, clock),
    close: async () => {
      db.close();
    },
  };
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new Error(`${name} is required for CX_EVENT_STORE`);
  return value;
}

@Global()
@Module({
  providers: [
    { provide: CLOCK, useValue: systemClock },
    { provide: EVENT_STORAGE, inject: [SETTINGS, CLOCK], useFactory: openEventStorage },
    { provide: EVENT_LOG, inject: [EVENT_STORAGE], useFactory: (storage: EventStorage) => storage.events },
    { provide: IDENTITY_DIRECTORY, inject: [EVENT_STORAGE], useFactory: (storage: EventStorage) => storage.identities },
  ],
  exports: [CLOCK, EVENT_LOG, IDENTITY_DIRECTORY, EVENT_STORAGE],
})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORAGE) private readonly storage: EventStorage) {}

  async onApplicationShutdown(): Promise<void> {
    await this.storage.close();
  }
}

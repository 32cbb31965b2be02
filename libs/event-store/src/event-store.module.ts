import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, Clock, systemClock } from '@cx/clock';
import { IDENTITY_DIRECTORY } from '@cx/identity';
import { SETTINGS, Settings } from '@cx/settings';
import { join } from 'node:path';
import { openSqlite } from '@cx/sqlite';
import { EVENT_STORE, EventStore } from './event-store.port';
import { SqliteEventStore } from './sqlite/sqlite-event-store';
import { SqliteIdentityDirectory } from './sqlite/sqlite-identity-directory';
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
    default:
      throw new Error(`CX_EVENT_STORE=${settings.eventStore} is not available in this build`);
  }
}

function openSqliteStorage(settings: Settings, clock: Clock): EventStorage {
  const db = openSqlite(join(settings.dataDir, 'events.sqlite'));
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

@Global()
@Module({
  providers: [
    { provide: CLOCK, useValue: systemClock },
    { provide: EVENT_STORAGE, inject: [SETTINGS, CLOCK], useFactory: openEventStorage },
    { provide: EVENT_STORE, inject: [EVENT_STORAGE], useFactory: (storage: EventStorage) => storage.events },
    { provide: IDENTITY_DIRECTORY, inject: [EVENT_STORAGE], useFactory: (storage: EventStorage) => storage.identities },
  ],
  exports: [CLOCK, EVENT_STORE, IDENTITY_DIRECTORY, EVENT_STORAGE],
})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORAGE) private readonly storage: EventStorage) {}

  async onApplicationShutdown(): Promise<void> {
    await this.storage.close();
  }
}

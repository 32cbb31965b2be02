import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { EVENT_LOG, EVENT_STORE, EventStore } from '@cx/event-store';
import { POSTGRES_POOL } from '@cx/postgres';
import { SETTINGS, Settings } from '@cx/settings';
import { openSqlite } from '@cx/sqlite';
import { CachedCustomerKeys } from './cached-customer-keys';
import { CUSTOMER_KEYS, CustomerKeys } from './customer-keys.port';
import { PostgresCustomerKeys } from './postgres-customer-keys';
import { EventSealer } from './event-sealer';
import { SealedEventStore } from './sealed-event-store';
import { SqliteCustomerKeys } from './sqlite-customer-keys';

interface KeyStore {
  keys: CustomerKeys;
  close(): Promise<void>;
}

/**
 * Customer keys in a store that can really delete: PostgreSQL when `CX_POSTGRES_URL` is
 * set and events are not in the embedded file; otherwise `keys.sqlite` in the data folder,
 * a file of its own so erasing a key never waits on, or lingers in, the event log. The
 * PostgreSQL pool is the process's (@cx/postgres).
 */
function openKeyStore(settings: Settings, pool: Pool | null): KeyStore {
  if (settings.eventStore !== 'sqlite' && pool) return { keys: new PostgresCustomerKeys(pool), close: async () => undefined };
  const db = openSqlite(join(settings.dataDir, 'keys.sqlite'));
  return { keys: new SqliteCustomerKeys(db), close: async () => void db.close() };
}

const KEY_STORE = Symbol('KeyStore');

/** SPEC §4.3: the application's event store seals personal fields with per-customer keys. */
@Global()
@Module({
  providers: [
    { provide: KEY_STORE, inject: [SETTINGS, POSTGRES_POOL], useFactory: openKeyStore },
    { provide: CUSTOMER_KEYS, inject: [KEY_STORE], useFactory: (store: KeyStore) => new CachedCustomerKeys(store.keys) },
    { provide: EventSealer, inject: [CUSTOMER_KEYS], useFactory: (keys: CustomerKeys) => new EventSealer(keys) },
    {
      provide: EVENT_STORE,
      inject: [EVENT_LOG, CUSTOMER_KEYS, EventSealer],
      useFactory: (log: EventStore, keys: CustomerKeys, sealer: EventSealer) => new SealedEventStore(log, keys, sealer),
    },
  ],
  exports: [CUSTOMER_KEYS, EVENT_STORE, EventSealer],
})
export class PrivacyModule implements OnApplicationShutdown {
  constructor(@Inject(KEY_STORE) private readonly store: KeyStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

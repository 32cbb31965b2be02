import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { CLOCK, Clock } from '@cx/clock';
import { EVENT_STORAGE, EVENT_STORE_MIGRATIONS, EventStorage } from '@cx/event-store';
import { POSTGRES_POOL } from '@cx/postgres';
import { SETTINGS, Settings } from '@cx/settings';
import { migrate, openSqlite } from '@cx/sqlite';
import { IDENTITY_DIRECTORY, IdentityDirectory } from './identity-directory.port';
import { PostgresIdentityDirectory } from './postgres/postgres-identity-directory';
import { SqliteIdentityDirectory } from './sqlite/sqlite-identity-directory';

interface OpenDirectory {
  directory: IdentityDirectory;
  close(): Promise<void>;
}

const OPEN_DIRECTORY = Symbol('OpenIdentityDirectory');

/**
 * The directory lives beside the events, in the same database: the embedded file, or the
 * event store's PostgreSQL schema. Beside EventStoreDB, whose log is not a table, it lives
 * in PostgreSQL when `CX_POSTGRES_URL` is set (as in production, for the views), shared by
 * every ingest process; else in the data folder's `identities.sqlite`, which suits one
 * ingest process only (docs/event-stores.md).
 */
export async function openIdentityDirectory(settings: Settings, clock: Clock, storage: EventStorage, pool: Pool | null): Promise<OpenDirectory> {
  const home = storage.home;
  if (home.kind === 'sqlite') return { directory: new SqliteIdentityDirectory(home.db, clock), close: async () => undefined };
  if (home.kind === 'postgres') return { directory: await PostgresIdentityDirectory.open(home.pool, clock), close: async () => undefined };
  if (pool) return { directory: await PostgresIdentityDirectory.open(pool, clock), close: async () => undefined };
  const db = openSqlite(join(settings.dataDir, 'identities.sqlite'));
  // The embedded store's migrations make the identity tables (its event tables stay empty here).
  migrate(db, 'event-store', EVENT_STORE_MIGRATIONS);
  return { directory: new SqliteIdentityDirectory(db, clock), close: async () => void db.close() };
}

@Global()
@Module({
  providers: [
    { provide: OPEN_DIRECTORY, inject: [SETTINGS, CLOCK, EVENT_STORAGE, POSTGRES_POOL], useFactory: openIdentityDirectory },
    { provide: IDENTITY_DIRECTORY, inject: [OPEN_DIRECTORY], useFactory: (open: OpenDirectory) => open.directory },
  ],
  exports: [IDENTITY_DIRECTORY],
})
export class IdentityModule implements OnApplicationShutdown {
  constructor(@Inject(OPEN_DIRECTORY) private readonly open: OpenDirectory) {}

  async onApplicationShutdown(): Promise<void> {
    await this.open.close();
  }
}

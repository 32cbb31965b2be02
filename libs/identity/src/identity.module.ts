import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { CLOCK, Clock } from '@cx/clock';
import { EVENT_STORAGE, EVENT_STORE_MIGRATIONS, EventStorage, StoreConnection } from '@cx/event-store';
import { POSTGRES_POOL, inTransaction } from '@cx/postgres';
import { SETTINGS, Settings } from '@cx/settings';
import { migrate, openSqlite, SqliteWriter } from '@cx/sqlite';
import { IdentifierDigests, loadIdentitySecret } from './identifier-digests';
import { DirectoryTransaction, IDENTITY_DIRECTORY, IdentityDirectory } from './identity-directory.port';
import { PostgresIdentityDirectory } from './postgres/postgres-identity-directory';
import { SqliteIdentityDirectory } from './sqlite/sqlite-identity-directory';

/** The directory as the ingest path writes it. */
export interface IdentityWrites {
  digests: IdentifierDigests;
  /** Inside a transaction of the event store, when the directory lives in the same database; else undefined. */
  within?: (connection: StoreConnection) => DirectoryTransaction;
  /** In transactions of its own (beside EventStoreDB, whose log is not a table): each call commits by itself. */
  alone: DirectoryTransaction;
}

export interface OpenDirectory {
  directory: IdentityDirectory;
  writes: IdentityWrites;
  close(): Promise<void>;
}

const OPEN_DIRECTORY = Symbol('OpenIdentityDirectory');
export const IDENTITY_WRITES = Symbol('IdentityWrites');

/**
 * The directory lives beside the events, in the same database: the embedded file, or the
 * event store's PostgreSQL schema, so its writes join the append's transaction. Beside
 * EventStoreDB, whose log is not a table, it lives in PostgreSQL when `CX_POSTGRES_URL` is
 * set (as in production, for the views), shared by every ingest process; else in the data
 * folder's `identities.sqlite`, which suits one ingest process only (docs/event-stores.md).
 * A directory written before identifiers were hashed is hashed on open.
 */
export async function openIdentityDirectory(
  settings: Settings,
  clock: Clock,
  storage: EventStorage,
  pool: Pool | null,
): Promise<OpenDirectory> {
  const digests = new IdentifierDigests(loadIdentitySecret(settings.identitySecretFile));
  const open = await openBesideEvents(settings, clock, storage, pool, digests);
  const hashed = await open.directory.hashClearIdentifiers(digests);
  if (hashed > 0) new Logger('identity').log(`${hashed} identifiers of the directory were stored in clear; they are now keyed hashes`);
  return open;
}

async function openBesideEvents(settings: Settings, clock: Clock, storage: EventStorage, pool: Pool | null, digests: IdentifierDigests) {
  const home = storage.home;
  if (home.kind === 'sqlite') return sqliteDirectory(home.writer, clock, digests, true, async () => undefined);
  if (home.kind === 'postgres') return postgresDirectory(home.pool, clock, digests, true);
  if (pool) return postgresDirectory(pool, clock, digests, false);
  const db = openSqlite(join(settings.dataDir, 'identities.sqlite'));
  // The embedded store's migrations make the identity tables (its event tables stay empty here).
  migrate(db, 'event-store', EVENT_STORE_MIGRATIONS);
  return sqliteDirectory(new SqliteWriter(db), clock, digests, false, async () => void db.close());
}

function sqliteDirectory(
  writer: SqliteWriter,
  clock: Clock,
  digests: IdentifierDigests,
  besideEvents: boolean,
  close: () => Promise<void>,
) {
  const directory = new SqliteIdentityDirectory(writer, clock);
  const alone: DirectoryTransaction = {
    lookup: (keys) => writer.transaction(() => directory.within().lookup(keys)),
    record: (changes) => writer.transaction(() => directory.within().record(changes)),
  };
  return { directory, writes: { digests, alone, ...(besideEvents ? { within: () => directory.within() } : {}) }, close };
}

async function postgresDirectory(pool: Pool, clock: Clock, digests: IdentifierDigests, besideEvents: boolean) {
  const directory = await PostgresIdentityDirectory.open(pool, clock);
  const alone: DirectoryTransaction = {
    lookup: (keys) => inTransaction(pool, (client) => directory.within(client).lookup(keys)),
    record: (changes) => inTransaction(pool, (client) => directory.within(client).record(changes)),
  };
  const within = (connection: StoreConnection) => {
    if (connection.kind !== 'postgres') throw new Error('the PostgreSQL identity directory joins PostgreSQL transactions only');
    return directory.within(connection.client);
  };
  return { directory, writes: { digests, alone, ...(besideEvents ? { within } : {}) }, close: async () => undefined };
}

@Global()
@Module({
  providers: [
    { provide: OPEN_DIRECTORY, inject: [SETTINGS, CLOCK, EVENT_STORAGE, POSTGRES_POOL], useFactory: openIdentityDirectory },
    { provide: IDENTITY_DIRECTORY, inject: [OPEN_DIRECTORY], useFactory: (open: OpenDirectory) => open.directory },
    { provide: IDENTITY_WRITES, inject: [OPEN_DIRECTORY], useFactory: (open: OpenDirectory) => open.writes },
  ],
  exports: [IDENTITY_DIRECTORY, IDENTITY_WRITES],
})
export class IdentityModule implements OnApplicationShutdown {
  constructor(@Inject(OPEN_DIRECTORY) private readonly open: OpenDirectory) {}

  async onApplicationShutdown(): Promise<void> {
    await this.open.close();
  }
}

import { Kysely, sql, SqliteDialect } from 'kysely';
import { cachingStatements, openSqlite, SqliteDatabase } from '@cx/sqlite';
import type { SnapshotRead, ViewStore } from './view-store.port';

/** The live store's page cache (see the constructor). */
const CACHE_KIB = 32 * 1024;
/**
 * A scratch store's (a known-at answer, `cx verify`): one process folds a tail of the log
 * into a copy of the views and throws it away, with no rebuild beside it to keep under
 * 512 MiB, so its changed pages stay in memory between batches instead of being read back
 * from the file.
 */
const SCRATCH_CACHE_KIB = 256 * 1024;

/**
 * Views in an embedded file beside the events. synchronous=NORMAL is enough here: views
 * are rebuilt from the events, and the checkpoint rides in the same transaction as the
 * rows, so a lost tail is replayed, never double-counted. A scratch store (`scratch`) is
 * thrown away after one piece of ops work: nothing in it has to survive a crash, so it never
 * waits for the disk.
 */
export class SqliteViewStore implements ViewStore {
  readonly dialect = 'sqlite' as const;
  readonly reader: Kysely<any>;
  private readonly writer: Kysely<any>;
  private readonly writeDb: SqliteDatabase;
  private readonly readDb: SqliteDatabase;

  constructor(
    readonly path: string,
    { scratch = false }: { scratch?: boolean } = {},
  ) {
    this.writeDb = openSqlite(path);
    this.writeDb.pragma(scratch ? 'synchronous = OFF' : 'synchronous = NORMAL');
    // Projections rewrite rows of the customers a batch touches: a page cache that holds a
    // batch's changed pages and rarer WAL checkpoints keep that from turning into a disk
    // sync per batch. 32 MiB, not 128: the pages it misses come from the OS's file cache,
    // and a rebuild's memory must stay under 512 MiB (128 MiB of it was this cache, full
    // once the views outgrew it).
    this.writeDb.pragma(`cache_size = -${scratch ? SCRATCH_CACHE_KIB : CACHE_KIB}`);
    this.writeDb.pragma('wal_autocheckpoint = 16384');
    this.writeDb.pragma('temp_store = MEMORY');
    this.readDb = openSqlite(path);
    // Reports sort and group in temporary B-trees: in memory, not in a file beside the views.
    this.readDb.pragma('temp_store = MEMORY');
    this.writer = new Kysely({ dialect: new SqliteDialect({ database: cachingStatements(this.writeDb) }) });
    this.reader = new Kysely({ dialect: new SqliteDialect({ database: cachingStatements(this.readDb) }) });
  }

  /**
   * IMMEDIATE: the file's write lock is taken at BEGIN, waiting (busy_timeout) while another
   * connection holds it. A deferred transaction that reads, then writes after another thread
   * or process committed, fails at once with SQLITE_BUSY instead (the projector thread
   * committing between the alert deliverer's read and its write, say).
   */
  transaction<T>(work: (tx: Kysely<any>) => Promise<T>): Promise<T> {
    return this.writer.connection().execute(async (db) => {
      await sql`BEGIN IMMEDIATE`.execute(db);
      try {
        const result = await work(db);
        await sql`COMMIT`.execute(db);
        return result;
      } catch (error) {
        // Some errors (SQLITE_FULL, an interrupt) end the transaction themselves.
        if (this.writeDb.inTransaction) await sql`ROLLBACK`.execute(db);
        throw error;
      }
    });
  }

  /** The reader's one connection: a transaction on it reads one snapshot of the file (WAL). */
  readSnapshot<T>(work: (read: SnapshotRead) => Promise<T>, prepare?: (db: Kysely<any>) => Promise<void>): Promise<T> {
    return this.reader.transaction().execute(async (db) => {
      await prepare?.(db);
      return work({ db });
    });
  }

  async execute(sql: string): Promise<void> {
    this.writeDb.exec(sql);
  }

  async close(): Promise<void> {
    await this.reader.destroy();
    await this.writer.destroy();
  }
}

import { Kysely, sql, SqliteDialect } from 'kysely';
import { cachingStatements, openSqlite, SqliteDatabase, WalCheckpointer } from '@cx/sqlite';
import { SqliteReaderThread } from './sqlite-reader-thread';
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
  /**
   * Takes the write lock for an instant, so the two reads of a snapshot begin with nothing
   * committed between (`readSnapshot`). Opened with the reader thread, at the first read: the
   * projector's, a rebuild's and a scratch store never read a snapshot.
   */
  private gateDb?: SqliteDatabase;
  private readerThread?: SqliteReaderThread;
  /** Takes the WAL's copy into the file out of the projections' COMMITs; none for an in-memory store. */
  private readonly checkpointer?: WalCheckpointer;

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
    // The safety net: the checkpointer's thread copies the WAL long before it reaches this.
    this.writeDb.pragma('wal_autocheckpoint = 16384');
    if (path !== ':memory:') this.checkpointer = new WalCheckpointer(path);
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

  /**
   * The reader's connection: a transaction on it reads one snapshot of the file (WAL). Beside
   * it, when it can begin at once, a transaction on the reader thread in the very same
   * snapshot: both begin while `gateDb` holds the write lock, so no commit comes between them.
   * The gate never waits: while a projection's batch holds the lock (or the file has no
   * second reader) the read has no `beside`, and its work runs on the one connection.
   * Reads on the reader queue behind one another (one connection), so the thread serves one
   * read at a time.
   */
  readSnapshot<T>(work: (read: SnapshotRead) => Promise<T>, prepare?: (db: Kysely<any>) => Promise<void>): Promise<T> {
    return this.reader.transaction().execute(async (db) => {
      const thread = await this.threadInSnapshotOf(db);
      try {
        await prepare?.(db);
        if (!thread) return await work({ db });
        await prepare?.(thread.db);
        return await work({ db, beside: (besideWork) => besideWork(thread.db) });
      } finally {
        await thread?.end();
      }
    });
  }

  /** The reader thread, in a transaction that reads the snapshot `db`'s now begins with; none when the write lock is held. */
  private async threadInSnapshotOf(db: Kysely<any>): Promise<SqliteReaderThread | undefined> {
    // An in-memory database is a connection's own: no second connection could read it.
    if (this.path === ':memory:') return undefined;
    const gate = (this.gateDb ??= openGate(this.path));
    if (!holdsWriteLock(gate)) return undefined;
    try {
      await sql`SELECT 1 FROM sqlite_schema LIMIT 1`.execute(db);
      return await this.readerThreadBegun();
    } finally {
      gate.exec('ROLLBACK');
    }
  }

  /** The reader thread in a read transaction it has just begun; none when it cannot (it is replaced at the next read). */
  private async readerThreadBegun(): Promise<SqliteReaderThread | undefined> {
    const thread = (this.readerThread ??= new SqliteReaderThread(this.path));
    try {
      await thread.begin();
      return thread;
    } catch {
      this.readerThread = undefined;
      await thread.close();
      return undefined;
    }
  }

  async execute(sql: string): Promise<void> {
    this.writeDb.exec(sql);
  }

  async close(): Promise<void> {
    await this.readerThread?.close();
    this.gateDb?.close();
    await this.reader.destroy();
    await this.writer.destroy();
    await this.checkpointer?.close();
  }
}

/** The gate's connection: it never waits for the lock (busy_timeout 0). */
function openGate(path: string): SqliteDatabase {
  const gate = openSqlite(path);
  gate.pragma('busy_timeout = 0');
  return gate;
}

function holdsWriteLock(gate: SqliteDatabase): boolean {
  try {
    gate.exec('BEGIN IMMEDIATE');
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return false;
    throw error;
  }
}

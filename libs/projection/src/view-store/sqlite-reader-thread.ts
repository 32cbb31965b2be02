import {
  CompiledQuery,
  DatabaseConnection,
  Driver,
  Kysely,
  QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { Worker } from 'node:worker_threads';

/** Statements the thread keeps prepared: a report's texts repeat, their parameters vary. */
const MAX_PREPARED = 200;

/**
 * A second read connection to an embedded views file, on a thread of its own: better-sqlite3
 * runs each statement to its end on the calling thread, so only another thread lets one
 * report use the second core (`SqliteViewStore.readSnapshot`'s `beside`). It runs one
 * statement at a time, in the order asked, on one connection: `begin` opens a read
 * transaction there and `end` closes it.
 */
export class SqliteReaderThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private failure?: Error;
  /** The thread's connection as Kysely sees it: what `beside`'s work is given. */
  readonly db: Kysely<any>;

  constructor(path: string) {
    this.worker = new Worker(READER_SCRIPT, {
      eval: true,
      workerData: { driver: require.resolve('better-sqlite3'), path, maxPrepared: MAX_PREPARED },
    });
    // Idle, the thread keeps no process alive (it holds no transaction between reads); busy, it does (`run`).
    this.worker.unref();
    this.worker.on('message', (reply: Reply) => this.settle(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the views' reader thread ended (exit code ${code})`)));
    this.db = new Kysely<any>({
      dialect: {
        createAdapter: () => new SqliteAdapter(),
        createDriver: () => new ReaderThreadDriver(this),
        createIntrospector: (db) => new SqliteIntrospector(db),
        createQueryCompiler: () => new SqliteQueryCompiler(),
      },
    });
  }

  /** Opens a read transaction and reads, so its snapshot is taken now (a deferred BEGIN takes it at the first read). */
  async begin(): Promise<void> {
    await this.run('BEGIN', []);
    await this.run('SELECT 1 FROM sqlite_schema LIMIT 1', []);
  }

  async end(): Promise<void> {
    await this.run('ROLLBACK', []);
  }

  async run(sql: string, parameters: readonly unknown[]): Promise<Reply> {
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    if (this.pending.size === 0) this.worker.ref();
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, sql, parameters });
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error("the views' reader thread is closed");
    await this.worker.terminate();
  }

  private settle(reply: Reply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.error) waiting.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
    else waiting.resolve(reply);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }
}

interface Reply {
  id: number;
  rows?: unknown[];
  changes?: number;
  error?: { message: string; code?: string };
}

/** Kysely's driver over the thread: one connection, whose transactions `SqliteViewStore` opens itself. */
class ReaderThreadDriver implements Driver {
  private readonly connection: DatabaseConnection;

  constructor(thread: SqliteReaderThread) {
    this.connection = {
      executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
        const reply = await thread.run(query.sql, query.parameters);
        return { rows: (reply.rows ?? []) as R[], numAffectedRows: reply.changes === undefined ? undefined : BigInt(reply.changes) };
      },
      // eslint-disable-next-line require-yield -- a report reads whole results; nothing streams from the thread
      streamQuery: async function* () {
        throw new Error("the views' reader thread does not stream results");
      },
    };
  }

  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.connection;
  }
  async beginTransaction(): Promise<void> {
    throw new Error("the views' reader thread's transactions are the view store's own");
  }
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

// Plain JavaScript, evaluated on the thread: it runs the same from the sources (tests) and the build.
// So its few lines of statement cache are its own: @cx/sqlite's `cachingStatements` is TypeScript
// (and guards iterated statements, which this thread never has).
const READER_SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const db = new (require(workerData.driver))(workerData.path, { fileMustExist: true, timeout: 10000 });
db.pragma('query_only = ON');
db.pragma('temp_store = MEMORY');
const prepared = new Map();
const statementOf = (sql) => {
  const kept = prepared.get(sql);
  if (kept) return kept;
  if (prepared.size >= workerData.maxPrepared) prepared.delete(prepared.keys().next().value);
  const statement = db.prepare(sql);
  prepared.set(sql, statement);
  return statement;
};
parentPort.on('message', ({ id, sql, parameters }) => {
  try {
    const statement = statementOf(sql);
    if (statement.reader) parentPort.postMessage({ id, rows: statement.all(...parameters) });
    else parentPort.postMessage({ id, changes: statement.run(...parameters).changes });
  } catch (error) {
    parentPort.postMessage({ id, error: { message: String(error && error.message), code: error && error.code } });
  }
});`;

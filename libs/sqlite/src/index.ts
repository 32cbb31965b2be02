import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export { cachingStatements } from './statement-cache';
export { WalCheckpointer } from './wal-checkpointer';

export type SqliteDatabase = Database.Database;

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/**
 * Opens an embedded database file tuned for an append-heavy log: WAL lets readers run
 * beside the writer, synchronous=FULL makes every committed transaction survive power
 * loss (and so, a fortiori, `kill -9`), busy_timeout lets processes share the file.
 */
export function openSqlite(path: string): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 10000');
  db.pragma('foreign_keys = ON');
  return db;
}

/** Applies, in order and once each, the migrations of one component (`scope`) not yet applied. */
export function migrate(db: SqliteDatabase, scope: string, migrations: readonly Migration[]): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    scope TEXT NOT NULL, version INTEGER NOT NULL, description TEXT NOT NULL, applied_at TEXT NOT NULL,
    PRIMARY KEY (scope, version))`);
  const applied = new Set(
    db
      .prepare('SELECT version FROM schema_migrations WHERE scope = ?')
      .all(scope)
      .map((row) => (row as { version: number }).version),
  );
  const record = db.prepare('INSERT INTO schema_migrations (scope, version, description, applied_at) VALUES (?, ?, ?, ?)');
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(scope, migration.version, migration.description, new Date().toISOString());
    }).immediate();
  }
}

/**
 * The one connection a process writes a database file through. Transactions run one after
 * another, each IMMEDIATE (the write lock first, so two processes never deadlock upgrading),
 * and may await between statements: nothing else uses this connection meanwhile, so nothing
 * reads uncommitted rows through it. Readers use connections of their own, which in WAL mode
 * only ever see committed transactions.
 */
export class SqliteWriter {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly begin;
  private readonly commit;
  private readonly rollback;

  constructor(readonly db: SqliteDatabase) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
  }

  transaction<T>(work: () => T | Promise<T>): Promise<T> {
    const run = this.tail.then(() => this.runNow(work));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async runNow<T>(work: () => T | Promise<T>): Promise<T> {
    this.begin.run();
    try {
      const result = await work();
      this.commit.run();
      return result;
    } catch (error) {
      if (this.db.inTransaction) this.rollback.run();
      throw error;
    }
  }
}

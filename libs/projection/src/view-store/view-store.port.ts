import type { Kysely } from 'kysely';

export type ViewDialect = 'sqlite' | 'postgres';

/** One read of the views in one snapshot (`ViewStore.readSnapshot`). */
export interface SnapshotRead {
  /** The snapshot's own connection. */
  readonly db: Kysely<any>;
  /**
   * Present where a second connection can see the very same snapshot (PostgreSQL; on SQLite a
   * connection on a thread of its own, when the read could begin there at once): runs `work`
   * there, beside what `db` runs meanwhile, so one report can use two cores. When the store
   * cannot spare that connection now, `work` runs on `db` itself: the same answer, later.
   * Call it before giving `db` other work: the snapshot is asked of `db`, after what it has queued.
   */
  readonly beside?: <T>(work: (db: Kysely<any>) => Promise<T>) => Promise<T>;
}

/**
 * Where projections keep their rows (SPEC §4.1: rows and checkpoint in one transaction)
 * and where queries read them. Kysely over either database; `dialect` is there for the
 * few statements that differ.
 */
export interface ViewStore {
  readonly dialect: ViewDialect;
  /** For queries. On SQLite a connection of its own, so reads never wait for a projection's write. */
  readonly reader: Kysely<any>;
  /** One write transaction. */
  transaction<T>(work: (tx: Kysely<any>) => Promise<T>): Promise<T>;
  /**
   * One read-only snapshot of the views: nothing a projection commits meanwhile is half in one
   * of `work`'s queries and half out of another. `prepare` runs first on each connection the
   * read uses (settings for its queries).
   */
  readSnapshot<T>(work: (read: SnapshotRead) => Promise<T>, prepare?: (db: Kysely<any>) => Promise<void>): Promise<T>;
  /** Runs a raw statement outside any transaction (DDL). */
  execute(sql: string): Promise<void>;
  close(): Promise<void>;
}

export const VIEW_STORE = Symbol('ViewStore');

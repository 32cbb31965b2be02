import type { Kysely } from 'kysely';

export type ViewDialect = 'sqlite' | 'postgres';

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
  /** Runs a raw statement outside any transaction (DDL). */
  execute(sql: string): Promise<void>;
  close(): Promise<void>;
}

export const VIEW_STORE = Symbol('ViewStore');

import type { Kysely } from 'kysely';
import type { LedgerEvent } from '@cx/events';
import type { ViewDialect } from './view-store.port';

export interface ProjectionContext {
  dialect: ViewDialect;
  generation: number;
  /** A name unique to this generation, for indexes and constraints (tables are renamed for you). */
  unique(name: string): string;
  /**
   * Present when other transactions may apply events of the same generation at the same
   * time (projectors sharing `cx.events` partitions): locks the named entities (customer,
   * case, order ids, each under a kind prefix) until the transaction ends. A projection
   * locks every entity it reads and rewrites before reading it. Absent when one runner
   * applies the whole global order, which needs no lock.
   */
  lock?(keys: readonly string[]): Promise<void>;
}

/**
 * A projection: a pure fold (in @cx/views) plus the SQL that keeps its rows. It writes its
 * tables by their plain names; the engine points them at the generation being built.
 */
export interface Projection {
  readonly name: string;
  /** The tables it owns; analysts query each as a view of the same name. */
  readonly tables: readonly string[];
  createTables(db: Kysely<any>, context: ProjectionContext): Promise<void>;
  /** Folds a batch, in global order, into its rows. Runs inside the engine's transaction. */
  apply(tx: Kysely<any>, events: readonly LedgerEvent[], context: ProjectionContext): Promise<void>;
}

export const PROJECTIONS = Symbol('Projections');

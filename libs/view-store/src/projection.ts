import type { Kysely } from 'kysely';
import type { StoredEvent } from '@cx/event-store';
import type { ViewDialect } from './view-store.port';

export interface ProjectionContext {
  dialect: ViewDialect;
  generation: number;
  /** A name unique to this generation, for indexes and constraints (tables are renamed for you). */
  unique(name: string): string;
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
  apply(tx: Kysely<any>, events: readonly StoredEvent[], context: ProjectionContext): Promise<void>;
}

export const PROJECTIONS = Symbol('Projections');

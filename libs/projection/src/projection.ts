import type { Kysely } from 'kysely';
import type { AnyLedgerEvent, EventType } from '@cx/events';
import type { ViewDialect } from './view-store/view-store.port';

export interface ProjectionContext {
  dialect: ViewDialect;
  generation: number;
  /** A name unique to this generation, for indexes and constraints (tables are renamed for you). */
  unique: (name: string) => string;
  /**
   * Present when other transactions may apply events of the same generation at the same
   * time (projectors sharing `cx.events` partitions): locks the named entities (customer,
   * case, order ids, each under a kind prefix) until the transaction ends. A projection
   * locks every entity it reads and rewrites before reading it. Absent when one runner
   * applies the whole global order, which needs no lock.
   */
  lock?(keys: readonly string[]): Promise<void>;
  /**
   * True while a new generation is being built and the batch does not reach the head of
   * the log: nobody reads the generation yet, so a projection may leave derived rows to
   * `settle`, which the engine runs until nothing is left before the generation goes live.
   */
  catchingUp: boolean;
  /**
   * In `createTables` only: false for a generation made to be rebuilt, whose tables are then
   * made without their read indexes (`TableSchema.readIndexes`) until `createReadIndexes`.
   */
  readIndexes?: boolean;
}

/**
 * A declared projection: a pure fold (in @cx/views) plus the SQL that keeps its rows. It
 * writes its tables by their plain names; the engine points them at the generation being
 * built. `DB` types its tables, so its SQL is checked against them.
 */
export interface Projection<DB = any> {
  readonly name: string;
  /**
   * Raise it whenever the rows the projection writes change (layout or meaning): the engine
   * then rebuilds it by itself beside the live generation and switches once caught up.
   */
  readonly version: number;
  /** The event types it folds: the engine hands it only these, in global order. */
  readonly handles: readonly EventType[];
  /** The tables it owns; analysts query each as a view of the same name. */
  readonly tables: readonly (keyof DB & string)[];
  /** The settings its rows depend on (thresholds): a change rebuilds it, like a new version. */
  readonly settings: Readonly<Record<string, number | string | boolean>>;
  createTables(db: Kysely<DB>, context: ProjectionContext): Promise<void>;
  /**
   * Makes the read indexes its tables lack: the engine calls it when a generation being rebuilt
   * has caught up, before it goes live. Each index is built in one sorted pass over the rows,
   * where keeping it row by row while catching up cost a random insert per row.
   */
  createReadIndexes?(db: Kysely<DB>, context: ProjectionContext): Promise<void>;
  /** Folds a batch, in global order, into its rows. Runs inside the engine's transaction. */
  apply(tx: Kysely<DB>, events: readonly AnyLedgerEvent[], context: ProjectionContext): Promise<void>;
  /**
   * Brings up to date at most `limit` entities whose derived rows batches applied while
   * catching up left behind; answers how many it did (0: nothing left). Each call is a
   * transaction of its own.
   */
  settle?(tx: Kysely<DB>, context: ProjectionContext, limit: number): Promise<number>;
}

export const PROJECTIONS = Symbol('Projections');

/**
 * What a generation was built from: a generation whose stamp differs from the code's
 * (another version, other settings) is rebuilt.
 */
export const stampOf = (projection: Projection): string =>
  JSON.stringify({ version: projection.version, settings: sortedEntries(projection.settings) });

const sortedEntries = (settings: Readonly<Record<string, unknown>>) =>
  Object.keys(settings)
    .sort()
    .map((key) => [key, settings[key]]);

const handledTypes = new WeakMap<Projection, ReadonlySet<string>>();

/** The events of a batch that a projection handles, in their order. */
export function eventsFor(projection: Projection, events: readonly AnyLedgerEvent[]): AnyLedgerEvent[] {
  let handled = handledTypes.get(projection);
  if (!handled) handledTypes.set(projection, (handled = new Set(projection.handles)));
  return events.filter((event) => handled.has(event.type));
}

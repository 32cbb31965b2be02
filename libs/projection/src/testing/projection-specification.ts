import { sql, type Kysely } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnyLedgerEvent } from '@cx/events';
import { contextFor, forGeneration, ProjectionRegistry } from '../engine/projection-registry';
import type { Projection } from '../projection';
import { PostgresViewStore } from '../view-store/postgres-view-store';
import { SqliteViewStore } from '../view-store/sqlite-view-store';
import type { ViewStore } from '../view-store/view-store.port';

/** A fresh, empty view store for one specification, and how to put it away. */
export interface ViewStoreUnderTest {
  views: ViewStore;
  /** Closes connections and removes what the test made. */
  dispose(): Promise<void>;
}

/** A SQLite view store in a scratch folder of its own. */
export async function scratchSqliteViews(): Promise<ViewStoreUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'cx-views-'));
  const views = new SqliteViewStore(join(dir, 'views.sqlite'));
  return {
    views,
    dispose: async () => {
      await views.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A PostgreSQL view store in a schema of its own, dropped with what the test made. */
export async function scratchPostgresViews(url: string, schema: string): Promise<ViewStoreUnderTest> {
  const views = new PostgresViewStore(url, schema);
  await views.ensureSchema();
  return {
    views,
    dispose: async () => {
      await sql`DROP SCHEMA ${sql.id(schema)} CASCADE`.execute(views.reader);
      await views.close();
    },
  };
}

/** How many events each batch holds, called once per batch: a runner's batches vary. */
export type BatchSizes = () => number;

const ALL_AT_ONCE: BatchSizes = () => Number.MAX_SAFE_INTEGER;

/** Batches of 1, 8, 57, 9, … events: sizes that vary as a runner's do, the same on every run. */
export function varyingSizes(): BatchSizes {
  let size = 0;
  return () => (size = size === 0 ? 1 : ((size * 7) % 97) + 1);
}

/** Applies `events` in batches of `sizes`, each in a transaction of its own, as the engine does. */
export async function applyInBatches<DB>(
  views: ViewStore,
  projection: Projection<DB>,
  events: readonly AnyLedgerEvent[],
  { generation = 1, sizes = ALL_AT_ONCE, catchingUp = false }: { generation?: number; sizes?: BatchSizes; catchingUp?: boolean } = {},
): Promise<void> {
  for (let i = 0; i < events.length;) {
    const batch = events.slice(i, i + Math.max(1, sizes()));
    await views.transaction((tx) =>
      projection.apply(forGeneration(tx, projection, generation), batch, contextFor(views.dialect, generation, catchingUp)),
    );
    i += batch.length;
  }
}

/**
 * Given/when/then for a SQL projection, after Emmett's `PostgreSQLProjectionSpec`: `given` the
 * events its rows already hold, `when` the events under test arrive (in batches of `sizes`),
 * `then` what its tables must answer, read through the generation's table names. Each `then`
 * runs on a fresh store from `open` (SQLite by default), so a specification can be run on
 * every view store.
 *
 *   await ProjectionSpecification.for(projection)
 *     .given(opened)
 *     .when(requested, accepted)
 *     .then(async (db) => expect(await db.selectFrom('case_handoffs').selectAll().execute()).toEqual([...]));
 */
export const ProjectionSpecification = {
  for<DB>(projection: Projection<DB>, open: () => Promise<ViewStoreUnderTest> = scratchSqliteViews) {
    const given = (...history: AnyLedgerEvent[]) => ({
      when: (...events: AnyLedgerEvent[]) => ({
        then: (expectation: (db: Kysely<DB>) => Promise<void>, sizes: BatchSizes = ALL_AT_ONCE): Promise<void> =>
          withProjection(projection, open, async (views) => {
            await applyInBatches(views, projection, history);
            await applyInBatches(views, projection, events, { sizes });
            await expectation(forGeneration(views.reader, projection, 1) as Kysely<DB>);
          }),
      }),
    });
    return { given, when: (...events: AnyLedgerEvent[]) => given().when(...events) };
  },
};

/** A fresh store (SQLite unless `open` gives another) with the projection installed as generation 1. */
export async function viewsWithProjection<DB>(
  projection: Projection<DB>,
  open: () => Promise<ViewStoreUnderTest> = scratchSqliteViews,
): Promise<ViewStoreUnderTest> {
  const subject = await open();
  try {
    const registry = new ProjectionRegistry(subject.views);
    await registry.ensureTables();
    await registry.install(projection);
    return subject;
  } catch (error) {
    await subject.dispose();
    throw error;
  }
}

/** A fresh store with the projection installed (generation 1), put away whatever `work` does. */
async function withProjection<DB>(
  projection: Projection<DB>,
  open: () => Promise<ViewStoreUnderTest>,
  work: (views: ViewStore) => Promise<void>,
): Promise<void> {
  const subject = await viewsWithProjection(projection, open);
  try {
    await work(subject.views);
  } finally {
    await subject.dispose();
  }
}

import { Kysely, sql } from 'kysely';
import { Projection, ProjectionContext, stampOf } from '../projection';
import { ENTITY_LOCKS_TABLE, lockEntities } from '../view-store/entity-locks';
import { GenerationTablesPlugin, physicalTable } from '../view-store/generation-tables';
import { lockSchemaChanges } from '../view-store/schema-changes';
import { createTable, type TableSchema } from '../view-store/table-schema';
import type { ViewDialect, ViewStore } from '../view-store/view-store.port';

export const PARTITION_CHECKPOINTS_TABLE = 'projection_partition_checkpoints';
export const GENERATIONS_TABLE = 'projection_generations';

const REGISTRY_TABLES: TableSchema[] = [
  {
    name: 'projections',
    columns: [
      ['name', 'text', 'key'],
      ['active_generation', 'integer', 'required'],
      ['building_generation', 'integer'],
    ],
  },
  {
    name: 'projection_checkpoints',
    columns: [
      ['name', 'text', 'required'],
      ['generation', 'integer', 'required'],
      ['position', 'bigint', 'required'],
      ['updated_at', 'bigint', 'required'],
    ],
    primaryKey: ['name', 'generation'],
  },
  // What each generation was built from; a generation without a row predates versions.
  {
    name: GENERATIONS_TABLE,
    columns: [
      ['name', 'text', 'required'],
      ['generation', 'integer', 'required'],
      ['stamp', 'text', 'required'],
      ['tables', 'text', 'required'],
      ['created_at', 'bigint', 'required'],
    ],
    primaryKey: ['name', 'generation'],
  },
  // Where a generation fed from `cx.events` stands in each partition (see PartitionFeed).
  {
    name: PARTITION_CHECKPOINTS_TABLE,
    columns: [
      ['name', 'text', 'required'],
      ['generation', 'integer', 'required'],
      ['topic', 'text', 'required'],
      ['partition', 'integer', 'required'],
      ['next_offset', 'bigint', 'required'],
      ['position', 'bigint', 'required'],
      ['updated_at', 'bigint', 'required'],
    ],
    primaryKey: ['name', 'generation', 'topic', 'partition'],
  },
  {
    name: ENTITY_LOCKS_TABLE,
    columns: [
      ['name', 'text', 'required'],
      ['generation', 'integer', 'required'],
      ['key', 'text', 'required'],
    ],
    primaryKey: ['name', 'generation', 'key'],
  },
];

export interface ProjectionRecord {
  name: string;
  activeGeneration: number;
  /** The generation a rebuild is filling, until it catches up and takes over. */
  buildingGeneration: number | null;
}

/** What `install` found: the live generation is current, was just made, or is being rebuilt because its stamp is out of date. */
export type Installation = 'current' | 'created' | { rebuilding: number; reason: string };

/**
 * The engine's bookkeeping, in the view store itself: which generation of each projection
 * is live, which is being rebuilt, what each generation was built from (version, settings,
 * tables), and each generation's checkpoint. Any process may write a request here (a
 * rebuild); projector processes act on it.
 */
export class ProjectionRegistry {
  constructor(private readonly store: ViewStore) {}

  async ensureTables(): Promise<void> {
    await this.store.transaction(async (tx) => {
      await lockSchemaChanges(tx, this.store.dialect);
      for (const table of REGISTRY_TABLES) await createTable(tx, table, { ifNotExists: true });
    });
  }

  async records(db: Kysely<any> = this.store.reader): Promise<ProjectionRecord[]> {
    const rows = await db.selectFrom('projections').selectAll().orderBy('name').execute();
    return rows.map((r) => ({
      name: r.name as string,
      activeGeneration: Number(r.active_generation),
      buildingGeneration: r.building_generation === null ? null : Number(r.building_generation),
    }));
  }

  async checkpoint(name: string, generation: number, db: Kysely<any> = this.store.reader): Promise<number> {
    const row = await db
      .selectFrom('projection_checkpoints')
      .select('position')
      .where('name', '=', name)
      .where('generation', '=', generation)
      .executeTakeFirst();
    return row ? Number(row.position) : 0;
  }

  /** The stamp a generation was built with (see `stampOf`); null for one made before versions. */
  async stamp(name: string, generation: number, db: Kysely<any> = this.store.reader): Promise<string | null> {
    const row = await db
      .selectFrom(GENERATIONS_TABLE)
      .select('stamp')
      .where('name', '=', name)
      .where('generation', '=', generation)
      .executeTakeFirst();
    return row ? String(row.stamp) : null;
  }

  /**
   * Creates generation 1 of a projection the first time it is seen; over a log with a
   * `backlog` (see ProjectionEngine), generation 2 is started beside it at once, to be built
   * as a rebuild is and take over. After that, a live generation built from another version
   * or other settings than the code's is rebuilt beside it (the live one serves until the new
   * one has caught up); a rebuild under way from an out-of-date stamp is replaced by one from
   * the current stamp.
   */
  async install(projection: Projection, { backlog = false }: { backlog?: boolean } = {}): Promise<Installation> {
    return this.store.transaction(async (tx) => {
      await lockSchemaChanges(tx, this.store.dialect);
      const record = (await this.records(tx)).find((r) => r.name === projection.name);
      if (!record) {
        await createGeneration(tx, projection, 1, this.store.dialect, { readIndexes: true });
        await tx.insertInto('projections').values({ name: projection.name, active_generation: 1, building_generation: null }).execute();
        await pointViewsAt(tx, projection, 1, []);
        if (!backlog) return 'created';
        const generation = await this.startGeneration(tx, projection, {
          name: projection.name,
          activeGeneration: 1,
          buildingGeneration: null,
        });
        return { rebuilding: generation, reason: 'first seen over a log that already holds events: built as a rebuild' };
      }
      const wanted = stampOf(projection);
      const live = await this.stamp(projection.name, record.activeGeneration, tx);
      if (live === wanted) {
        // A read index added since the live generation was made (a report's new access path)
        // changes no row, so it is made here rather than by a rebuild.
        await makeReadIndexes(tx, projection, record.activeGeneration, this.store.dialect);
        return 'current';
      }
      if (record.buildingGeneration !== null) {
        if ((await this.stamp(projection.name, record.buildingGeneration, tx)) === wanted)
          return { rebuilding: record.buildingGeneration, reason: staleness(live, wanted) };
        await this.dropGenerationIn(tx, projection, record.buildingGeneration);
      }
      const generation = await this.startGeneration(tx, projection, record);
      return { rebuilding: generation, reason: staleness(live, wanted) };
    });
  }

  /** Starts a rebuild: a new generation's tables, filled from the first event by the projectors. */
  async requestRebuild(projection: Projection): Promise<{ generation: number } | { alreadyBuilding: number }> {
    return this.store.transaction(async (tx) => {
      const record = (await this.records(tx)).find((r) => r.name === projection.name);
      if (!record) throw new Error(`projection ${projection.name} is not installed`);
      if (record.buildingGeneration !== null) return { alreadyBuilding: record.buildingGeneration };
      return { generation: await this.startGeneration(tx, projection, record) };
    });
  }

  /**
   * The rebuilt generation takes over: views switch in the same transaction as its last batch.
   * Answers the generation it retired, or undefined when `generation` is no longer the one
   * being built: two runners of one rebuild may both see it catch up, and only the first
   * may switch (the second would retire the generation it just made live).
   */
  async promote(tx: Kysely<any>, projection: Projection, generation: number): Promise<number | undefined> {
    let query = tx.selectFrom('projections').selectAll().where('name', '=', projection.name);
    if (this.store.dialect === 'postgres') query = query.forUpdate();
    const record = await query.executeTakeFirstOrThrow();
    if (Number(record.building_generation) !== generation || record.building_generation === null) return undefined;
    const retired = Number(record.active_generation);
    await pointViewsAt(tx, projection, generation, await tablesOf(tx, projection, retired));
    await tx
      .updateTable('projections')
      .set({ active_generation: generation, building_generation: null })
      .where('name', '=', projection.name)
      .execute();
    return retired;
  }

  /**
   * The read indexes a rebuilt generation was made without (see startGeneration), before it
   * goes live. Idempotent: a rebuild resumed after a crash makes only those still missing.
   */
  async createReadIndexes(projection: Projection, generation: number): Promise<void> {
    await this.store.transaction((tx) => makeReadIndexes(tx, projection, generation, this.store.dialect));
  }

  /** Drops a retired generation's tables, once nothing reads them. */
  async dropGeneration(projection: Projection, generation: number): Promise<void> {
    await this.store.transaction((tx) => this.dropGenerationIn(tx, projection, generation));
  }

  private async dropGenerationIn(tx: Kysely<any>, projection: Projection, generation: number): Promise<void> {
    for (const table of await tablesOf(tx, projection, generation))
      await sql`DROP TABLE IF EXISTS ${sql.table(physicalTable(table, generation))}`.execute(tx);
    await tx.deleteFrom('projection_checkpoints').where('name', '=', projection.name).where('generation', '=', generation).execute();
    await tx.deleteFrom(GENERATIONS_TABLE).where('name', '=', projection.name).where('generation', '=', generation).execute();
    await tx.deleteFrom(ENTITY_LOCKS_TABLE).where('name', '=', projection.name).where('generation', '=', generation).execute();
    await tx.deleteFrom(PARTITION_CHECKPOINTS_TABLE).where('name', '=', projection.name).where('generation', '=', generation).execute();
    await tx
      .updateTable('projections')
      .set({ building_generation: null })
      .where('name', '=', projection.name)
      .where('building_generation', '=', generation)
      .execute();
  }

  /** A generation to rebuild: made without its read indexes, which the runner adds once it has caught up. */
  private async startGeneration(tx: Kysely<any>, projection: Projection, record: ProjectionRecord): Promise<number> {
    const generation = Math.max(record.activeGeneration, await highestGeneration(tx, projection.name)) + 1;
    await createGeneration(tx, projection, generation, this.store.dialect, { readIndexes: false });
    await tx.updateTable('projections').set({ building_generation: generation }).where('name', '=', projection.name).execute();
    return generation;
  }
}

const staleness = (live: string | null, wanted: string): string =>
  live === null ? `the live generation predates versions; now ${wanted}` : `the live generation was built from ${live}; now ${wanted}`;

/** The projection's tables for one generation, as seen through the renaming plugin. */
export const forGeneration = (db: Kysely<any>, projection: Projection, generation: number): Kysely<any> =>
  db.withPlugin(new GenerationTablesPlugin(projection.tables, generation));

export const contextFor = (dialect: ViewDialect, generation: number, catchingUp = false): ProjectionContext => ({
  dialect,
  generation,
  catchingUp,
  unique: (name: string) => generationName(name, generation),
});

/** PostgreSQL keeps the first 63 bytes of a name: two generations' longer names would be one. */
const MAX_NAME_BYTES = 63;

function generationName(name: string, generation: number): string {
  const named = `${name}__g${generation}`;
  if (Buffer.byteLength(named) > MAX_NAME_BYTES)
    throw new Error(`view name ${named} is longer than PostgreSQL's ${MAX_NAME_BYTES} bytes: give it a shorter name`);
  return named;
}

/** The context of a batch that may run beside others of the same generation: entities are locked. */
export const sharedContextFor = (tx: Kysely<any>, dialect: ViewDialect, projection: Projection, generation: number): ProjectionContext => ({
  ...contextFor(dialect, generation),
  lock: (keys) => lockEntities(tx, dialect, projection.name, generation, keys),
});

/**
 * A generation's tables, its checkpoint at 0 and its stamp. Generation 1 is live at once, so
 * readers need its read indexes from the start; a rebuilt one is read only once promoted.
 */
async function createGeneration(
  tx: Kysely<any>,
  projection: Projection,
  generation: number,
  dialect: ViewDialect,
  { readIndexes }: { readIndexes: boolean },
): Promise<void> {
  for (const table of projection.tables) await sql`DROP TABLE IF EXISTS ${sql.table(physicalTable(table, generation))}`.execute(tx);
  await projection.createTables(forGeneration(tx, projection, generation), { ...contextFor(dialect, generation), readIndexes });
  await tx.deleteFrom('projection_checkpoints').where('name', '=', projection.name).where('generation', '=', generation).execute();
  await tx.deleteFrom(PARTITION_CHECKPOINTS_TABLE).where('name', '=', projection.name).where('generation', '=', generation).execute();
  await tx.deleteFrom(GENERATIONS_TABLE).where('name', '=', projection.name).where('generation', '=', generation).execute();
  await tx
    .insertInto('projection_checkpoints')
    .values({ name: projection.name, generation, position: 0, updated_at: Date.now() })
    .execute();
  await tx
    .insertInto(GENERATIONS_TABLE)
    .values({
      name: projection.name,
      generation,
      stamp: stampOf(projection),
      tables: JSON.stringify(projection.tables),
      created_at: Date.now(),
    })
    .execute();
}

/** The generation's read indexes still missing (idempotent). */
async function makeReadIndexes(tx: Kysely<any>, projection: Projection, generation: number, dialect: ViewDialect): Promise<void> {
  await projection.createReadIndexes?.(forGeneration(tx, projection, generation), contextFor(dialect, generation));
}

/** The tables a generation was made with: those of the code for one made before they were recorded. */
async function tablesOf(tx: Kysely<any>, projection: Projection, generation: number): Promise<string[]> {
  const row = await tx
    .selectFrom(GENERATIONS_TABLE)
    .select('tables')
    .where('name', '=', projection.name)
    .where('generation', '=', generation)
    .executeTakeFirst();
  const recorded = row ? (JSON.parse(String(row.tables)) as string[]) : [];
  return [...new Set([...projection.tables, ...recorded])];
}

/** Points each table's view at the generation; views of tables the projection no longer has are dropped. */
async function pointViewsAt(tx: Kysely<any>, projection: Projection, generation: number, previousTables: readonly string[]): Promise<void> {
  for (const table of previousTables)
    if (!projection.tables.includes(table)) await sql`DROP VIEW IF EXISTS ${sql.table(table)}`.execute(tx);
  for (const table of projection.tables) {
    await sql`DROP VIEW IF EXISTS ${sql.table(table)}`.execute(tx);
    await sql`CREATE VIEW ${sql.table(table)} AS SELECT * FROM ${sql.table(physicalTable(table, generation))}`.execute(tx);
  }
}

async function highestGeneration(tx: Kysely<any>, name: string): Promise<number> {
  const row = await tx
    .selectFrom('projection_checkpoints')
    .select((eb) => eb.fn.max('generation').as('g'))
    .where('name', '=', name)
    .executeTakeFirst();
  return Number(row?.g ?? 0);
}

import type { Kysely } from 'kysely';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@cx/clock';
import { EventStore } from '@cx/event-store';
import { EVENT_TYPES, type AnyLedgerEvent, type EventType } from '@cx/events';
import { openSqlite, SqliteWriter } from '@cx/sqlite';
import { proposedEvent } from '@cx/event-store/testing';
import type { Projection, ProjectionContext } from '../projection';
import { SqliteViewStore } from '../view-store/sqlite-view-store';
import { createReadIndexes, createTable, type TableSchema } from '../view-store/table-schema';
import { ProjectionEngine } from './projection-engine';
import { ProjectionRegistry } from './projection-registry';
import { SqliteEventStore } from '@cx/event-store/adapters';

interface Tallies {
  tallies: { customer_id: string; events: number };
}

/** Counts each customer's events of the handled types, weighted by a setting. */
class Tally implements Projection<Tallies> {
  readonly tables = ['tallies'] as const;

  constructor(
    readonly name: string,
    readonly version: number,
    readonly handles: readonly EventType[] = EVENT_TYPES,
    readonly settings: { weight: number } = { weight: 1 },
  ) {}

  async createTables(db: Kysely<Tallies>): Promise<void> {
    await db.schema
      .createTable('tallies')
      .addColumn('customer_id', 'text', (c) => c.primaryKey())
      .addColumn('events', 'integer', (c) => c.notNull())
      .execute();
  }

  async apply(tx: Kysely<Tallies>, events: readonly AnyLedgerEvent[]): Promise<void> {
    await addTallies(tx, events, this.settings.weight);
  }
}

async function addTallies(tx: Kysely<Tallies>, events: readonly AnyLedgerEvent[], weight: number): Promise<void> {
  for (const event of events) {
    await tx
      .insertInto('tallies')
      .values({ customer_id: event.customerId, events: weight })
      .onConflict((oc) => oc.column('customer_id').doUpdateSet((eb) => ({ events: eb('tallies.events', '+', weight) })))
      .execute();
  }
}

const TALLIES: TableSchema = {
  name: 'tallies',
  columns: [
    ['customer_id', 'text', 'key'],
    ['events', 'integer', 'required'],
  ],
  readIndexes: [['events']],
};

/** Counts every event of each customer in a table with a read index, noting in each batch whether its generation had it. */
class IndexedTally implements Projection<Tallies> {
  readonly name = 'tally';
  readonly version = 1;
  readonly handles = EVENT_TYPES;
  readonly tables = ['tallies'] as const;
  readonly settings = {};
  readonly indexedWhileFolding = new Map<number, boolean>();

  async createTables(db: Kysely<Tallies>, { unique, readIndexes }: ProjectionContext): Promise<void> {
    await createTable(db, TALLIES, { unique, readIndexes });
  }

  async createReadIndexes(db: Kysely<Tallies>, context: ProjectionContext): Promise<void> {
    await createReadIndexes(db, TALLIES, context);
  }

  async apply(tx: Kysely<Tallies>, events: readonly AnyLedgerEvent[], context: ProjectionContext): Promise<void> {
    this.indexedWhileFolding.set(context.generation, await hasIndex(tx, context.unique('tallies_by_events')));
    await addTallies(tx, events, 1);
  }
}

const hasIndex = async (db: Kysely<any>, name: string): Promise<boolean> =>
  (await db.selectFrom('sqlite_master').select('name').where('type', '=', 'index').where('name', '=', name).execute()).length === 1;

/** The real store, counting how often its subscriptions hand out each position. */
class CountingReads {
  readonly reads = new Map<number, number>();
  /** The size of each batch handed out, in order. */
  readonly batches: number[] = [];

  constructor(private readonly store: EventStore) {}

  wrap(): EventStore {
    const subscribe: EventStore['subscribe'] = (options) =>
      this.store.subscribe({
        ...options,
        onBatch: (batch) => {
          this.batches.push(batch.length);
          for (const event of batch) this.reads.set(event.position, (this.reads.get(event.position) ?? 0) + 1);
          return options.onBatch(batch);
        },
      });
    return Object.assign(Object.create(this.store) as EventStore, { subscribe });
  }
}

describe('ProjectionEngine', () => {
  let dir: string;
  let events: SqliteEventStore;
  let views: SqliteViewStore;
  const engines: ProjectionEngine[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cx-engine-'));
    events = new SqliteEventStore(new SqliteWriter(openSqlite(join(dir, 'events.sqlite'))), systemClock);
    views = new SqliteViewStore(join(dir, 'views.sqlite'));
    const writes = ['ada', 'bo', 'ada', 'cy', 'ada'].map((customerId, i) => ({
      streamId: customerId,
      events: [proposedEvent({ customerId, ...(i % 2 === 0 ? {} : purchaseOf(customerId, i)) })],
    }));
    await events.append(writes);
  });

  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.onApplicationShutdown();
    await views.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const started = async (
    projections: Projection[],
    store: EventStore = events,
    lingerMs?: number,
    backlogEvents?: number,
  ): Promise<ProjectionEngine> => {
    const engine = new ProjectionEngine(
      projections,
      views,
      store,
      { runs: true, source: 'store', lingerMs, backlogEvents },
      new ProjectionRegistry(views),
    );
    engines.push(engine);
    await engine.onApplicationBootstrap();
    return engine;
  };
  const stopped = async (engine: ProjectionEngine) => {
    await engine.onApplicationShutdown();
    engines.splice(engines.indexOf(engine), 1);
  };
  const tallies = async () =>
    Object.fromEntries(
      (await views.reader.selectFrom('tallies').selectAll().orderBy('customer_id').execute()).map((r) => [r.customer_id, Number(r.events)]),
    );
  const until = async (condition: () => Promise<boolean>) => {
    for (const deadline = Date.now() + 10_000; !(await condition());) {
      if (Date.now() > deadline) throw new Error('condition not met within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const liveGeneration = async (name: string) => (await new ProjectionRegistry(views).records()).find((r) => r.name === name);
  const physicalTables = async () =>
    (
      await views.reader
        .selectFrom('sqlite_master')
        .select('name')
        .where('type', '=', 'table')
        .where('name', 'like', 'tallies__g%')
        .execute()
    ).map((r) => r.name);

  it('rebuilds by itself, beside the live generation, a projection whose version changed', async () => {
    const first = await started([new Tally('tally', 1)]);
    await until(async () => (await first.status())[0]?.lag === 0 && Object.keys(await tallies()).length === 3);
    expect(await tallies()).toEqual({ ada: 3, bo: 1, cy: 1 });
    await stopped(first);

    // Version 2 counts purchases only: the live rows change once the new generation has caught up.
    const second = await started([new Tally('tally', 2, ['cx.purchase.completed.v1'])]);
    await until(async () => (await liveGeneration('tally'))?.activeGeneration === 2 && (await physicalTables()).length === 1);
    expect(await tallies()).toEqual({ bo: 1, cy: 1 });
    expect(await physicalTables()).toEqual(['tallies__g2']);
    expect((await second.status())[0]).toMatchObject({ name: 'tally', version: 2, generation: 2, rebuilding: null });
  });

  it('rebuilds by itself a projection whose settings changed, and leaves a current one alone', async () => {
    const first = await started([new Tally('tally', 1), new Tally('other', 1)]);
    await until(async () => (await first.status()).every((s) => s.lag === 0));
    await stopped(first);

    await started([new Tally('tally', 1, EVENT_TYPES, { weight: 10 }), new Tally('other', 1)]);
    await until(async () => (await liveGeneration('tally'))?.activeGeneration === 2);
    await until(async () => (await tallies()).ada === 30);
    expect(await tallies()).toEqual({ ada: 30, bo: 10, cy: 10 });
    expect((await liveGeneration('other'))?.activeGeneration).toBe(1);
  });

  it('rebuilds projections requested together in one pass over the log', async () => {
    const projections = [new Tally('a', 1), new Tally('b', 1), new Tally('c', 1)];
    const installing = new ProjectionEngine(projections, views, events, { runs: false, source: 'store' }, new ProjectionRegistry(views));
    await installing.onApplicationBootstrap();
    const counting = new CountingReads(events);
    const engine = new ProjectionEngine(
      projections,
      views,
      counting.wrap(),
      { runs: false, source: 'store' },
      new ProjectionRegistry(views),
    );
    const generations = await engine.rebuildHere(projections, () => undefined);

    expect([...generations]).toEqual([
      ['a', 2],
      ['b', 2],
      ['c', 2],
    ]);
    expect([...counting.reads.values()].every((times) => times === 1)).toBe(true);
    expect(counting.reads.size).toBe(await events.headPosition());
    for (const name of ['a', 'b', 'c']) expect((await liveGeneration(name))?.activeGeneration).toBe(2);
  });

  it('folds the events appended while the live runner lingers after reaching the head as one batch', async () => {
    const counting = new CountingReads(events);
    const engine = await started([new Tally('tally', 1)], counting.wrap(), 1_000);
    await until(async () => (await engine.status())[0]?.lag === 0);
    const appendOne = () => events.append([{ streamId: 'dee', events: [proposedEvent({ customerId: 'dee' })] }]);

    await appendOne();
    await until(async () => (await tallies()).dee === 1);
    // The runner folded that one alone and now lingers: these two wait for it, then come together.
    await appendOne();
    await appendOne();
    await until(async () => (await tallies()).dee === 3);

    expect(counting.batches.slice(-2)).toEqual([1, 2]);
  });

  it('stops at once while the live runner lingers', async () => {
    const engine = await started([new Tally('tally', 1)], events, 60_000);
    await until(async () => (await engine.status())[0]?.lag === 0);

    const began = Date.now();
    await stopped(engine);

    expect(Date.now() - began).toBeLessThan(5_000);
  });

  it('builds a rebuilt generation without its read indexes and adds them before it goes live', async () => {
    const tally = new IndexedTally();
    const first = await started([tally]);
    await until(async () => (await first.status())[0]?.lag === 0);
    await stopped(first);
    expect(tally.indexedWhileFolding.get(1)).toBe(true);

    await new ProjectionEngine([tally], views, events, { runs: false, source: 'store' }, new ProjectionRegistry(views)).rebuildHere(
      [tally],
      () => undefined,
    );

    expect(tally.indexedWhileFolding.get(2)).toBe(false);
    expect((await liveGeneration('tally'))?.activeGeneration).toBe(2);
    expect(await hasIndex(views.reader, 'tallies_by_events__g2')).toBe(true);
    expect(await tallies()).toEqual({ ada: 3, bo: 1, cy: 1 });
  });

  it('builds a projection first seen over a log with a backlog as a rebuild, and leaves generation 1 unfolded until it takes over', async () => {
    const tally = new IndexedTally();
    const engine = await started([tally], events, undefined, 5);
    expect((await liveGeneration('tally'))?.buildingGeneration).toBe(2);

    await until(async () => (await liveGeneration('tally'))?.activeGeneration === 2);

    expect(tally.indexedWhileFolding.has(1)).toBe(false);
    expect(tally.indexedWhileFolding.get(2)).toBe(false);
    expect(await hasIndex(views.reader, 'tallies_by_events__g2')).toBe(true);
    expect(await tallies()).toEqual({ ada: 3, bo: 1, cy: 1 });
    // Live at the head as soon as it took over, before any new event.
    await until(async () => (await engine.status())[0]?.generation === 2);
    expect((await engine.status())[0]).toMatchObject({ generation: 2, lag: 0, state: 'live', rebuilding: null });
  });

  it('folds a projection first seen over a log shorter than the backlog as generation 1, live', async () => {
    const tally = new IndexedTally();
    const engine = await started([tally], events, undefined, 6);
    await until(async () => (await engine.status())[0]?.lag === 0);

    expect(await liveGeneration('tally')).toMatchObject({ activeGeneration: 1, buildingGeneration: null });
    expect(tally.indexedWhileFolding.get(1)).toBe(true);
    expect(await tallies()).toEqual({ ada: 3, bo: 1, cy: 1 });
  });

  it('adds a read index the code has and the current live generation lacks when it starts, without a rebuild', async () => {
    const tally = new IndexedTally();
    const first = await started([tally]);
    await until(async () => (await first.status())[0]?.lag === 0);
    await stopped(first);
    // The live generation as an earlier release of the code made it: without the read index.
    await views.execute('DROP INDEX tallies_by_events__g1');

    await started([tally]);

    expect(await hasIndex(views.reader, 'tallies_by_events__g1')).toBe(true);
    expect((await liveGeneration('tally'))?.activeGeneration).toBe(1);
    expect(await tallies()).toEqual({ ada: 3, bo: 1, cy: 1 });
  });
});

function purchaseOf(customerId: string, i: number) {
  return {
    type: 'cx.purchase.completed.v1' as const,
    data: { customer: { id: customerId }, orderId: `o-${i}`, amountMinor: 100, currency: 'EUR', channel: 'web' },
  };
}

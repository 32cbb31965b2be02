import type { Kysely } from 'kysely';
import type { Pool } from 'pg';
import { openPostgresPool } from '@cx/postgres';
import { systemClock } from '@cx/clock';
import { EventStore, StoredEvent } from '@cx/event-store';
import { EVENT_TYPES, type LedgerEvent } from '@cx/events';
import { PostgresViewStore, Projection, ProjectionContext, ProjectionRegistry } from '@cx/projection';
import { proposedEvent, describeWithPostgres } from '@cx/event-store/testing';
import { PartitionFeed, PartitionMessage } from './partition-feed';
import { ProjectionRunner } from '../engine/projection-runner';
import { PostgresEventStore } from '@cx/event-store/adapters';

/** Counts each customer's events: any event applied twice or missed shows in the counts. */
interface Counts {
  event_counts: { customer_id: string; events: number };
}

class EventCounts implements Projection<Counts> {
  readonly name = 'event_counts';
  readonly version = 1;
  readonly handles = EVENT_TYPES;
  readonly tables = ['event_counts'] as const;
  readonly settings = {};

  async createTables(db: Kysely<Counts>): Promise<void> {
    await db.schema
      .createTable('event_counts')
      .addColumn('customer_id', 'text', (c) => c.primaryKey())
      .addColumn('events', 'integer', (c) => c.notNull())
      .execute();
  }

  async apply(tx: Kysely<Counts>, events: readonly LedgerEvent[], context: ProjectionContext): Promise<void> {
    await context.lock?.(events.map((e) => e.customerId));
    for (const event of events) {
      await tx
        .insertInto('event_counts')
        .values({ customer_id: event.customerId, events: 1 })
        .onConflict((oc) => oc.column('customer_id').doUpdateSet((eb) => ({ events: eb('event_counts.events', '+', 1) })))
        .execute();
    }
  }
}

const TOPIC = 'cx.events';
const CUSTOMERS = ['ada', 'bo', 'cy'];

/**
 * The hand-over of a live generation from the store's global order to cx.events partitions,
 * on PostgreSQL: the runner stops where the partitions start, the partitions skip what it
 * applied and what the relay repeats, and a batch that starts past the checkpoint is sent back.
 */
describeWithPostgres('partition feed hand-over', (database) => {
  let pool: Pool;
  let store: EventStore;
  let views: PostgresViewStore;
  const projection = new EventCounts();

  beforeAll(async () => {
    pool = openPostgresPool(database.url, { max: 4 });
    store = await PostgresEventStore.open(pool, systemClock, { schema: 'partition_feed_events' });
    views = new PostgresViewStore(database.url, 'partition_feed_views');
    const registry = new ProjectionRegistry(views);
    await registry.ensureTables();
    await registry.install(projection);
  });
  afterAll(async () => {
    await views.close();
    await store.close();
    await pool.end();
  });

  const append = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const customerId = CUSTOMERS[i % CUSTOMERS.length];
      await store.append([{ streamId: customerId, events: [proposedEvent({ customerId })] }]);
    }
  };
  const counts = async (): Promise<Record<string, number>> =>
    Object.fromEntries(
      (await views.reader.selectFrom('event_counts').selectAll().orderBy('customer_id').execute()).map((r) => [
        r.customer_id,
        Number(r.events),
      ]),
    );
  const total = async () => Object.values(await counts()).reduce((a, b) => a + b, 0);
  const checkpoint = () => new ProjectionRegistry(views).checkpoint(projection.name, 1);
  const until = async (condition: () => Promise<boolean>) => {
    for (const deadline = Date.now() + 10_000; !(await condition());) {
      if (Date.now() > deadline) throw new Error('condition not met in 10 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  /** Every stored event, in one partition, at offsets from 0: what the relay would have published. */
  const published = (events: StoredEvent[]): PartitionMessage[] => events.map((event, offset) => ({ offset, event }));

  it("hands over at the runner's checkpoint, skips what it applied and relay repeats, and sends a batch past its checkpoint back", async () => {
    const runner = new ProjectionRunner(
      [{ projection, generation: 1 }],
      views,
      new ProjectionRegistry(views),
      store,
      { promoted: () => undefined, retired: () => undefined },
      { batchSize: 4 },
    );
    await append(9);
    await runner.start();
    await until(async () => (await checkpoint()) === 9);

    const feed = new PartitionFeed(projection, views, async () => new Map([[0, 0]]));
    expect(await feed.nextOffset(TOPIC, 0)).toEqual({ generation: 1, offset: 0 });
    expect(await feed.partitions(1, TOPIC)).toEqual([{ partition: 0, nextOffset: 0, position: 9 }]);

    // The store runner sees the hand-over in its next batch and leaves the generation alone.
    await append(6);
    await until(async () => runner.stateOf({ projection, generation: 1 })?.state === 'stopped');
    expect(await total()).toBe(9);

    const messages = published(await store.readAll({ after: 0, maxCount: 100 }));
    expect(await feed.apply({ topic: TOPIC, partition: 0, messages: messages.slice(11) })).toEqual({
      kind: 'rewind',
      generation: 1,
      offset: 0,
    });
    expect(await feed.apply({ topic: TOPIC, partition: 0, messages: messages.slice(0, 12) })).toEqual({
      kind: 'applied',
      generation: 1,
      nextOffset: 12,
      applied: 3,
    });
    // The relay published positions 10..12 again (new offsets) before the rest.
    const repeated = [...messages.slice(9, 12), ...messages.slice(12)].map((m, i) => ({ offset: 12 + i, event: m.event }));
    expect(await feed.apply({ topic: TOPIC, partition: 0, messages: repeated })).toEqual({
      kind: 'applied',
      generation: 1,
      nextOffset: 18,
      applied: 3,
    });
    // A batch delivered again after a rebalance changes nothing.
    expect(await feed.apply({ topic: TOPIC, partition: 0, messages: repeated })).toEqual({
      kind: 'applied',
      generation: 1,
      nextOffset: 18,
      applied: 0,
    });

    expect(await counts()).toEqual({ ada: 5, bo: 5, cy: 5 });
    expect(await feed.partitions(1, TOPIC)).toEqual([{ partition: 0, nextOffset: 18, position: 15 }]);
    await runner.stop();
  });
});

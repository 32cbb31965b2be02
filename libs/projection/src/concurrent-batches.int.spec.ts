import { Kysely, sql } from 'kysely';
import { validateCloudEvent, type AnyLedgerEvent } from '@cx/events';
import { contextFor, forGeneration, PostgresViewStore, Projection, ProjectionRegistry, sharedContextFor } from '@cx/projection';
import { DEFAULT_CASE_SETTINGS, DEFAULT_LIFECYCLE_SETTINGS } from '@cx/views';
import { describeWithPostgres, stopIfStarted } from '@cx/event-store/testing';
import { compareProjection } from '@cx/ops';
import { ledgerBuilder } from '@cx/views/testing';
import { CasesProjection } from './cases/cases.projection';
import { DriversProjection } from './drivers/drivers.projection';
import { LifecycleProjection } from './lifecycle/lifecycle.projection';
import { LoyaltyProjection } from './loyalty/loyalty.projection';
import { randomLedger } from './testing/random-ledger';

const GENERATION = 1;
const PARTITIONS = 4;
const SERIAL_BATCH = 50;
/** Small batches, so that batches of different partitions overlap often. */
const MAX_PARTITION_BATCH = 5;
/** SQLSTATEs after which PostgreSQL asks for the transaction again (the projector retries the batch). */
const RETRYABLE = new Set(['40P01', '40001']);

/** Any stable hash of the key will do: what matters is that one customer's events share a partition. */
function partitionOf(customerId: string): number {
  let hash = 0;
  for (const char of customerId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % PARTITIONS;
}

/** The ledger as `cx.events` holds it: keyed by customer id, each partition in global order. */
function byPartition(ledger: readonly AnyLedgerEvent[]): AnyLedgerEvent[][] {
  const partitions = Array.from({ length: PARTITIONS }, (): AnyLedgerEvent[] => []);
  for (const event of ledger) partitions[partitionOf(event.customerId)].push(event);
  return partitions;
}

async function installed(url: string, schema: string, projections: readonly Projection[]): Promise<PostgresViewStore> {
  const views = new PostgresViewStore(url, schema);
  await views.ensureSchema();
  const registry = new ProjectionRegistry(views);
  await registry.ensureTables();
  for (const projection of projections) await registry.install(projection);
  return views;
}

/** What one runner does: the whole global order, batch after batch, with no lock. */
async function applySerially(views: PostgresViewStore, projection: Projection, ledger: readonly AnyLedgerEvent[]): Promise<void> {
  for (let i = 0; i < ledger.length; i += SERIAL_BATCH) {
    const batch = ledger.slice(i, i + SERIAL_BATCH);
    await views.transaction((tx) =>
      projection.apply(forGeneration(tx, projection, GENERATION), batch, contextFor(views.dialect, GENERATION)),
    );
  }
}

/** One consumer of a partition: small batches, one transaction each, beside the other partitions' consumers. */
async function consumePartition(views: PostgresViewStore, projection: Projection, events: readonly AnyLedgerEvent[]): Promise<void> {
  for (let i = 0; i < events.length;) {
    const batch = events.slice(i, i + 1 + Math.floor(Math.random() * MAX_PARTITION_BATCH));
    await applyRetrying(views, projection, batch);
    i += batch.length;
    // A pause now and then shifts which batches of the other partitions this one meets.
    if (Math.random() < 0.2) await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
  }
}

const applyShared = (tx: Kysely<any>, views: PostgresViewStore, projection: Projection, batch: readonly AnyLedgerEvent[]): Promise<void> =>
  projection.apply(forGeneration(tx, projection, GENERATION), batch, sharedContextFor(tx, views.dialect, projection, GENERATION));

async function applyRetrying(views: PostgresViewStore, projection: Projection, batch: readonly AnyLedgerEvent[]): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await views.transaction((tx) => applyShared(tx, views, projection, batch));
      return;
    } catch (error) {
      if (!RETRYABLE.has((error as { code?: string }).code ?? '') || attempt >= 20) throw error;
    }
  }
}

/** A batch applied in a transaction that stays open, holding its locks and uncommitted rows, until `commit`. */
async function applyHeldOpen(views: PostgresViewStore, projection: Projection, batch: readonly AnyLedgerEvent[]) {
  let commit!: () => void;
  const committing = new Promise<void>((resolve) => (commit = resolve));
  let applied!: (backend: number) => void;
  const applying = new Promise<number>((resolve) => (applied = resolve));
  const committed = views.transaction(async (tx) => {
    await applyShared(tx, views, projection, batch);
    applied((await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(tx)).rows[0].pid);
    await committing;
  });
  // A failing batch fails here rather than leaving the test waiting.
  const backend = await Promise.race([applying, committed.then(() => applying)]);
  return { backend, commit, committed };
}

/** Until another session waits for a lock the held transaction has: the batch started beside it has met it. */
async function untilBlockedBy(views: PostgresViewStore, backend: number): Promise<void> {
  for (let tries = 0; tries < 500; tries += 1) {
    const { rows } = await sql<{ waiting: number }>`SELECT count(*)::int AS waiting FROM pg_stat_activity
      WHERE ${backend}::int = ANY(pg_blocking_pids(pid))`.execute(views.reader);
    if (rows[0].waiting > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('no batch waited for the held one');
}

const asCloudEvent = (event: AnyLedgerEvent) => ({
  specversion: '1.0',
  id: event.id,
  source: event.source,
  type: event.type,
  time: new Date(event.time).toISOString(),
  data: event.data,
});

describeWithPostgres('projections applied by concurrent batches of different partitions', (database) => {
  const projections: Projection[] = [
    new LifecycleProjection(DEFAULT_LIFECYCLE_SETTINGS),
    new LoyaltyProjection(),
    new CasesProjection(DEFAULT_CASE_SETTINGS),
    new DriversProjection(DEFAULT_CASE_SETTINGS),
  ];
  const ledger = randomLedger(1500, 20260301);
  let serial: PostgresViewStore;
  let partitioned: PostgresViewStore;

  beforeAll(async () => {
    serial = await installed(database.url, `${database.schema}_serial`, projections);
    partitioned = await installed(database.url, `${database.schema}_partitioned`, projections);
    for (const projection of projections) await applySerially(serial, projection, ledger);
  });

  afterAll(async () => {
    for (const views of [serial, partitioned]) {
      await stopIfStarted(views, async (it) => {
        await it.execute(`DROP SCHEMA IF EXISTS ${it.schema} CASCADE`);
        await it.close();
      });
    }
  });

  it('runs on a ledger holding every kind of cross-partition conflict, all valid events', () => {
    const merges = ledger.filter((e) => e.type === 'cx.customer.merged.v1');
    const mergedAt = new Map(merges.map((e) => [e.customerId, e.position]));
    const targets = new Set(merges.map((e) => e.data.into.id));
    const customersOf = (key: (e: AnyLedgerEvent) => string | undefined) => {
      const customers = new Map<string, Set<string>>();
      for (const e of ledger) {
        const id = key(e);
        if (id !== undefined) customers.set(id, (customers.get(id) ?? new Set()).add(e.customerId));
      }
      return [...customers.values()];
    };
    expect(merges.filter((e) => targets.has(e.customerId)).length).toBeGreaterThan(0);
    expect(
      ledger.filter((e) => e.type !== 'cx.customer.merged.v1' && e.position > (mergedAt.get(e.customerId) ?? Infinity)).length,
    ).toBeGreaterThan(20);
    expect(
      customersOf((e) => (e.type === 'cx.purchase.completed.v1' ? e.data.orderId : undefined)).filter((c) => c.size > 1).length,
    ).toBeGreaterThan(10);
    expect(
      customersOf((e) => (e.type.startsWith('cx.case.') ? (e.data as { caseId: string }).caseId : undefined)).filter((c) => c.size > 1)
        .length,
    ).toBeGreaterThan(10);
    expect(new Set(ledger.map((e) => partitionOf(e.customerId))).size).toBe(PARTITIONS);
    const now = Math.max(...ledger.map((e) => e.time));
    expect(ledger.map(asCloudEvent).filter((e) => !validateCloudEvent(e, now).ok)).toEqual([]);
  });

  it('gives, with every partition applied at the same time, the rows of the global order applied by one runner', async () => {
    const partitions = byPartition(ledger);
    await Promise.all(projections.flatMap((projection) => partitions.map((events) => consumePartition(partitioned, projection, events))));
    for (const projection of projections)
      expect({ projection: projection.name, differences: await compareProjection(serial, partitioned, projection) }).toEqual({
        projection: projection.name,
        differences: [],
      });
  });

  /**
   * Too narrow a window for the random ledger to hit reliably: a merge moves the rows of the
   * merged customer's cases while a batch of another partition refolds one of those cases
   * from the rows as they were. Played step by step here.
   */
  it('moves the case rows of a merged customer only once a refold of the case by another partition has committed', async () => {
    const { events, add } = ledgerBuilder();
    add('cx.case.opened.v1', 'anon-a', '2026-03-02T10:00:00Z', { caseId: 'K1', category: 'complaint', channel: 'phone', team: 'support' });
    add('cx.case.handoff.requested.v1', 'bob', '2026-03-02T11:00:00Z', { caseId: 'K1', fromTeam: 'support', toTeam: 'billing' });
    add('cx.customer.merged.v1', 'anon-a', '2026-03-02T12:00:00Z', { into: { id: 'carol' } });
    const [opening, request, merge] = events;
    const loyalty = new LoyaltyProjection();
    const [alone, beside] = [
      await installed(database.url, `${database.schema}_alone`, [loyalty]),
      await installed(database.url, `${database.schema}_beside`, [loyalty]),
    ];
    try {
      await applySerially(alone, loyalty, events);
      await beside.transaction((tx) => applyShared(tx, beside, loyalty, [opening]));
      const refold = await applyHeldOpen(beside, loyalty, [request]);
      const merging = beside.transaction((tx) => applyShared(tx, beside, loyalty, [merge]));
      await untilBlockedBy(beside, refold.backend);
      refold.commit();
      await Promise.all([refold.committed, merging]);
      expect(await compareProjection(alone, beside, loyalty)).toEqual([]);
    } finally {
      for (const views of [alone, beside]) {
        await views.execute(`DROP SCHEMA IF EXISTS ${views.schema} CASCADE`);
        await views.close();
      }
    }
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { SqliteEventStore } from '@cx/event-store/adapters';
import {
  CasesProjection,
  DriversProjection,
  LifecycleProjection,
  LoyaltyProjection,
  Projection,
  ProjectionRegistry,
  ProjectionRunner,
  RunnerTarget,
  SnapshotSchedule,
  SqliteViewStore,
  ViewSnapshots,
  ViewStore,
} from '@cx/projection';
import { randomLedger } from '@cx/projection/testing';
import { openSqlite, SqliteWriter } from '@cx/sqlite';
import { DEFAULT_CASE_SETTINGS, DEFAULT_LIFECYCLE_SETTINGS } from '@cx/views';
import { readViewsKnownAt } from './views-known-at';
import { logUpTo, proposed } from './testing/ledger-log';

const EVENTS = 1200;
const BATCH = 20;
const SNAPSHOT_EVERY = 150;
const T0 = Date.UTC(2026, 4, 1);
/** The runner waits for each snapshot, so there is one at every multiple. */
const WAIT_FOR_EACH = true;

/**
 * SPEC §2 `knownAt` from a snapshot of the views plus the events after it must be exactly
 * the fold of every event recorded by then, as a replay from the first event gives it: here
 * over a random ledger (late events, merges, shared cases) recorded in batches whose
 * `recordedAt` sometimes goes back (concurrent appends take positions out of recording order,
 * within the minute after which a fold stops reading).
 */
describe('views known at a past time, from snapshots of the views', () => {
  const projections: Projection[] = [
    new LifecycleProjection(DEFAULT_LIFECYCLE_SETTINGS),
    new CasesProjection(DEFAULT_CASE_SETTINGS),
    new LoyaltyProjection(),
    new DriversProjection(DEFAULT_CASE_SETTINGS),
  ];
  let dir: string;
  let events: SqliteEventStore;
  let views: SqliteViewStore;
  let snapshots: ViewSnapshots;
  /** The recording time of each batch, in append order. */
  const recorded: number[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cx-known-at-'));
    let recordingAt = T0;
    events = new SqliteEventStore(new SqliteWriter(openSqlite(join(dir, 'events.sqlite'))), { now: () => recordingAt });
    const ledger = randomLedger(EVENTS, 20261130);
    for (let i = 0; i < ledger.length; i += BATCH) {
      // Every fifth batch is recorded before the one ahead of it in the log.
      recordingAt = T0 + (i / BATCH) * 5000 - ((i / BATCH) % 5 === 4 ? 12_500 : 0);
      recorded.push(recordingAt);
      const results = await events.append(
        ledger.slice(i, i + BATCH).map((event) => ({ streamId: event.customerId, events: [proposed(event)] })),
      );
      if (results.some((result) => !result.ok)) throw new Error(`batch ${i / BATCH} not appended`);
    }
    views = new SqliteViewStore(join(dir, 'views.sqlite'));
    snapshots = new ViewSnapshots(join(dir, 'snapshots'), views.path, SNAPSHOT_EVERY, 20);
    const registry = new ProjectionRegistry(views);
    await registry.ensureTables();
    for (const projection of projections) await registry.install(projection);
    const live = projections.map((projection) => ({ projection, generation: 1 }));
    await folded(views, events, live, 'live', new SnapshotSchedule(snapshots, events, projections, WAIT_FOR_EACH));
  }, 120_000);

  afterAll(async () => {
    await views.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a snapshot each time the projector passes a multiple of the interval', () => {
    expect(snapshots.manifests().length).toBe(Math.floor(EVENTS / SNAPSHOT_EVERY));
  });

  it.each([0.2, 0.37, 0.5, 0.74, 0.96])('answers at %p of the recording as a replay of everything does', async (share) => {
    const knownAt = recorded[Math.floor(share * recorded.length)];
    const read = (withSnapshots: ViewSnapshots | null) =>
      readViewsKnownAt({
        live: views,
        store: events,
        projections,
        knownAt,
        now: T0 + 86_400_000,
        read: everyRow,
        snapshots: withSnapshots,
      });
    const fromSnapshot = await read(snapshots);
    const replayed = await read(null);
    expect(fromSnapshot.source).toBe('snapshot');
    expect(replayed.source).toBe('replay');
    expect(fromSnapshot.answer).toEqual(replayed.answer);
  });

  it('replays from the first event when every snapshot holds an event recorded after knownAt', async () => {
    const knownAt = recorded[3];
    const answer = await readViewsKnownAt({ live: views, store: events, projections, knownAt, now: T0, read: everyRow, snapshots });
    expect(answer.source).toBe('replay');
  });

  it("answers as a replay does from a rebuild's snapshots, which hold only the generation being built", async () => {
    const [lifecycle] = projections;
    const registry = new ProjectionRegistry(views);
    const request = await registry.requestRebuild(lifecycle);
    const generation = 'generation' in request ? request.generation : request.alreadyBuilding;
    const rebuilt = new ViewSnapshots(join(dir, 'rebuild-snapshots'), views.path, SNAPSHOT_EVERY, 20);
    await folded(
      views,
      events,
      [{ projection: lifecycle, generation }],
      'rebuild',
      new SnapshotSchedule(rebuilt, events, projections, WAIT_FOR_EACH),
    );
    expect(rebuilt.manifests().map((m) => m.generations.map((g) => [g.name, g.generation]))).toEqual(
      rebuilt.manifests().map(() => [['lifecycle', generation]]),
    );
    const knownAt = recorded[Math.floor(0.6 * recorded.length)];
    const read = (withSnapshots: ViewSnapshots | null, readIndexes?: boolean) =>
      readViewsKnownAt({
        live: views,
        store: events,
        projections: [lifecycle],
        knownAt,
        now: T0,
        read: async (scratch) => ({ rows: await everyRow(scratch), indexes: await readIndexesOf(scratch, generation) }),
        snapshots: withSnapshots,
        readIndexes,
      });
    const replayed = await read(null);
    const fromSnapshot = await read(rebuilt);
    expect(fromSnapshot.source).toBe('snapshot');
    expect(fromSnapshot.answer.rows).toEqual(replayed.answer.rows);
    expect(fromSnapshot.answer.indexes).toEqual(['customer_stages_by_since', 'customer_stages_by_stage', 'customer_stages_by_until']);
    // A read that scans its tables once (the lifecycle report) is not made to wait for them: the same rows.
    const scanning = await read(rebuilt, false);
    expect(scanning.source).toBe('snapshot');
    expect(scanning.answer.rows).toEqual(replayed.answer.rows);
    expect(scanning.answer.indexes).toEqual([]);
  });

  it('says in each manifest by when its events were all recorded, also for a projector that began mid-log', async () => {
    const stored = await events.readAll({ after: 0, maxCount: EVENTS });
    const recordedBy = (position: number) =>
      stored.filter((event) => event.position <= position).reduce((latest, event) => Math.max(latest, event.recordedAt), 0);
    const manifestsAgree = (of: ViewSnapshots) => {
      const generations = of.manifests().flatMap((manifest) => manifest.generations);
      expect(generations.length).toBeGreaterThan(0);
      for (const generation of generations)
        expect({ checkpoint: generation.checkpoint, recordedBy: generation.recordedBy }).toEqual({
          checkpoint: generation.checkpoint,
          recordedBy: recordedBy(generation.checkpoint),
        });
    };
    manifestsAgree(snapshots);

    // A projector restarted at position 280, with no snapshot or known point of before, in batches of half an append:
    // its first snapshot (at 300) holds only events of its own recorded before the ones ahead of them in the log, and the
    // one at 600 ends with such events after later-recorded ones of its own.
    const restartedViews = new SqliteViewStore(join(dir, 'restarted.sqlite'));
    try {
      const registry = new ProjectionRegistry(restartedViews);
      await registry.ensureTables();
      for (const projection of projections) await registry.install(projection);
      const live = projections.map((projection) => ({ projection, generation: 1 }));
      await folded(restartedViews, logUpTo(events, 280), live, 'live', undefined);
      const restarted = new ViewSnapshots(join(dir, 'restarted-snapshots'), restartedViews.path, SNAPSHOT_EVERY, 20);
      await folded(restartedViews, events, live, 'live', new SnapshotSchedule(restarted, events, projections, WAIT_FOR_EACH), BATCH / 2);
      const checkpoints = restarted.manifests().flatMap((manifest) => manifest.generations.map((g) => g.checkpoint));
      expect(checkpoints).toEqual(expect.arrayContaining([300, 600]));
      manifestsAgree(restarted);
    } finally {
      await restartedViews.close();
    }
  });

  it('deletes every snapshot on an erasure (SPEC §4.3)', () => {
    const scratch = new ViewSnapshots(join(dir, 'snapshots'), views.path, SNAPSHOT_EVERY, 20);
    scratch.forgetAll();
    expect(scratch.manifests()).toEqual([]);
  });
});

/** Generations folded by a projector's runner in small batches, as a running server does, until they stand at the head (or `until`). */
async function folded(
  views: ViewStore,
  events: SqliteEventStore,
  targets: RunnerTarget[],
  role: 'live' | 'rebuild',
  schedule: SnapshotSchedule | undefined,
  batchSize = 40,
): Promise<void> {
  const registry = new ProjectionRegistry(views);
  const progress = { done: false };
  const listener = { promoted: () => undefined, retired: () => (progress.done = true) };
  const runner = new ProjectionRunner(targets, views, registry, events, listener, { role, batchSize, snapshots: schedule });
  await runner.start();
  const head = await events.headPosition();
  const standing = async () => Math.min(...(await Promise.all(targets.map((t) => registry.checkpoint(t.projection.name, t.generation)))));
  while (!progress.done && (role === 'rebuild' || (await standing()) < head)) await new Promise((resolve) => setTimeout(resolve, 20));
  await runner.stop();
}

/** The read indexes of the generation's stage intervals (see lifecycle.schema.ts) that the store holds. */
async function readIndexesOf(views: ViewStore, generation: number): Promise<string[]> {
  const indexes = await sql<{
    name: string;
  }>`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ${`customer_stages__g${generation}`} AND name LIKE 'customer_stages_by_%' ORDER BY name`.execute(
    views.reader,
  );
  return indexes.rows.map((row) => row.name.replace(/__g\d+$/, ''));
}

/** Every row of every table the projections keep, in one order. */
async function everyRow(views: ViewStore): Promise<Record<string, unknown[]>> {
  const names = await views.reader.selectFrom('sqlite_master').select('name').where('type', '=', 'view').orderBy('name').execute();
  const rows: Record<string, unknown[]> = {};
  for (const { name } of names as Array<{ name: string }>) {
    const table = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(name)}`.execute(views.reader);
    rows[name] = table.rows.map((row) => JSON.stringify(row)).sort();
  }
  return rows;
}

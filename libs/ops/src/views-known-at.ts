import type { EventStore } from '@cx/event-store';
import { Projection, ProjectionRegistry, SnapshotStart, stampOf, ViewSnapshots, ViewStore } from '@cx/projection';
import { foldInto, projectInto } from './scratch-projection';
import { withScratchCopy, withScratchViews } from './scratch-view-store';

export interface KnownAtRead<T> {
  /** The live views, read by the caller only if they are what the system knew at `knownAt`. */
  live: ViewStore;
  store: EventStore;
  /** The projections whose tables the read needs (a report's sources). */
  projections: readonly Projection[];
  knownAt: number;
  /** The reader's clock: a `knownAt` from now on covers every event already stored. */
  now: number;
  read: (views: ViewStore) => Promise<T>;
  onProgress?: (position: number, head: number) => void;
  /** Copies of the views at checkpoints (embedded view store), to fold only the events after one. */
  snapshots?: ViewSnapshots | null;
  /**
   * Whether a snapshot's generations that lack their read indexes (a rebuild's) get them
   * before `read` (the default). A read that scans its tables once answers sooner without:
   * building an index sorts the whole table first.
   */
  readIndexes?: boolean;
}

/**
 * Where an answer came from: the live views as they stood, a snapshot of them with the
 * events known by then after it folded in, or a scratch fold of all the events known by then.
 */
export type KnownAtSource = 'live' | 'snapshot' | 'replay';

/**
 * Reads views as the system knew them at `knownAt` (SPEC §2). When every stored event was
 * recorded by then and the live views of the needed projections stand at the head, built by
 * the code's version and settings, the live views are that state (a fold of the same events),
 * so they are read as they are; the head is looked at again afterwards, and a read that an
 * append overtook is done over. Otherwise the needed projections are folded into a scratch
 * store from the events recorded by `knownAt`: on top of a copy of the newest snapshot whose
 * events were all recorded by then (the same fold, with its first events already done), or
 * from the first event when there is none.
 */
export async function readViewsKnownAt<T>(request: KnownAtRead<T>): Promise<{ answer: T; source: KnownAtSource }> {
  const head = await request.store.headPosition();
  if (await liveStandsFor(request, head)) {
    const answer = await request.read(request.live);
    if ((await request.store.headPosition()) === head) return { answer, source: 'live' };
  }
  const start = request.snapshots?.startFor(request.projections, request.knownAt);
  const fromSnapshot = start && (await readFromSnapshot(request, start));
  if (fromSnapshot) return { answer: fromSnapshot.answer, source: 'snapshot' };
  const answer = await withScratchViews(async (views) => {
    await projectInto(views, request.store, request.projections, { knownAt: request.knownAt, onProgress: request.onProgress });
    return request.read(views);
  });
  return { answer, source: 'replay' };
}

/**
 * A tail after a snapshot is at most about `CX_VIEW_SNAPSHOT_EVERY` events: folded in one or
 * two transactions, each customer it touches is restaged once. At 1,000,000 events, the
 * lifecycle report over a 60,000-event tail took 3.8–4.1 s instead of 4.4–4.6 s with the
 * replay's 25,000 (peak about 505 MiB instead of 470). A whole replay keeps the smaller
 * batches: `cx verify` with these peaked at 1.02 GiB instead of 713 MiB.
 */
const TAIL_BATCH = 100_000;

/** The snapshot's generations of the needed projections go live in the copy, then take the events known by `knownAt` after their checkpoints. */
async function readFromSnapshot<T>(request: KnownAtRead<T>, start: SnapshotStart): Promise<{ answer: T } | undefined> {
  return withScratchCopy(start.path, async (views) => {
    const registry = new ProjectionRegistry(views);
    const targets = request.projections.map((projection) => {
      const { generation, checkpoint } = start.generations.get(projection.name) ?? { generation: 1, checkpoint: 0 };
      return { projection, generation, after: checkpoint };
    });
    for (const { projection, generation } of targets) await makeLive(views, registry, projection, generation);
    await foldInto(views, request.store, targets, { knownAt: request.knownAt, onProgress: request.onProgress, batchSize: TAIL_BATCH });
    // After the fold, which then does not maintain them row by row.
    if (request.readIndexes !== false)
      for (const { projection, generation } of targets) await registry.createReadIndexes(projection, generation);
    return request.read(views);
  });
}

/** A generation the snapshot caught while it was being rebuilt is read through the tables' views once promoted. */
async function makeLive(views: ViewStore, registry: ProjectionRegistry, projection: Projection, generation: number): Promise<void> {
  const record = (await registry.records()).find((r) => r.name === projection.name);
  if (record?.activeGeneration === generation) return;
  await views.transaction(async (tx) => {
    await tx.updateTable('projections').set({ building_generation: generation }).where('name', '=', projection.name).execute();
    await registry.promote(tx, projection, generation);
  });
}

async function liveStandsFor(request: KnownAtRead<unknown>, head: number): Promise<boolean> {
  if (!(await everythingKnownBy(request, head))) return false;
  const registry = new ProjectionRegistry(request.live);
  const records = await registry.records().catch(() => []);
  for (const projection of request.projections) {
    const record = records.find((r) => r.name === projection.name);
    if (!record) return false;
    if ((await registry.checkpoint(projection.name, record.activeGeneration)) !== head) return false;
    if ((await registry.stamp(projection.name, record.activeGeneration)) !== stampOf(projection)) return false;
  }
  return true;
}

/**
 * Appends read the clock before they commit, so concurrent ones (several processes, or
 * PostgreSQL) may take positions a little out of `recordedAt` order, by less than this: an
 * event recorded this much before `knownAt` at the head means every earlier one was too.
 */
const RECORDING_SLACK_MS = 60_000;

/** Whether every stored event was recorded by `knownAt`: it is now or later, or well after the head event. */
async function everythingKnownBy({ store, knownAt, now }: KnownAtRead<unknown>, head: number): Promise<boolean> {
  if (head === 0) return true;
  const last = (await store.readAll({ after: head - 1, maxCount: 1 })).at(0);
  if (last?.position !== head || last.recordedAt > knownAt) return false;
  return knownAt >= now || knownAt - last.recordedAt >= RECORDING_SLACK_MS;
}

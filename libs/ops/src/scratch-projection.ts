import type { EventStore, StoredEvent } from '@cx/event-store';
import type { AnyLedgerEvent } from '@cx/events';
import { contextFor, eventsFor, forGeneration, Projection, ProjectionRegistry, ViewStore } from '@cx/projection';
import { withScratchViews } from './scratch-view-store';

export interface ScratchBuild {
  /** Only events at or before this position. */
  upTo?: number;
  /** Only events the store had recorded by this time (SPEC §2 `knownAt`). */
  knownAt?: number;
  onProgress?: (position: number, head: number) => void;
  batchSize?: number;
}

/** A generation of a projection in a scratch store, and the last event already folded into it. */
export interface ScratchTarget {
  projection: Projection;
  generation: number;
  after: number;
  /** The last event to fold into it (default: the build's). */
  upTo?: number;
}

const SETTLE_BATCH = 2000;
/**
 * Events per transaction: nothing reads a scratch store while it is folded, so batches may
 * be larger than the live projector's. A customer touched by several events of a batch
 * has its rows rewritten once, and a commit writes each changed page once (known-at at
 * 1,000,000 events, a 50,000-event tail: 5,000 → 25,000 took its fold from ~15 to ~11 s).
 */
const FOLD_BATCH = 25_000;

/**
 * Folds events into a separate view store, from the first event, through the projections'
 * own `apply` (one read of the log for all of them), then settles what they left for later:
 * what verification compares with the live views.
 */
export async function projectInto(
  views: ViewStore,
  store: EventStore,
  projections: readonly Projection[],
  build: ScratchBuild = {},
): Promise<void> {
  await projectEachInto(
    views,
    store,
    projections.map((projection) => ({ projection })),
    build,
  );
}

/** `projectInto`, each projection up to its own last event (`upTo`, default the build's): still one read of the log. */
export async function projectEachInto(
  views: ViewStore,
  store: EventStore,
  projections: ReadonlyArray<{ projection: Projection; upTo?: number }>,
  build: ScratchBuild = {},
): Promise<void> {
  await installEmpty(
    views,
    projections.map(({ projection }) => projection),
  );
  await foldInto(
    views,
    store,
    projections.map(({ projection, upTo }) => ({ projection, generation: 1, after: 0, upTo })),
    build,
  );
}

/**
 * `work` on a scratch store that holds the projections' tables and no rows: a report's own
 * checks of its parameters run there in milliseconds, before a fold that takes seconds or
 * minutes (a `cx report drivers --known-at` without `--from` used to fail after its fold).
 */
export async function withEmptyViews<T>(projections: readonly Projection[], work: (views: ViewStore) => Promise<T>): Promise<T> {
  return withScratchViews(async (views) => {
    await installEmpty(views, projections);
    return work(views);
  });
}

/** The registry and each projection's first generation, live and empty, in a scratch store. */
async function installEmpty(views: ViewStore, projections: readonly Projection[]): Promise<void> {
  const registry = new ProjectionRegistry(views);
  await registry.ensureTables();
  for (const projection of projections) await registry.install(projection);
}

/**
 * Folds into each target the events after its `after` (one read of the log from the
 * earliest), then settles: from the first event, or on top of a snapshot of the views.
 * With `knownAt`, the store itself leaves out the events recorded after it, so the
 * events appended since (often most of the log) are neither fetched nor opened.
 */
export async function foldInto(views: ViewStore, store: EventStore, targets: readonly ScratchTarget[], build: ScratchBuild): Promise<void> {
  const buildHead = build.upTo ?? (await store.headPosition());
  const head = Math.max(...targets.map((t) => Math.min(t.upTo ?? buildHead, buildHead)));
  for (let after = Math.min(head, ...targets.map((t) => t.after)); after < head;) {
    const read = await store.readAll({ after, maxCount: build.batchSize ?? FOLD_BATCH, recordedBy: build.knownAt });
    if (read.length === 0) break;
    const batch = read.filter((event) => event.position <= head);
    if (batch.length > 0) await applyToAll(views, targets, batch);
    after = read[read.length - 1].position;
    build.onProgress?.(Math.min(after, head), head);
  }
  for (const target of targets) await settle(views, target);
}

async function applyToAll(views: ViewStore, targets: readonly ScratchTarget[], batch: StoredEvent[]): Promise<void> {
  await views.transaction(async (tx) => {
    for (const { projection, generation, after, upTo = Infinity } of targets) {
      const events = eventsFor(
        projection,
        (batch as AnyLedgerEvent[]).filter((event) => event.position > after && event.position <= upTo),
      );
      if (events.length > 0)
        await projection.apply(forGeneration(tx, projection, generation), events, contextFor(views.dialect, generation, true));
    }
  });
}

async function settle(views: ViewStore, { projection, generation }: ScratchTarget): Promise<void> {
  if (!projection.settle) return;
  const settleBatch = projection.settle.bind(projection);
  const context = contextFor(views.dialect, generation);
  while ((await views.transaction((tx) => settleBatch(forGeneration(tx, projection, generation), context, SETTLE_BATCH))) > 0);
}

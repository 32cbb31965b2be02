import type { EventStore, StoredEvent } from '@cx/event-store';
import type { AnyLedgerEvent } from '@cx/events';
import { contextFor, eventsFor, forGeneration, Projection, ProjectionRegistry, ViewStore } from '@cx/projection';

export interface ScratchBuild {
  /** Only events at or before this position. */
  upTo?: number;
  /** Only events the store had recorded by this time (SPEC §2 `knownAt`). */
  knownAt?: number;
  onProgress?: (position: number, head: number) => void;
  batchSize?: number;
}

const SETTLE_BATCH = 2000;

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
  const registry = new ProjectionRegistry(views);
  await registry.ensureTables();
  for (const projection of projections) await registry.install(projection);
  const head = build.upTo ?? (await store.headPosition());
  for (let after = 0; after < head;) {
    const read = await store.readAll({ after, maxCount: build.batchSize ?? 5000 });
    if (read.length === 0) break;
    const batch = read.filter((event) => event.position <= head && (build.knownAt === undefined || event.recordedAt <= build.knownAt));
    if (batch.length > 0) await applyToAll(views, projections, batch);
    after = read[read.length - 1].position;
    build.onProgress?.(Math.min(after, head), head);
  }
  for (const projection of projections) await settle(views, projection);
}

async function applyToAll(views: ViewStore, projections: readonly Projection[], batch: StoredEvent[]): Promise<void> {
  await views.transaction(async (tx) => {
    for (const projection of projections) {
      const events = eventsFor(projection, batch as AnyLedgerEvent[]);
      if (events.length > 0) await projection.apply(forGeneration(tx, projection, 1), events, contextFor(views.dialect, 1, true));
    }
  });
}

async function settle(views: ViewStore, projection: Projection): Promise<void> {
  if (!projection.settle) return;
  const settleBatch = projection.settle.bind(projection);
  const context = contextFor(views.dialect, 1);
  while ((await views.transaction((tx) => settleBatch(forGeneration(tx, projection, 1), context, SETTLE_BATCH))) > 0);
}

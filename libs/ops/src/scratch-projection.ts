import type { EventStore, StoredEvent } from '@cx/event-store';
import { contextFor, forGeneration, Projection, ProjectionRegistry, ViewStore } from '@cx/view-store';

export interface ScratchBuild {
  /** Only events at or before this position. */
  upTo?: number;
  /** Only events the store had recorded by this time (SPEC §2 `knownAt`). */
  knownAt?: number;
  onProgress?: (position: number, head: number) => void;
  batchSize?: number;
}

/**
 * Folds events into a separate view store, from the first event, through the projections'
 * own `apply`: what verification compares with the live views, and what a report "as
 * known at T" is answered from.
 */
export async function projectInto(views: ViewStore, store: EventStore, projections: readonly Projection[], build: ScratchBuild = {}): Promise<void> {
  const registry = new ProjectionRegistry(views);
  await registry.ensureTables();
  for (const projection of projections) await registry.install(projection);
  const head = build.upTo ?? (await store.headPosition());
  for (let after = 0; after < head;) {
    const read = await store.readAll({ after, maxCount: build.batchSize ?? 2000 });
    if (read.length === 0) break;
    const batch = read.filter((event) => event.position <= head && (build.knownAt === undefined || event.recordedAt <= build.knownAt));
    if (batch.length > 0) await applyToAll(views, projections, batch);
    after = read[read.length - 1].position;
    build.onProgress?.(Math.min(after, head), head);
  }
}

async function applyToAll(views: ViewStore, projections: readonly Projection[], batch: StoredEvent[]): Promise<void> {
  await views.transaction(async (tx) => {
    for (const projection of projections) await projection.apply(forGeneration(tx, projection, 1), batch, contextFor(views.dialect, 1));
  });
}

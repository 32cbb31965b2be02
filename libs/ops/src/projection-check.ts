import type { EventStore } from '@cx/event-store';
import type { Projection, ProjectionRegistry, ViewStore } from '@cx/projection';
import { projectEachInto } from './scratch-projection';
import { withScratchViews } from './scratch-view-store';
import { compareProjection, type ViewDifference } from './view-comparison';

/** What `cx verify` found for one projection. */
export type ProjectionCheck =
  | { installed: false }
  | {
      installed: true;
      checkpoint: number;
      differences: ViewDifference[];
      /** The live generation moved while it was compared. */ moved: boolean;
    };

const ATTEMPTS = 3;

interface Compared {
  projection: Projection;
  generation: number;
  checkpoint: number;
}

/**
 * Compares each projection's live rows with a rebuild up to its live checkpoint, row by row.
 * The rebuilds share one read of the log, as `cx rebuild` does (at 1,000,000 events, one
 * replay per projection read and parsed the whole log five times). A live projection that
 * moves meanwhile cannot be compared at rest: it is compared again, up to three times, and
 * the last answer says whether it moved. Answers come in the order of `projections`.
 */
export async function checkProjections(
  sources: { events: EventStore; views: ViewStore; registry: ProjectionRegistry },
  projections: readonly Projection[],
  onProgress: (done: number, head: number) => void = () => undefined,
): Promise<Map<string, ProjectionCheck>> {
  const { events, views, registry } = sources;
  const checks = new Map<string, ProjectionCheck>(projections.map((p) => [p.name, { installed: false }]));
  const records = await registry.records();
  let pending = projections.flatMap((projection) => {
    const record = records.find((r) => r.name === projection.name);
    return record ? [{ projection, generation: record.activeGeneration }] : [];
  });
  for (let attempt = 1; pending.length > 0; attempt++) {
    const round: Compared[] = [];
    for (const { projection, generation } of pending)
      round.push({ projection, generation, checkpoint: await registry.checkpoint(projection.name, generation) });
    const found = await withScratchViews(async (scratch) => {
      await projectEachInto(
        scratch,
        events,
        round.map(({ projection, checkpoint }) => ({ projection, upTo: checkpoint })),
        { onProgress },
      );
      const differences = new Map<string, ViewDifference[]>();
      for (const { projection } of round) differences.set(projection.name, await compareProjection(views, scratch, projection));
      return differences;
    });
    pending = [];
    for (const { projection, generation, checkpoint } of round) {
      const moved = (await registry.checkpoint(projection.name, generation)) !== checkpoint;
      if (moved && attempt < ATTEMPTS) pending.push({ projection, generation });
      else checks.set(projection.name, { installed: true, checkpoint, differences: found.get(projection.name) ?? [], moved });
    }
  }
  return checks;
}

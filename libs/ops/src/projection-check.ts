import type { EventStore } from '@cx/event-store';
import type { Projection, ProjectionRegistry, ViewStore } from '@cx/projection';
import { projectInto } from './scratch-projection';
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

/**
 * Compares a projection's live rows with a rebuild up to the live checkpoint, row by row.
 * A live projection that moves meanwhile cannot be compared at rest: it is compared again,
 * up to three times, and the last answer says whether it moved.
 */
export async function checkProjection(
  sources: { events: EventStore; views: ViewStore; registry: ProjectionRegistry },
  projection: Projection,
  onProgress: (done: number, head: number) => void = () => undefined,
): Promise<ProjectionCheck> {
  const { events, views, registry } = sources;
  const record = (await registry.records()).find((r) => r.name === projection.name);
  if (!record) return { installed: false };
  for (let attempt = 1; ; attempt++) {
    const checkpoint = await registry.checkpoint(projection.name, record.activeGeneration);
    const differences = await withScratchViews(async (scratch) => {
      await projectInto(scratch, events, [projection], { upTo: checkpoint, onProgress });
      return compareProjection(views, scratch, projection);
    });
    const moved = (await registry.checkpoint(projection.name, record.activeGeneration)) !== checkpoint;
    if (!moved || attempt >= ATTEMPTS) return { installed: true, checkpoint, differences, moved };
  }
}

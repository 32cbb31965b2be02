import { Inject, Injectable } from '@nestjs/common';
import { ApiError } from '@cx/http';
import { ProjectionRegistry } from './projection-registry';

const WAIT_MS = 10_000;
const POLL_MS = 25;

/**
 * SPEC §3 read-your-writes: a read with `after=POSITION` waits until every projection it
 * reads has processed that position, or answers 503 `not_caught_up` after 10 seconds.
 * Reads the checkpoints from the view store, so it works in a query process of its own.
 */
@Injectable()
export class ReadYourWrites {
  constructor(@Inject(ProjectionRegistry) private readonly registry: ProjectionRegistry) {}

  async await(after: string | undefined, projections: readonly string[]): Promise<void> {
    if (after === undefined || after === '') return;
    const position = Number(after);
    if (!Number.isSafeInteger(position) || position < 0)
      throw new ApiError(400, 'invalid_parameter', 'after must be a position that POST /v1/events answered');
    const deadline = Date.now() + WAIT_MS;
    while (!(await this.processed(position, projections))) {
      if (Date.now() > deadline)
        throw new ApiError(503, 'not_caught_up', `the views have not processed position ${position} within 10 seconds`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private async processed(position: number, projections: readonly string[]): Promise<boolean> {
    const records = await this.registry.records();
    for (const name of projections) {
      const record = records.find((r) => r.name === name);
      if (!record || (await this.registry.checkpoint(name, record.activeGeneration)) < position) return false;
    }
    return true;
  }
}

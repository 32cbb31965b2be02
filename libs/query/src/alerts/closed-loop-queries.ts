import { Inject, Injectable } from '@nestjs/common';
import { VIEW_STORE, ViewStore } from '@cx/projection';
import { closedLoopBlockOf, type ClosedLoopReport } from '@cx/views';
import { inSnapshot } from '../report-snapshot';
import { closedLoopTallies, type ClosedLoopQuery } from './closed-loop-sql';

export type { ClosedLoopQuery } from './closed-loop-sql';

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The closed-loop report (SPEC §2.4), summed in the database (`closedLoopTallies`) in one
 * snapshot of the views, so a batch the projector commits meanwhile is in every statement or
 * in none; rounded by the pure `closedLoopBlockOf`, as the pure `closedLoopReport` is, so the
 * API and the domain rules cannot drift apart (the oracle tests compare the two).
 */
@Injectable()
export class ClosedLoopQueries {
  constructor(@Inject(VIEW_STORE) private readonly views: ViewStore) {}

  async report(query: ClosedLoopQuery): Promise<ClosedLoopReport> {
    const { totals, groups } = await inSnapshot(this.views, (read) => closedLoopTallies(read, query));
    return {
      from: query.from,
      to: query.to,
      groupBy: query.groupBy,
      totals: closedLoopBlockOf(totals),
      groups: Object.fromEntries([...groups].sort(([a], [b]) => byCodeUnits(a, b)).map(([key, tally]) => [key, closedLoopBlockOf(tally)])),
    };
  }
}

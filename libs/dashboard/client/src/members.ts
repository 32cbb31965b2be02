import type { Api } from './api.js';
import type { SegmentMembers } from './context.js';
import { iso, type Period } from './period.js';
import { STAGES, type CustomerList, type Stage } from './types.js';

/** 50 pages of 1,000: beyond, the counts say "at least". */
export const MAX_MEMBER_PAGES = 50;

/** Every customer of the segment with its stage at the window's end, page by page. */
export async function segmentMembers(api: Api, segment: string, period: Period): Promise<SegmentMembers> {
  const ids = new Set<string>();
  const stages = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
  let cursor: string | null = null;
  for (let page = 0; page < MAX_MEMBER_PAGES; page++) {
    const list: CustomerList = await api.get<CustomerList>('/v1/customers', { segment, asOf: iso(period.to), limit: 1000, cursor });
    for (const c of list.customers) {
      ids.add(c.customerId);
      stages[c.stage] += 1;
    }
    cursor = list.nextCursor;
    if (!cursor) return { ids, stages, complete: true };
  }
  return { ids, stages, complete: false };
}

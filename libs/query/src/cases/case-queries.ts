import { Inject, Injectable } from '@nestjs/common';
import { inChunks, VIEW_STORE, ViewStore } from '@cx/projection';
import type { CaseState } from '@cx/views';

/** The projections the case routes read: the cases, and the lifecycle's aliases of merged customers. */
export const CASE_READS = ['cases', 'lifecycle'] as const;

/** Reads of the cases projection's rows, and the customer ids they answer with. */
@Injectable()
export class CaseQueries {
  constructor(@Inject(VIEW_STORE) private readonly views: ViewStore) {}

  /** The case's folded state, or undefined for a case no event has named. */
  async caseState(caseId: string): Promise<CaseState | undefined> {
    const row = await this.views.reader.selectFrom('cases').select('state').where('case_id', '=', caseId).executeTakeFirst();
    return row ? (JSON.parse(row.state as string) as CaseState) : undefined;
  }

  /**
   * Each id as the customer it stands for now: an anonymous customer merged into a named
   * one answers as the named one (SPEC §1.2 step 4), through the lifecycle's aliases.
   */
  async canonicalCustomers(ids: Iterable<string>): Promise<(id: string) => string> {
    const canonical = new Map<string, string>();
    for (const chunk of inChunks([...new Set(ids)])) {
      const rows = await this.views.reader
        .selectFrom('customer_aliases')
        .select(['alias_id', 'customer_id'])
        .where('alias_id', 'in', chunk)
        .execute();
      for (const row of rows) canonical.set(row.alias_id as string, row.customer_id as string);
    }
    return (id) => canonical.get(id) ?? id;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { toNumber, VIEW_STORE, ViewStore } from '@cx/projection';
import { LIFECYCLE_STAGES, LifecycleStage } from '@cx/views';

export interface CustomerListFilter {
  asOf: number;
  stage?: string;
  segment?: string;
  limit: number;
  after?: string;
}

/** SQL over the lifecycle tables: stage intervals make "stage at T" one indexed range query. */
@Injectable()
export class LifecycleQueries {
  constructor(@Inject(VIEW_STORE) private readonly views: ViewStore) {}

  /** SPEC §3 `GET /v1/reports/lifecycle`: customers per stage at `asOf`, every stage listed. */
  async customersPerStage(asOf: number): Promise<Record<LifecycleStage, number>> {
    const rows = await this.views.reader
      .selectFrom('customer_stages')
      .select(['stage', (eb) => eb.fn.countAll().as('customers')])
      .where('since', '<=', asOf)
      .where((eb) => eb.or([eb('until', 'is', null), eb('until', '>', asOf)]))
      .groupBy('stage')
      .execute();
    const counts = Object.fromEntries(LIFECYCLE_STAGES.map((stage) => [stage, 0])) as Record<LifecycleStage, number>;
    for (const row of rows) counts[row.stage as LifecycleStage] = Number(row.customers);
    return counts;
  }

  /** SPEC §3 `GET /v1/customers`: customers with their stage at `asOf`, by id, paged. */
  async list(filter: CustomerListFilter) {
    let query = this.views.reader
      .selectFrom('customers as c')
      .innerJoin('customer_stages as s', 's.customer_id', 'c.customer_id')
      .select(['c.customer_id', 's.stage', 'c.segment', 'c.first_seen', 'c.last_seen', 'c.purchases'])
      .where('s.since', '<=', filter.asOf)
      .where((eb) => eb.or([eb('s.until', 'is', null), eb('s.until', '>', filter.asOf)]))
      .orderBy('c.customer_id')
      .limit(filter.limit + 1);
    if (filter.stage) query = query.where('s.stage', '=', filter.stage);
    if (filter.segment) query = query.where('c.segment', '=', filter.segment);
    if (filter.after) query = query.where('c.customer_id', '>', filter.after);
    const rows = await query.execute();
    const page = rows.slice(0, filter.limit);
    return {
      customers: page.map((r) => ({
        customerId: r.customer_id as string,
        stage: r.stage as string,
        segment: r.segment as string | null,
        firstSeen: toNumber(r.first_seen),
        lastSeen: toNumber(r.last_seen),
        purchases: Number(r.purchases),
      })),
      next: rows.length > filter.limit ? (page[page.length - 1].customer_id as string) : undefined,
    };
  }
}

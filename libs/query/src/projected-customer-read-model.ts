import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { EVENT_STORE, EventStore } from '@cx/event-store';
import { LifecycleTables, VIEW_STORE, ViewStore } from '@cx/projection';
import { customerViewOf, type CustomerView } from '@cx/views';
import type { CustomerReadModel, TimelinePage } from './customer-read-model';
import { customerActivityAt, stageHistoryAt } from './customers/customer-activity';
import { timelinePage } from './customers/customer-timeline';
import type { TimelineCursor } from './query-params';

/**
 * The customer routes over the lifecycle rows: the view from indexed queries over the
 * customer's facts and stage intervals, the timeline from the fact rows' index and the event
 * store. A merged-away id answers as the customer it was merged into.
 */
@Injectable()
export class ProjectedCustomerReadModel implements CustomerReadModel {
  constructor(@Inject(VIEW_STORE) private readonly views: ViewStore, @Inject(EVENT_STORE) private readonly events: EventStore) {}

  /** Read in one snapshot, so a batch the projector commits meanwhile is wholly in or out. */
  async customerView(customerId: string, asOf: number): Promise<CustomerView | undefined> {
    return this.snapshot(async (db) => {
      const id = await canonicalId(db, customerId);
      const known = await db.selectFrom('customers').select('customer_id').where('customer_id', '=', id).executeTakeFirst();
      if (!known) return undefined;
      const [history, activity] = [await stageHistoryAt(db, id, asOf), await customerActivityAt(db, id, asOf)];
      return customerViewOf(id, asOf, history, activity);
    });
  }

  async timeline(customerId: string, limit: number, after?: TimelineCursor): Promise<TimelinePage | undefined> {
    const db = this.views.reader as Kysely<LifecycleTables>;
    const id = await canonicalId(db, customerId);
    const page = await timelinePage(db, this.events, id, limit, after);
    if (page.events.length > 0) return page;
    const known = await db.selectFrom('customer_facts').select('position').where('customer_id', '=', id).limit(1).executeTakeFirst();
    return known ? page : undefined;
  }

  private snapshot<T>(work: (db: Kysely<LifecycleTables>) => Promise<T>): Promise<T> {
    const begin = (this.views.reader as Kysely<LifecycleTables>).transaction();
    const snapshot = this.views.dialect === 'postgres' ? begin.setIsolationLevel('repeatable read').setAccessMode('read only') : begin;
    return snapshot.execute(work);
  }
}

/** The customer an id answers as: itself, or the named customer it was merged into. */
async function canonicalId(db: Kysely<LifecycleTables>, customerId: string): Promise<string> {
  const alias = await db.selectFrom('customer_aliases').select('customer_id').where('alias_id', '=', customerId).executeTakeFirst();
  return alias?.customer_id ?? customerId;
}

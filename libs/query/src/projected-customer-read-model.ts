import { Inject, Injectable } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { EVENT_STORE, EventStore, type StoredEvent } from '@cx/event-store';
import { LifecycleTables, ProjectionRegistry, VIEW_STORE, ViewStore } from '@cx/projection';
import { customerViewOf, type CustomerView } from '@cx/views';
import type { CustomerReadModel, TimelinePage } from './customer-read-model';
import { customerActivityAt, stageHistoryAt } from './customers/customer-activity';
import { timelinePage } from './customers/customer-timeline';
import type { TimelineCursor } from './query-params';

/** How much of the log past the lifecycle's checkpoint a timeline looks at for events not folded yet (the projector's usual lag is far less). */
const UNPROJECTED_LIMIT = 1_000;

/**
 * The customer routes over the lifecycle rows: the view from indexed queries over the
 * customer's facts and stage intervals, the timeline from the fact rows' index and the event
 * store, with the events the projection has not folded yet taken from the store's tail. A
 * merged-away id answers as the customer it was merged into.
 */
@Injectable()
export class ProjectedCustomerReadModel implements CustomerReadModel {
  constructor(
    @Inject(VIEW_STORE) private readonly views: ViewStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    private readonly registry: ProjectionRegistry,
  ) {}

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
    const checkpoint = await this.lifecycleCheckpoint();
    const id = await canonicalId(db, customerId);
    const page = await timelinePage(db, this.events, id, limit, after, await this.unprojected(db, id, checkpoint));
    if (page.events.length > 0) return page;
    const known = await db.selectFrom('customer_facts').select('position').where('customer_id', '=', id).limit(1).executeTakeFirst();
    return known ? page : undefined;
  }

  /** How far the live lifecycle rows go. */
  private async lifecycleCheckpoint(): Promise<number> {
    const record = (await this.registry.records()).find((r) => r.name === 'lifecycle');
    return record ? this.registry.checkpoint('lifecycle', record.activeGeneration) : 0;
  }

  /** The customer's stored events after the checkpoint (at most UNPROJECTED_LIMIT of the log are looked at). */
  private async unprojected(db: Kysely<LifecycleTables>, customerId: string, checkpoint: number): Promise<StoredEvent[]> {
    const tail = await this.events.readAll({ after: checkpoint, maxCount: UNPROJECTED_LIMIT });
    if (tail.length === 0) return [];
    const merged = await db.selectFrom('customer_aliases').select('alias_id').where('customer_id', '=', customerId).execute();
    const streams = new Set([customerId, ...merged.map((m) => m.alias_id)]);
    return tail.filter((event) => streams.has(event.customerId));
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

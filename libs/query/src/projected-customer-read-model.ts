import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, EventStore, StoredEvent } from '@cx/event-store';
import { byTimeThenPosition } from '@cx/events';
import { customerStreams, VIEW_STORE, ViewStore } from '@cx/projection';
import type { CustomerState } from '@cx/views';
import type { CustomerReadModel, TimelinePage } from './customer-read-model';
import type { TimelineCursor } from './query-params';

/**
 * The customer routes over the lifecycle projection: the folded state from its row, the
 * timeline from the event streams of the customer and of every anonymous customer merged
 * into it. A merged-away id answers as the customer it was merged into.
 */
@Injectable()
export class ProjectedCustomerReadModel implements CustomerReadModel {
  constructor(@Inject(VIEW_STORE) private readonly views: ViewStore, @Inject(EVENT_STORE) private readonly events: EventStore) {}

  async customerState(customerId: string): Promise<CustomerState | undefined> {
    const { customerId: id } = await customerStreams(this.views.reader, customerId);
    const row = await this.views.reader.selectFrom('customers').select('state').where('customer_id', '=', id).executeTakeFirst();
    return row ? (JSON.parse(row.state as string) as CustomerState) : undefined;
  }

  async timeline(customerId: string, limit: number, after?: TimelineCursor): Promise<TimelinePage | undefined> {
    const { streams } = await customerStreams(this.views.reader, customerId);
    const events = (await Promise.all(streams.map((stream) => this.events.readStream(stream)))).flat().sort(byTimeThenPosition);
    if (events.length === 0) return undefined;
    const start = after ? events.findIndex((event) => isAfter(event, after)) : 0;
    const page = start < 0 ? [] : events.slice(start, start + limit);
    const last = page[page.length - 1];
    const more = start >= 0 && start + limit < events.length;
    return { events: page, next: more && last ? { time: last.time, position: last.position } : undefined };
  }
}

const isAfter = (event: StoredEvent, cursor: TimelineCursor): boolean =>
  event.time > cursor.time || (event.time === cursor.time && event.position > cursor.position);

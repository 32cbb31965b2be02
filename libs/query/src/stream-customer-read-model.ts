import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, EventStore, StoredEvent } from '@cx/event-store';
import { AnyLedgerEvent, byTimeThenPosition } from '@cx/events';
import { CustomerState, foldCustomer } from '@cx/views';
import type { CustomerReadModel, TimelinePage } from './customer-read-model';
import type { TimelineCursor } from './query-params';

/**
 * Reads a customer straight from its stream and folds it on read: exact, and cheap for
 * one customer's history. Lists and reports need the projections instead.
 */
@Injectable()
export class StreamCustomerReadModel implements CustomerReadModel {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async customerState(customerId: string): Promise<CustomerState | undefined> {
    const events = await this.store.readStream(customerId);
    return events.length === 0 ? undefined : foldCustomer(customerId, events as AnyLedgerEvent[]);
  }

  async timeline(customerId: string, limit: number, after?: TimelineCursor): Promise<TimelinePage | undefined> {
    const events = await this.store.readStream(customerId);
    if (events.length === 0) return undefined;
    const sorted = [...events].sort(byTimeThenPosition);
    const start = after ? sorted.findIndex((event) => isAfter(event, after)) : 0;
    const page = start < 0 ? [] : sorted.slice(start, start + limit);
    const last = page[page.length - 1];
    const more = start >= 0 && start + limit < sorted.length;
    return { events: page, next: more && last ? { time: last.time, position: last.position } : undefined };
  }
}

const isAfter = (event: StoredEvent, cursor: TimelineCursor): boolean =>
  event.time > cursor.time || (event.time === cursor.time && event.position > cursor.position);

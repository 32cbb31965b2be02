import type { StoredEvent } from '@cx/event-store';
import type { CustomerState } from '@cx/views';
import type { TimelineCursor } from './query-params';

export interface TimelinePage {
  events: StoredEvent[];
  /** Sort key of the last event, when more may follow. */
  next?: TimelineCursor;
}

/** Where the customer routes read from. */
export interface CustomerReadModel {
  /** The customer's folded lifecycle state, or undefined for a customer with no events. */
  customerState(customerId: string): Promise<CustomerState | undefined>;
  /** The customer's events in time order (ties by position), after a cursor. */
  timeline(customerId: string, limit: number, after?: TimelineCursor): Promise<TimelinePage | undefined>;
}

export const CUSTOMER_READ_MODEL = Symbol('CustomerReadModel');

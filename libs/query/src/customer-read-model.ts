import type { CustomerView } from '@cx/views';
import type { TimelineCursor } from './query-params';
import type { TimelinePage } from './customers/customer-timeline';

export type { TimelinePage } from './customers/customer-timeline';

/** Where the customer routes read from. */
export interface CustomerReadModel {
  /** The customer's lifecycle view as of `asOf`, or undefined for a customer with no events. */
  customerView(customerId: string, asOf: number): Promise<CustomerView | undefined>;
  /** The customer's events in time order (ties by position), after a cursor; undefined for a customer with no events. */
  timeline(customerId: string, limit: number, after?: TimelineCursor): Promise<TimelinePage | undefined>;
}

export const CUSTOMER_READ_MODEL = Symbol('CustomerReadModel');

import type { EventDataByType } from './event-data';
import type { EventType } from './event-types';

/**
 * An event as the store gives it back: the CloudEvent as sent, plus what the store added
 * on append. This is what every projection folds over.
 */
export interface LedgerEvent<T extends EventType = EventType> {
  /** Global position in the store: the order of `$all`, strictly increasing. */
  position: number;
  /** The stream it was appended to: `customer-<customerId>` in EventStoreDB terms. */
  streamId: string;
  /** 0-based index within its stream. */
  revision: number;
  /** The customer resolved at append time (SPEC §1.2). */
  customerId: string;
  id: string;
  source: string;
  type: T;
  /** Event time, epoch milliseconds (from the CloudEvent `time`). */
  time: number;
  /** When the store appended it, epoch milliseconds. */
  recordedAt: number;
  data: EventDataByType[T];
}

/** A union narrowed by `type`: `switch (event.type)` gives the right `data`. */
export type AnyLedgerEvent = { [T in EventType]: LedgerEvent<T> }[EventType];

/** Ordering of SPEC §2: by event time, ties by append order. */
export const byTimeThenPosition = (a: LedgerEvent, b: LedgerEvent): number => a.time - b.time || a.position - b.position;

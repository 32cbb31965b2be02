import type { AnyLedgerEvent, EventDataByType, EventType } from '@cx/events';

/** An event type's data without its `customer`, which `appendedEvents` adds. */
export type DataOf<T extends EventType> = Omit<EventDataByType[T], 'customer'>;

/** Hands out stored events with increasing positions, as the store would append them (a stream per customer). */
export function appendedEvents() {
  const events: AnyLedgerEvent[] = [];
  const add = <T extends EventType>(type: T, customerId: string, time: number, data: DataOf<T>): AnyLedgerEvent => {
    const position = events.length + 1;
    const event = {
      position,
      streamId: `customer-${customerId}`,
      revision: 0,
      customerId,
      id: `e${position}`,
      source: '/channels/test',
      type,
      time,
      recordedAt: time,
      data: { customer: { id: customerId }, ...data },
    } as unknown as AnyLedgerEvent;
    events.push(event);
    return event;
  };
  return { events, add };
}

/** The customer each id stands for after every merge of the ledger (merges chain), applied in position order as the projections apply them. */
export function canonicalIdsOf(ledger: readonly AnyLedgerEvent[]): (id: string) => string {
  const into = new Map<string, string>();
  const of = (id: string): string => {
    const next = into.get(id);
    return next === undefined ? id : of(next);
  };
  for (const event of ledger) {
    if (event.type !== 'cx.customer.merged.v1' || event.data.into.id === undefined) continue;
    const [from, to] = [of(event.customerId), of(event.data.into.id)];
    if (from !== to) into.set(from, to);
  }
  return of;
}

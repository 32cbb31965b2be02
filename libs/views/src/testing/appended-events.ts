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

import { contentHashOf, ProposedEvent, StreamWrite } from '@cx/event-store';

export type BenchEvent = ReturnType<typeof benchEvent>;

/** The i-th interaction of a run (ids `${tag}-${i}`), ~400 B with personal fields, one of `customers`, one second after the last. */
export function benchEvent(tag: string, i: number, customers: number) {
  const c = i % customers;
  return {
    specversion: '1.0',
    id: `${tag}-${i}`,
    source: '/channels/bench',
    type: 'cx.interaction.recorded.v1',
    time: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(),
    data: {
      customer: { id: `c-${c}`, email: `customer${c}@example.com` },
      channel: 'phone',
      direction: 'inbound',
      durationSeconds: 120,
      team: 'care',
      summary: 'Called about the delivery of order 123; was told it ships tomorrow and will arrive before the weekend.',
    },
  };
}

/** The events as one write per customer, straight to the port (no identity, no sealing): the fastest way to a big store. */
export function writesOf(events: BenchEvent[]): StreamWrite[] {
  const writes = new Map<string, StreamWrite>();
  for (const event of events) {
    const { data, ...attributes } = event;
    const proposed: ProposedEvent = {
      id: event.id,
      source: event.source,
      type: 'cx.interaction.recorded.v1',
      customerId: data.customer.id,
      time: Date.parse(event.time),
      attributes,
      data,
      contentHash: contentHashOf(event),
    };
    const write = writes.get(proposed.customerId) ?? { streamId: proposed.customerId, expectedRevision: 'any', events: [] };
    write.events.push(proposed);
    writes.set(proposed.customerId, write);
  }
  return [...writes.values()];
}

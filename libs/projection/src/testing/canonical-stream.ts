import type { StoredEvent } from '@cx/event-store';
import { readCanonicalMessage } from '@cx/kafka';
import type { ReadMessage } from '@cx/kafka/testing';
import { present } from '@cx/views/testing';

/**
 * What a consumer of cx.events relies on: every stored event is there (once, unless
 * `repeats` are allowed), key = customer id, one customer in one partition, and in each
 * partition a customer's events in store order (after dropping repeats by position).
 */
export function expectCanonicalStream(messages: ReadMessage[], stored: StoredEvent[], { repeats }: { repeats: boolean }): void {
  const byPosition = new Map(stored.map((e) => [e.position, e]));
  const seen = new Set<number>();
  const lastByCustomer = new Map<string, number>();
  const partitionOf = new Map<string, number>();
  const sorted = [...messages].sort((x, y) => x.partition - y.partition || Number(x.offset) - Number(y.offset));
  for (const message of sorted) {
    const event = readCanonicalMessage(message);
    const original = present(byPosition.get(event.position), `the stored event at ${event.position}`);
    expect(message.key?.toString()).toBe(original.customerId);
    expect(event).toMatchObject({
      customerId: original.customerId,
      data: original.data,
      attributes: { id: original.id, source: original.source, type: original.type },
    });
    expect(partitionOf.get(original.customerId) ?? message.partition).toBe(message.partition);
    partitionOf.set(original.customerId, message.partition);
    const last = lastByCustomer.get(original.customerId) ?? 0;
    if (event.position <= last) {
      expect(repeats).toBe(true);
      expect(seen.has(event.position)).toBe(true);
      continue;
    }
    lastByCustomer.set(original.customerId, event.position);
    seen.add(event.position);
  }
  expect(seen.size).toBe(stored.length);
}

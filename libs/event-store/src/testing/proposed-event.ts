import type { EventType } from '@cx/events';
import { contentHashOf } from '../content-hash';
import type { ProposedEvent } from '../event-store.port';

let sequence = 0;

/** A valid proposed interaction event for tests; override any field. */
export function proposedEvent(overrides: Partial<ProposedEvent> & { customerId?: string } = {}): ProposedEvent {
  sequence += 1;
  const customerId = overrides.customerId ?? 'c-1';
  const id = overrides.id ?? `evt-${process.pid}-${sequence}`;
  const source = overrides.source ?? '/channels/test';
  const type: EventType = overrides.type ?? 'cx.interaction.recorded.v1';
  const time = overrides.time ?? Date.parse('2026-03-01T09:30:00Z') + sequence;
  const data = overrides.data ?? { customer: { id: customerId }, channel: 'phone', direction: 'inbound', summary: `call ${sequence}` };
  const attributes = overrides.attributes ?? { specversion: '1.0', id, source, type, time: new Date(time).toISOString() };
  return {
    id,
    source,
    type,
    customerId,
    time,
    attributes,
    data,
    contentHash: overrides.contentHash ?? contentHashOf({ ...attributes, data }),
  };
}

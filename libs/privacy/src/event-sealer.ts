import type { ProposedEvent } from '@cx/event-store';
import type { CustomerKeys } from './customer-keys.port';
import { sealValue } from './field-cipher';
import { hasPersonalFields, mapPersonalFields } from './personal-fields';

/** SPEC §4.3 on the way in: every personal field of an event is encrypted with its customer's key, made on first need. */
export class EventSealer {
  constructor(private readonly keys: CustomerKeys) {}

  /** The events with their personal fields sealed; those without any are given back as they are. */
  async seal(events: readonly ProposedEvent[]): Promise<ProposedEvent[]> {
    const personal = events.map((event) => hasPersonalFields(event.data));
    const owners = [...new Set(events.filter((_, i) => personal[i]).map((event) => event.customerId))];
    if (owners.length === 0) return [...events];
    const keys = await this.keys.ensure(owners);
    return events.map((event, i) => {
      const key = keys.get(event.customerId);
      if (!key || !personal[i]) return event;
      return { ...event, data: mapPersonalFields(event.data, (value) => sealValue(value, key)) as Record<string, unknown> };
    });
  }
}

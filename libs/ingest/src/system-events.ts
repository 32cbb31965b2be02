import type { CustomerMerge } from '@cx/identity';
import { contentHashOf, ProposedEvent } from '@cx/event-store';
import type { EventType } from '@cx/events';

/** Source of the events CX Ledger writes itself. */
export const SYSTEM_SOURCE = '/cx-ledger';

/** SPEC §1.2 step 4: the merge, written to the anonymous customer's stream at the time of the event that caused it. */
export function mergeEvent(merge: CustomerMerge, timeMs: number): ProposedEvent {
  const type: EventType = 'cx.customer.merged.v1';
  const id = `merge:${merge.from}:${merge.into}`;
  const attributes = { specversion: '1.0', id, source: `${SYSTEM_SOURCE}/identity`, type, time: new Date(timeMs).toISOString() };
  const data = { customer: { id: merge.from }, into: { id: merge.into } };
  return {
    id,
    source: attributes.source,
    type,
    customerId: merge.from,
    time: timeMs,
    attributes,
    data,
    contentHash: contentHashOf({ ...attributes, data }),
  };
}

/** Types that only ops or the system may write (SPEC §1.3), and the role a sender needs for each. */
export const RESTRICTED_TYPES: Partial<Record<EventType, { role: string | null; message: string }>> = {
  'cx.customer.forgotten.v1': {
    role: null,
    message: 'cx.customer.forgotten.v1 is written by ops through POST /v1/ops/customers/:id/forget',
  },
  'cx.customer.merged.v1': { role: 'ops', message: 'cx.customer.merged.v1 is written by the system, or by a sender with the ops role' },
};

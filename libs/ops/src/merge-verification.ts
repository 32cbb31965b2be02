import type { EventStore } from '@cx/event-store';
import type { CustomerMerge, IdentityDirectory } from '@cx/identity';

/**
 * SPEC §4.1: a merge the identity directory applied must have its `cx.customer.merged.v1`
 * event in the anonymous customer's stream, else that customer's history stays apart from
 * the named one. Answers every merge whose event is missing.
 */
export async function mergesWithoutEvent(events: EventStore, directory: IdentityDirectory): Promise<CustomerMerge[]> {
  const missing: CustomerMerge[] = [];
  for (const merge of await directory.merges()) {
    const stream = await events.readStream(merge.from);
    const written = stream.some(
      (event) => event.type === 'cx.customer.merged.v1' && (event.data as { into?: { id?: unknown } }).into?.id === merge.into,
    );
    if (!written) missing.push(merge);
  }
  return missing;
}

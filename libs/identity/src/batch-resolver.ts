import type { CustomerRef } from '@cx/events';
import { identifierKeys } from './customer-identifiers';
import { CustomerResolution, resolveCustomer } from './customer-resolution';
import type { IdentityChanges, IdentityDirectory } from './identity-directory.port';

export interface EventCustomer {
  ref: CustomerRef;
  eventSource: string;
  eventId: string;
}

/**
 * Resolves the customers of a batch in order, so that an event sees the links made by
 * the events before it in the same batch. One directory lookup for the whole batch.
 */
export async function resolveBatch(
  events: readonly EventCustomer[],
  directory: IdentityDirectory,
): Promise<{ resolutions: CustomerResolution[]; changes: IdentityChanges }> {
  const keys = [...new Set(events.flatMap((event) => identifierKeys(event.ref)))];
  const links = keys.length > 0 ? await directory.lookup(keys) : new Map<string, string>();
  const changes: IdentityChanges = { links: [], merges: [], conflicts: [] };
  const resolutions = events.map((event) => {
    const resolution = resolveCustomer(event.ref, (key) => links.get(key));
    applyToOverlay(links, resolution);
    changes.links.push(...resolution.links);
    changes.merges.push(...resolution.merges);
    changes.conflicts.push(...resolution.conflicts.map((c) => ({ ...c, eventSource: event.eventSource, eventId: event.eventId })));
    return resolution;
  });
  return { resolutions, changes };
}

function applyToOverlay(links: Map<string, string>, resolution: CustomerResolution): void {
  for (const link of resolution.links) links.set(link.key, link.customerId);
  for (const merge of resolution.merges) {
    for (const [key, customerId] of links) if (customerId === merge.from) links.set(key, merge.into);
  }
}

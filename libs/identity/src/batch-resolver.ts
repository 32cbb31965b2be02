import type { CustomerRef } from '@cx/events';
import { identifierKeys } from './customer-identifiers';
import { CustomerResolution, resolveCustomer } from './customer-resolution';
import type { IdentityChanges } from './identity-directory.port';

export interface EventCustomer {
  ref: CustomerRef;
  eventSource: string;
  eventId: string;
}

/** Every identifier key the events carry, once each: what the batch looks up in the directory. */
export const batchKeys = (events: readonly EventCustomer[]): string[] => [...new Set(events.flatMap((event) => identifierKeys(event.ref)))];

/**
 * Resolves the customers of a batch in order, so that an event sees the links made by
 * the events before it in the same batch. `links` are the directory's, for `batchKeys`
 * (one look-up for the whole batch); it is updated as the batch resolves.
 */
export function resolveBatch(
  events: readonly EventCustomer[],
  links: Map<string, string>,
): { resolutions: CustomerResolution[]; changes: IdentityChanges } {
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

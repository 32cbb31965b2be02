import type { CustomerRef } from '@cx/events';
import { anonymousCustomerId, identifierKeys, isAnonymous } from './customer-identifiers';

/** An identifier key that now points at a customer. */
export interface IdentityLink {
  key: string;
  customerId: string;
}

/** SPEC §1.2 step 4: an identifier of a named customer was already linked to another named one; it is not moved. */
export interface IdentityConflict {
  key: string;
  linkedTo: string;
  claimedBy: string;
}

/** An anonymous customer whose history now belongs to a named one. */
export interface CustomerMerge {
  from: string;
  into: string;
}

export interface CustomerResolution {
  customerId: string;
  links: IdentityLink[];
  merges: CustomerMerge[];
  conflicts: IdentityConflict[];
}

/** Where an identifier key points now, or undefined when it is not linked. */
export type LinkLookup = (key: string) => string | undefined;

/**
 * SPEC §1.2, steps 1 to 4, as a pure function of the reference and the current links.
 * Every identifier the event carries that is not yet linked gets linked to the customer
 * it resolved to, so the next event with only that identifier finds the same customer.
 */
export function resolveCustomer(ref: CustomerRef, linkOf: LinkLookup): CustomerResolution {
  const keys = identifierKeys(ref);
  if (ref.id !== undefined) return resolveNamed(ref.id, keys, linkOf);
  const linked = keys.map(linkOf).find((customerId) => customerId !== undefined);
  const customerId = linked ?? anonymousCustomerId(keys[0]);
  const links = keys.filter((key) => linkOf(key) === undefined).map((key) => ({ key, customerId }));
  return { customerId, links, merges: [], conflicts: [] };
}

function resolveNamed(customerId: string, keys: string[], linkOf: LinkLookup): CustomerResolution {
  const resolution: CustomerResolution = { customerId, links: [], merges: [], conflicts: [] };
  for (const key of keys) {
    const current = linkOf(key);
    if (current === customerId) continue;
    if (current !== undefined && !isAnonymous(current)) {
      resolution.conflicts.push({ key, linkedTo: current, claimedBy: customerId });
      continue;
    }
    if (current !== undefined && !resolution.merges.some((merge) => merge.from === current)) {
      resolution.merges.push({ from: current, into: customerId });
    }
    resolution.links.push({ key, customerId });
  }
  return resolution;
}

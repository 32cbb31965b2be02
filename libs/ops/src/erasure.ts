import type { EventStore } from '@cx/event-store';
import type { IdentityDirectory } from '@cx/identity';
import { CustomerKeys, forgetCustomer, Forgetting } from '@cx/privacy';
import { customerStreams, type ViewSnapshots, type ViewStore } from '@cx/projection';

export interface ErasureDeps {
  events: EventStore;
  keys: CustomerKeys;
  identities: IdentityDirectory;
  views: ViewStore;
  /** Copies of the views from before the erasure: all deleted (docs/read-models.md). */
  snapshots: ViewSnapshots | null;
}

/** Forgets a customer and every anonymous customer merged into it; undefined when no event names it. */
export async function eraseCustomer(deps: ErasureDeps, customerId: string, nowMs: number): Promise<Forgetting | undefined> {
  const customer = await customerStreams(deps.views.reader, customerId);
  const firstEvents = await Promise.all(customer.streams.map((stream) => deps.events.readStream(stream, { maxCount: 1 })));
  if (firstEvents.every((events) => events.length === 0)) return undefined;
  const forgetting = await forgetCustomer(deps, customer, nowMs);
  deps.snapshots?.forgetAll();
  return forgetting;
}

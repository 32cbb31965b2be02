import type { EventStore } from '@cx/event-store';
import { contentHashOf } from '@cx/event-store';
import type { EventType } from '@cx/events';
import type { IdentityDirectory } from '@cx/identity';
import type { CustomerKeys } from './customer-keys.port';

export interface Forgetting {
  customerId: string;
  /** The streams whose personal fields can no longer be read: the customer's and its merged anonymous ones. */
  streams: string[];
  keysDestroyed: number;
  /** Position of the `cx.customer.forgotten.v1` event. */
  position: number;
}

/**
 * SPEC §4.3: erasure without rewriting history. Deletes the keys of the customer and of
 * every anonymous customer merged into it, drops the identifier links that point at them
 * (those hold e-mails and phone numbers), and appends `cx.customer.forgotten.v1`.
 * The events stay; every metric stays the same.
 */
export async function forgetCustomer(
  deps: { events: EventStore; keys: CustomerKeys; identities: IdentityDirectory },
  customer: { customerId: string; streams: string[] },
  nowMs: number,
): Promise<Forgetting> {
  const earlier = await alreadyForgotten(deps, customer);
  if (earlier) return { ...customer, keysDestroyed: 0, position: earlier.position };
  const keysDestroyed = await deps.keys.destroy(customer.streams);
  await deps.identities.forget(customer.streams);
  const type: EventType = 'cx.customer.forgotten.v1';
  // One event per erasure: a customer heard from again (a new key made) can be forgotten again.
  const id = `forget:${customer.customerId}:${nowMs}`;
  const attributes = { specversion: '1.0', id, source: '/cx-ledger/ops', type, time: new Date(nowMs).toISOString() };
  const data = { customer: { id: customer.customerId } };
  const [result] = await deps.events.append([
    {
      streamId: customer.customerId,
      events: [
        {
          id,
          source: attributes.source,
          type,
          customerId: customer.customerId,
          time: nowMs,
          attributes,
          data,
          contentHash: contentHashOf({ ...attributes, data }),
        },
      ],
    },
  ]);
  if (!result.ok) throw new Error(`could not append the forgotten event: ${result.error}`);
  return { ...customer, keysDestroyed, position: result.outcomes[0].position };
}

/**
 * Forgetting twice changes nothing (SPEC §4.3): when the customer's last event is its
 * erasure and no key of its streams exists again, the earlier erasure stands.
 */
async function alreadyForgotten(deps: { events: EventStore; keys: CustomerKeys }, customer: { customerId: string; streams: string[] }) {
  const last = (await deps.events.readStream(customer.customerId)).at(-1);
  if (last?.type !== 'cx.customer.forgotten.v1') return undefined;
  return (await deps.keys.find(customer.streams)).size === 0 ? last : undefined;
}

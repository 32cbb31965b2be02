import { canonicalHash, EventOutcome, keyOf, ProposedEvent, StoredKey, StreamWrite } from '@cx/event-store';
import type { ValidEvent } from '@cx/events';
import { batchKeys, hasChanges, IdentifierDigests, IdentityChanges, resolveBatch } from '@cx/identity';
import { mergeEvent } from '../system-events';
import type { LedgerSession } from './ledger.port';

export interface WritePathDeps {
  digests: IdentifierDigests;
  /** Seals personal fields with the customers' keys (SPEC §4.3). */
  seal(events: readonly ProposedEvent[]): Promise<ProposedEvent[]>;
}

/**
 * The one write path, inside one transaction of the store: look up which keys are stored
 * (SPEC §1.1), resolve the customers of the others (§1.2) against the directory, seal,
 * append the events with the merge events they cause, and record the identity changes.
 * An event already stored, or repeated earlier in the batch, takes no part in resolution:
 * answered from the stored event, it links nothing, so resending a forgotten customer's
 * events writes none of their identifiers back (§4.3).
 */
export async function recordInSession(session: LedgerSession, events: readonly ValidEvent[], deps: WritePathDeps): Promise<EventOutcome[]> {
  const incoming = events.map(({ event }) => event);
  const stored = await session.storedKeys(incoming);
  const fresh = firstUnstored(events, stored);
  const customers = fresh.map(({ event }) => ({ ref: event.data.customer, eventSource: event.source, eventId: event.id }));
  const { resolutions, changes } = resolveBatch(customers, await lookupLinks(session, batchKeys(customers), deps.digests));
  const customerOfKey = new Map(fresh.map(({ event }, i) => [keyOf(event), resolutions[i].customerId]));
  const customerIdOf = (key: string): string => {
    const customerId = customerOfKey.get(key) ?? stored.get(key)?.customerId;
    if (customerId === undefined) throw new Error(`event ${key} is neither fresh nor stored`);
    return customerId;
  };
  const proposed = events.map((valid) => toProposedEvent(valid, customerIdOf(keyOf(valid.event))));
  const merges = resolutions.flatMap((resolution, i) => resolution.merges.map((merge) => mergeEvent(merge, fresh[i].timeMs)));
  const sealed = await sealFresh([...proposed, ...merges], stored, deps);
  const { writes, slots } = streamWrites(sealed);
  const results = await session.append(writes, hasChanges(changes) ? digested(changes, deps.digests) : changes);
  return events.map((_, i) => {
    const [write, index] = slots[i];
    const result = results[write];
    if (!result.ok) throw new Error(`append to ${writes[write].streamId} failed: ${result.error}`);
    return result.outcomes[index];
  });
}

/** The first event of each key that is not stored yet: the ones this batch may store. */
function firstUnstored(events: readonly ValidEvent[], stored: Map<string, StoredKey>): ValidEvent[] {
  const seen = new Set<string>();
  return events.filter(({ event }) => {
    const key = keyOf(event);
    if (stored.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The directory's links of these identifier keys, looked up by digest and given back by key. */
async function lookupLinks(session: LedgerSession, keys: string[], digests: IdentifierDigests): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const digestOf = keys.map((key) => [key, digests.of(key)] as const);
  const found = await session.lookup(digestOf.map(([, digest]) => digest));
  const links = new Map<string, string>();
  for (const [key, digest] of digestOf) {
    const customerId = found.get(digest);
    if (customerId !== undefined) links.set(key, customerId);
  }
  return links;
}

/** Only events that may be stored are sealed: a duplicate is answered from the stored event, never written. */
async function sealFresh(events: ProposedEvent[], stored: Map<string, StoredKey>, deps: WritePathDeps): Promise<ProposedEvent[]> {
  const toSeal = events.filter((event) => !stored.has(keyOf(event)));
  const sealed = await deps.seal(toSeal);
  const byEvent = new Map(toSeal.map((event, i) => [event, sealed[i]]));
  return events.map((event) => byEvent.get(event) ?? event);
}

/** One write per customer stream, in first-seen order; `slots[i]` is where event i landed. */
function streamWrites(events: ProposedEvent[]): { writes: StreamWrite[]; slots: Array<[number, number]> } {
  const writeOf = new Map<string, number>();
  const writes: StreamWrite[] = [];
  const slots = events.map((event): [number, number] => {
    let w = writeOf.get(event.customerId);
    if (w === undefined) {
      w = writes.push({ streamId: event.customerId, expectedRevision: 'any', events: [] }) - 1;
      writeOf.set(event.customerId, w);
    }
    return [w, writes[w].events.push(event) - 1];
  });
  return { writes, slots };
}

/** SPEC §4.3: the directory holds digests of identifiers, never the identifiers. */
function digested(changes: IdentityChanges, digests: IdentifierDigests): IdentityChanges {
  return {
    links: changes.links.map((link) => ({ ...link, key: digests.of(link.key) })),
    merges: changes.merges,
    conflicts: changes.conflicts.map((conflict) => ({ ...conflict, key: digests.of(conflict.key) })),
  };
}

function toProposedEvent({ event, timeMs, canonical }: ValidEvent, customerId: string): ProposedEvent {
  const { data, ...attributes } = event;
  return {
    id: event.id,
    source: event.source,
    type: event.type,
    customerId,
    time: timeMs,
    attributes,
    data,
    contentHash: canonicalHash(canonical),
  };
}

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
  const keys = events.map(({ event }) => keyOf(event));
  const stored = await session.storedKeys(events.map(({ event }) => event));
  const fresh = firstUnstored(keys, stored);
  const customers = fresh.map((i) => ({
    ref: events[i].event.data.customer,
    eventSource: events[i].event.source,
    eventId: events[i].event.id,
  }));
  const links = await lookupLinks(session, batchKeys(customers), deps.digests);
  const { resolutions, changes } = resolveBatch(customers, links.byKey);
  const customerOfKey = new Map<string, string>();
  fresh.forEach((i, n) => customerOfKey.set(keys[i], resolutions[n].customerId));
  const proposed = events.map((valid, i) => toProposedEvent(valid, customerIdOf(keys[i], customerOfKey, stored)));
  const merges = resolutions.flatMap((resolution, n) => resolution.merges.map((merge) => mergeEvent(merge, events[fresh[n]].timeMs)));
  const sealed = await sealFresh([...proposed, ...merges], [...keys, ...merges.map(keyOf)], stored, deps);
  const { writes, slots } = streamWrites(sealed);
  const results = await session.append(writes, hasChanges(changes) ? digested(changes, links.digestOf) : changes);
  return events.map((_, i) => {
    const [write, index] = slots[i];
    const result = results[write];
    if (!result.ok) throw new Error(`append to ${writes[write].streamId} failed: ${result.error}`);
    return result.outcomes[index];
  });
}

/** The indexes of the first event of each key that is not stored yet: the ones this batch may store. */
function firstUnstored(keys: readonly string[], stored: Map<string, StoredKey>): number[] {
  const seen = new Set<string>();
  const fresh: number[] = [];
  keys.forEach((key, i) => {
    if (stored.has(key) || seen.has(key)) return;
    seen.add(key);
    fresh.push(i);
  });
  return fresh;
}

function customerIdOf(key: string, customerOfKey: Map<string, string>, stored: Map<string, StoredKey>): string {
  const customerId = customerOfKey.get(key) ?? stored.get(key)?.customerId;
  if (customerId === undefined) throw new Error(`event ${key} is neither fresh nor stored`);
  return customerId;
}

/**
 * The directory's links of these identifier keys, looked up by digest and given back by
 * key, with the digest of each key: the links the batch makes are recorded under them.
 */
async function lookupLinks(
  session: LedgerSession,
  keys: string[],
  digests: IdentifierDigests,
): Promise<{ byKey: Map<string, string>; digestOf: Map<string, string> }> {
  const digestOf = new Map(keys.map((key) => [key, digests.of(key)]));
  const byKey = new Map<string, string>();
  if (keys.length === 0) return { byKey, digestOf };
  const found = await session.lookup([...digestOf.values()]);
  for (const [key, digest] of digestOf) {
    const customerId = found.get(digest);
    if (customerId !== undefined) byKey.set(key, customerId);
  }
  return { byKey, digestOf };
}

/** Only events that may be stored are sealed: a duplicate is answered from the stored event, never written. */
async function sealFresh(
  events: ProposedEvent[],
  keys: readonly string[],
  stored: Map<string, StoredKey>,
  deps: WritePathDeps,
): Promise<ProposedEvent[]> {
  const toSeal = events.filter((_, i) => !stored.has(keys[i]));
  if (toSeal.length === events.length) return deps.seal(events);
  const sealed = await deps.seal(toSeal);
  let next = 0;
  return events.map((event, i) => (stored.has(keys[i]) ? event : sealed[next++]));
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

/**
 * SPEC §4.3: the directory holds digests of identifiers, never the identifiers. Every key a
 * change names is one of the batch's, whose digests the look-up made.
 */
function digested(changes: IdentityChanges, digestOf: Map<string, string>): IdentityChanges {
  const digest = (key: string): string => {
    const made = digestOf.get(key);
    if (made === undefined) throw new Error('an identity change names a key the batch did not look up');
    return made;
  };
  return {
    links: changes.links.map((link) => ({ ...link, key: digest(link.key) })),
    merges: changes.merges,
    conflicts: changes.conflicts.map((conflict) => ({ ...conflict, key: digest(conflict.key) })),
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
    contentHash: canonicalHash(canonical.text),
    // Validation made these texts from these very objects; sealing gives the event other data, whose text is made again.
    canonical:
      canonical.data === undefined ? undefined : { attributes: canonical.attributes, data: canonical.data, of: { attributes, data } },
  };
}

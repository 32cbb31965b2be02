import { hash } from 'node:crypto';
import { canonicalJson } from '@cx/events';
import type { StoredEvent } from './event-store.port';

/** What the hash of an event covers: everything stored about it but its global position, which EventStoreDB only knows after the append. */
export type HashedContent = Pick<
  StoredEvent,
  'streamId' | 'revision' | 'customerId' | 'source' | 'id' | 'type' | 'time' | 'recordedAt' | 'attributes'
> & { data: unknown };

/** SPEC §4.2: SHA-256 over the canonical content and the hash of the previous event of the stream. */
export function chainHash(previousHash: string | null, content: HashedContent): string {
  const { streamId, revision, customerId, source, id, type, time, recordedAt, attributes, data } = content;
  const canonical = canonicalJson({ streamId, revision, customerId, source, id, type, time, recordedAt, attributes, data });
  // One-shot over the same bytes as hashing the three parts in turn: no Hash object per event.
  return hash('sha256', `${previousHash ?? ''}\n${canonical}`, 'hex');
}

export interface ChainCheck {
  position: number;
  revision: number;
  /** The event's own hash matches its content, and it links to the stored hash of the event before it. */
  checks: boolean;
}

/** Checks one stream, given in revision order. */
export function checkStreamChain(events: readonly StoredEvent[]): ChainCheck[] {
  let previous: StoredEvent | undefined;
  return events.map((event) => {
    const linked = event.previousHash === (previous?.hash ?? null) && event.revision === (previous ? previous.revision + 1 : 0);
    previous = event;
    return { position: event.position, revision: event.revision, checks: linked && chainHash(event.previousHash, event) === event.hash };
  });
}

/** The first event of a stream that does not check, or undefined when the whole chain holds. */
export const firstBrokenLink = (events: readonly StoredEvent[]): ChainCheck | undefined =>
  checkStreamChain(events).find((check) => !check.checks);

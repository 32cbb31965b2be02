import type { EventStore, StoredEvent } from '@cx/event-store';
import { checkStreamChain } from '@cx/event-store';

export interface AuditEntry {
  position: number;
  streamId: string;
  revision: number;
  recordedAt: number;
  time: number;
  source: string;
  id: string;
  type: string;
  hash: string;
  previousHash: string | null;
  /** SHA-256 of the canonical CloudEvent as sent (idempotency); part of the event's Merkle leaf. */
  contentHash: string;
  /** The event's hash matches its content and links to the event before it in its stream. */
  chainChecks: boolean;
}

/**
 * SPEC §3 audit: every stored event of a customer (its own stream and those of anonymous
 * customers merged into it), in append order, each with its chain check. With `knownAt`,
 * only what the store had recorded by then; the checks still use the whole chain before.
 */
export async function customerAudit(store: EventStore, streams: readonly string[], knownAt?: number): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  for (const streamId of streams) {
    const events = await store.readStream(streamId);
    const checks = checkStreamChain(events);
    events.forEach((event, i) => entries.push(toEntry(event, checks[i].checks)));
  }
  return entries.filter((e) => knownAt === undefined || e.recordedAt <= knownAt).sort((a, b) => a.position - b.position);
}

const toEntry = (event: StoredEvent, chainChecks: boolean): AuditEntry => ({
  position: event.position,
  streamId: event.streamId,
  revision: event.revision,
  recordedAt: event.recordedAt,
  time: event.time,
  source: event.source,
  id: event.id,
  type: event.type,
  hash: event.hash,
  previousHash: event.previousHash,
  contentHash: event.contentHash,
  chainChecks,
});

import { jsonEvent } from '@eventstore/db-client';
import type { AllStreamResolvedEvent, EventData, Position, ResolvedEvent } from '@eventstore/db-client';
import type { EventType } from '@cx/events';
import type { FreshEvent } from '../append-plan';
import type { StoredEvent } from '../event-store.port';
import { CUSTOMER_STREAM_PREFIX, eventIdOf, streamIdOf } from './eventstoredb-names';

/** What an event carries besides its CloudEvent `data`: everything `chainHash` covers, and the chain itself. */
export interface LedgerMetadata {
  id: string;
  source: string;
  customerId: string;
  time: number;
  recordedAt: number;
  attributes: Record<string, unknown>;
  contentHash: string;
  previousHash: string | null;
  hash: string;
}

/** The EventStoreDB event for a planned one: the id made from (source, id), the CloudEvent type, `data` as sent. */
export function toEventData(fresh: FreshEvent): EventData {
  const { event } = fresh;
  const metadata: LedgerMetadata = {
    id: event.id,
    source: event.source,
    customerId: event.customerId,
    time: event.time,
    recordedAt: fresh.recordedAt,
    attributes: event.attributes,
    contentHash: event.contentHash,
    previousHash: fresh.previousHash,
    hash: fresh.hash,
  };
  return jsonEvent({ id: eventIdOf(event.source, event.id), type: event.type, data: event.data, metadata: { ...metadata } });
}

/**
 * The global position of an event: its commit position, which for an append made over gRPC
 * is the event's own place in the log, so each event of a batch has its own. Older servers
 * answer stream reads with an unknown commit position (2^64 - 1); the prepare position,
 * equal for such appends, stands in.
 */
export function positionOf(position: Position | undefined): number {
  if (!position) throw new Error('EventStoreDB gave no position for an event (a server of 21.10 or later is needed)');
  const commit = position.commit < 2n ** 63n ? position.commit : position.prepare;
  return Number(commit);
}

/** A customer event as the port gives it, or undefined for anything else (a deleted event's link, a foreign stream). */
export function toStoredEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): StoredEvent | undefined {
  const recorded = resolved.event;
  if (!recorded || !recorded.streamId.startsWith(CUSTOMER_STREAM_PREFIX) || !recorded.isJson) return undefined;
  const metadata = recorded.metadata as unknown as LedgerMetadata;
  return {
    position: positionOf(recorded.position ?? commitOnly(resolved.commitPosition)),
    streamId: streamIdOf(recorded.streamId),
    revision: Number(recorded.revision),
    customerId: metadata.customerId,
    id: metadata.id,
    source: metadata.source,
    type: recorded.type as EventType,
    time: metadata.time,
    recordedAt: metadata.recordedAt,
    attributes: metadata.attributes,
    data: recorded.data as unknown,
    contentHash: metadata.contentHash,
    previousHash: metadata.previousHash,
    hash: metadata.hash,
  } as StoredEvent;
}

const commitOnly = (commit: bigint | undefined): Position | undefined => (commit === undefined ? undefined : { commit, prepare: commit });

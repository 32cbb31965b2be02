import type { EventOutcome, ProposedEvent, StreamWrite, WriteResult } from './event-store.port';
import { revisionMatches } from './event-store.port';
import { chainHash } from './hash-chain';

/** Where a (source, id) already points: a stored event, or one this append is about to store. */
export interface KeyHolder {
  contentHash: string;
  customerId: string;
  at: Slot;
}

/** A known position, or the index of an event of this append in `AppendPlan.fresh`, whose position the store gives on insert. */
export type Slot = { position: number } | { fresh: number };

/** The last event of a stream, as the plan needs it to check revisions and extend the hash chain. */
export interface StreamHead {
  revision: number;
  lastHash: string | null;
}

/** An event the append will store, with its place in its stream and its link in the hash chain. */
export interface FreshEvent {
  event: ProposedEvent;
  streamId: string;
  revision: number;
  previousHash: string | null;
  hash: string;
  recordedAt: number;
}

type PendingOutcome = { status: EventOutcome['status']; customerId: string; at: Slot };
type PlannedWrite = { ok: true; outcomes: PendingOutcome[]; streamRevision: number } | Extract<WriteResult, { ok: false }>;

/** The idempotency key of SPEC §1.1, as a map key (U+0000 cannot be part of a URI-reference `source`). */
export const keyOf = (event: Pick<ProposedEvent, 'source' | 'id'>): string => `${event.source}\u0000${event.id}`;

/**
 * What an append will do, worked out before anything is written, so that every adapter
 * answers the same: events whose key is held are `duplicate` or `id_conflict` of the holder,
 * new events get the next revisions of their stream and extend its hash chain, and a write
 * with new events is refused when the stream is not at the revision it expects. Writes are
 * planned in order, so a later write of the same append sees the keys and heads of earlier ones.
 */
export class AppendPlan {
  readonly fresh: FreshEvent[] = [];
  private readonly planned: PlannedWrite[] = [];
  private readonly movedStreams = new Set<string>();

  constructor(
    private readonly keys: Map<string, KeyHolder>,
    private readonly heads: Map<string, StreamHead>,
    private readonly recordedAt: number,
  ) {}

  add(write: StreamWrite): void {
    const head = this.heads.get(write.streamId);
    const actual = head ? head.revision : 'no_stream';
    const eventKeys = write.events.map(keyOf);
    const hasNew = eventKeys.some((key) => !this.keys.has(key));
    if (hasNew && !revisionMatches(write.expectedRevision, actual)) {
      this.planned.push({ ok: false, error: 'wrong_expected_revision', expected: write.expectedRevision ?? 'any', actual });
      return;
    }
    let tip: StreamHead = head ?? { revision: -1, lastHash: null };
    const outcomes = write.events.map((event, i): PendingOutcome => {
      const holder = this.keys.get(eventKeys[i]);
      if (holder)
        return {
          status: holder.contentHash === event.contentHash ? 'duplicate' : 'id_conflict',
          customerId: holder.customerId,
          at: holder.at,
        };
      tip = this.addFresh(write.streamId, tip, event, eventKeys[i]);
      return { status: 'accepted', customerId: event.customerId, at: { fresh: this.fresh.length - 1 } };
    });
    if (hasNew) {
      this.heads.set(write.streamId, tip);
      this.movedStreams.add(write.streamId);
    }
    this.planned.push({ ok: true, outcomes, streamRevision: tip.revision });
  }

  /** Each stream that gets new events, with the head it will have. */
  movedHeads(): Array<{ streamId: string } & StreamHead> {
    return [...this.movedStreams].sort().map((streamId) => ({ streamId, ...(this.heads.get(streamId) as StreamHead) }));
  }

  /** The answers, once the store has given each fresh event its position. */
  results(positionOfFresh: (fresh: number) => number): WriteResult[] {
    const position = (at: Slot) => ('position' in at ? at.position : positionOfFresh(at.fresh));
    return this.planned.map((write) => {
      if (!write.ok) return write;
      const outcomes = write.outcomes.map(({ status, customerId, at }) => ({ status, position: position(at), customerId }));
      return { ok: true, outcomes, streamRevision: write.streamRevision };
    });
  }

  private addFresh(streamId: string, tip: StreamHead, event: ProposedEvent, key: string): StreamHead {
    const revision = tip.revision + 1;
    const { customerId, source, id, type, time, attributes, data, canonical } = event;
    const content = { streamId, revision, customerId, source, id, type, time, recordedAt: this.recordedAt, attributes, data, canonical };
    const hash = chainHash(tip.lastHash, content);
    this.fresh.push({ event, streamId, revision, previousHash: tip.lastHash, hash, recordedAt: this.recordedAt });
    this.keys.set(key, { contentHash: event.contentHash, customerId: event.customerId, at: { fresh: this.fresh.length - 1 } });
    return { revision, lastHash: hash };
  }
}

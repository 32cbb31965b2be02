import { jsonEvent, NO_STREAM, StreamNotFoundError, WrongExpectedVersionError } from '@eventstore/db-client';
import type { EventStoreDBClient } from '@eventstore/db-client';
import type { ProposedEvent } from '../event-store.port';
import { keyStreamOf } from './eventstoredb-names';

/** Who holds a (source, id): the content that claimed it, and where that content is to be stored. */
export interface Claim {
  contentHash: string;
  customerId: string;
  streamId: string;
}

/** The revision of a key stream a writer must expect to append the next claim: `no_stream` or the last revision. */
export type KeyRevision = bigint | typeof NO_STREAM;

export type KeyState =
  | { kind: 'free'; revision: KeyRevision }
  | { kind: 'claimed'; claim: Claim; revision: bigint; claimedAt: number }
  | { kind: 'stored'; claim: Claim; position: number; revision: bigint };

export const KEY_CLAIMED = 'cx-key-claimed';
export const KEY_STORED = 'cx-key-stored';
export const KEY_RELEASED = 'cx-key-released';

export interface KeyLedgerEvent {
  type: string;
  data: unknown;
  revision: bigint;
  /** When the server wrote it, epoch milliseconds. */
  created: number;
}

/**
 * A key stream's events, folded: a claim holds the key until a release frees it; a stored
 * record after the claim says where the claimed event is.
 */
export function foldKeyEvents(events: readonly KeyLedgerEvent[]): KeyState {
  let state = { kind: 'free', revision: NO_STREAM } as KeyState;
  for (const { type, data, revision, created } of events) {
    if (type === KEY_CLAIMED) state = { kind: 'claimed', claim: data as Claim, revision, claimedAt: created };
    else if (type === KEY_RELEASED) state = { kind: 'free', revision };
    else if (type === KEY_STORED && state.kind === 'claimed') {
      state = { kind: 'stored', claim: state.claim, position: (data as { position: number }).position, revision };
    }
  }
  return state;
}

/**
 * EventStoreDB's own idempotency only recognises an event id written again at the same
 * place in the same stream, and never looks at content. So each (source, id) has a stream
 * of its own, `cx-key-<sha256>`, whose first event claims the key for one content, written
 * with an expected revision: of two writers racing for a key exactly one wins. The claim
 * comes before the customer event, and a `stored` record with its position after it.
 */
export class KeyLedger {
  constructor(private readonly client: EventStoreDBClient) {}

  async state(event: Pick<ProposedEvent, 'source' | 'id'>): Promise<KeyState> {
    const events: KeyLedgerEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(keyStreamOf(event.source, event.id))) {
        const { event: recorded } = resolved;
        if (recorded)
          events.push({ type: recorded.type, data: recorded.data, revision: recorded.revision, created: recorded.created.getTime() });
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    return foldKeyEvents(events);
  }

  /** Claims the key for this content; false when another writer claimed it first. Returns the claim's revision. */
  async claim(event: ProposedEvent, streamId: string, expected: KeyRevision): Promise<bigint | false> {
    const claim: Claim = { contentHash: event.contentHash, customerId: event.customerId, streamId };
    return this.write(event, KEY_CLAIMED, { ...claim }, expected);
  }

  /** Where the claimed event was stored. Losing a race to another writer recording the same is fine. */
  async recordStored(event: Pick<ProposedEvent, 'source' | 'id'>, position: number, claimRevision: bigint): Promise<void> {
    await this.write(event, KEY_STORED, { position }, claimRevision);
  }

  /** Frees a key whose event the server refused, or whose claimant is gone, so other content may claim it. */
  async release(event: Pick<ProposedEvent, 'source' | 'id'>, claimRevision: bigint): Promise<void> {
    await this.write(event, KEY_RELEASED, {}, claimRevision);
  }

  private async write(
    event: Pick<ProposedEvent, 'source' | 'id'>,
    type: string,
    data: Record<string, unknown>,
    expected: KeyRevision,
  ): Promise<bigint | false> {
    try {
      const result = await this.client.appendToStream(keyStreamOf(event.source, event.id), jsonEvent({ type, data }), {
        expectedRevision: expected,
      });
      return result.nextExpectedRevision;
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return false;
      throw error;
    }
  }
}

import type { EventOutcome, StoredKey, StreamWrite, WriteResult } from '@cx/event-store';
import type { ValidEvent } from '@cx/events';
import type { IdentityChanges } from '@cx/identity';

/**
 * Where the ingest path records events: each call resolves the events' customers and
 * appends them, the identity links, merges and merge events they cause included, all
 * stored together or not at all (SPEC §1.2, §4.1). Outcomes come in input order.
 */
export interface Ledger {
  record(events: readonly ValidEvent[]): Promise<EventOutcome[]>;
}

export const LEDGER = Symbol('Ledger');

/** One transaction of the store, as the write path sees it (see `recordInSession`). */
export interface LedgerSession {
  /** The stored events holding these (source, id) keys, by `keyOf`. */
  storedKeys(events: ReadonlyArray<{ source: string; id: string }>): Promise<Map<string, StoredKey>>;
  /** Where these identifier digests point. */
  lookup(digests: readonly string[]): Promise<Map<string, string>>;
  /** Records the identity changes (keyed by digest) and appends the writes. */
  append(writes: StreamWrite[], identity: IdentityChanges): Promise<WriteResult[]>;
}

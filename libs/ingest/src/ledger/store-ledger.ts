import { EventOutcome, EventStore, isTransactional } from '@cx/event-store';
import type { ValidEvent } from '@cx/events';
import { hasChanges, IdentityWrites } from '@cx/identity';
import type { EventSealer } from '@cx/privacy';
import type { Ledger, LedgerSession } from './ledger.port';
import { recordInSession } from './write-path';

/**
 * The ledger over the process's event store. On SQLite and PostgreSQL the directory lives
 * in the same database, and the write path runs in one transaction of the store: events,
 * links, merges and merge events commit together. Beside EventStoreDB the directory is
 * written in its own transaction after the append (docs/event-stores.md says what that
 * leaves open).
 */
export class StoreLedger implements Ledger {
  constructor(
    private readonly store: EventStore,
    private readonly identities: IdentityWrites,
    private readonly sealer: EventSealer,
  ) {}

  record(events: readonly ValidEvent[]): Promise<EventOutcome[]> {
    const deps = { digests: this.identities.digests, seal: (e: Parameters<EventSealer['seal']>[0]) => this.sealer.seal(e) };
    const store = this.store;
    const within = this.identities.within;
    if (isTransactional(store) && within) {
      return store.transaction((tx, connection) => {
        const directory = within(connection);
        const session: LedgerSession = {
          storedKeys: (keys) => tx.storedKeys(keys),
          lookup: (digests) => directory.lookup(digests),
          append: async (writes, identity) => {
            if (hasChanges(identity)) await directory.record(identity);
            return tx.append(writes);
          },
        };
        return recordInSession(session, events, deps);
      });
    }
    const alone = this.identities.alone;
    return recordInSession(
      {
        storedKeys: async () => new Map(),
        lookup: (digests) => alone.lookup(digests),
        append: async (writes, identity) => {
          const results = await store.append(writes);
          if (hasChanges(identity)) await alone.record(identity);
          return results;
        },
      },
      events,
      deps,
    );
  }
}

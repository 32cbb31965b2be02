import type { Migration } from '@cx/sqlite';

export const EVENT_STORE_MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'events, streams, identities',
    sql: `
      CREATE TABLE events (
        position INTEGER PRIMARY KEY,
        stream_id TEXT NOT NULL,
        revision INTEGER NOT NULL,
        customer_id TEXT NOT NULL,
        source TEXT NOT NULL,
        event_id TEXT NOT NULL,
        type TEXT NOT NULL,
        time_ms INTEGER NOT NULL,
        recorded_at_ms INTEGER NOT NULL,
        attributes TEXT NOT NULL,
        data TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        previous_hash TEXT,
        hash TEXT NOT NULL,
        UNIQUE (stream_id, revision),
        UNIQUE (source, event_id)
      );
      CREATE TABLE streams (
        stream_id TEXT PRIMARY KEY,
        revision INTEGER NOT NULL,
        last_hash TEXT NOT NULL
      );
      CREATE TABLE identities (
        identifier TEXT PRIMARY KEY,
        customer_id TEXT NOT NULL
      );
      CREATE INDEX identities_by_customer ON identities (customer_id);
      CREATE TABLE identity_conflicts (
        id INTEGER PRIMARY KEY,
        identifier TEXT NOT NULL,
        linked_to TEXT NOT NULL,
        claimed_by TEXT NOT NULL,
        event_source TEXT NOT NULL,
        event_id TEXT NOT NULL,
        recorded_at TEXT NOT NULL
      );`,
  },
  {
    version: 2,
    description: 'identity merges, for cx verify to find a merge whose event is missing',
    sql: `
      CREATE TABLE identity_merges (
        from_customer TEXT NOT NULL,
        into_customer TEXT NOT NULL,
        recorded_at TEXT NOT NULL
      );
      CREATE INDEX identity_merges_by_from ON identity_merges (from_customer);`,
  },
];

import type { PgMigration } from '@cx/postgres';

/** The schema of the event store and its identity directory unless told otherwise; the view store keeps to `cx_views`. */
export const EVENT_STORE_SCHEMA = 'cx_events';

/**
 * `events.position` is the global order. It is not a sequence: `head` holds the last
 * position given, and an append takes its positions by updating that one row as its last
 * statement before COMMIT, so positions are given and committed in the same order (see
 * docs/event-stores.md). A rolled back append gives its positions back: no gaps.
 * `attributes` and `data` are `json`, not `jsonb`, so they keep the exact text that was
 * hashed and may hold `\u0000`. A `streams` row is each stream's head, locked by appenders.
 */
export function eventStoreMigrations(schema: string): PgMigration[] {
  return [
    {
      version: 1,
      description: 'events, streams, head, identities',
      sql: `
        CREATE TABLE ${schema}.events (
          position bigint PRIMARY KEY,
          stream_id text NOT NULL,
          revision integer NOT NULL,
          customer_id text NOT NULL,
          source text NOT NULL,
          event_id text NOT NULL,
          type text NOT NULL,
          time_ms bigint NOT NULL,
          recorded_at_ms bigint NOT NULL,
          attributes json NOT NULL,
          data json NOT NULL,
          content_hash text NOT NULL,
          previous_hash text,
          hash text NOT NULL,
          UNIQUE (stream_id, revision),
          UNIQUE (source, event_id)
        );
        CREATE TABLE ${schema}.streams (
          stream_id text PRIMARY KEY,
          revision integer NOT NULL,
          last_hash text NOT NULL
        );
        CREATE TABLE ${schema}.head (
          only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
          position bigint NOT NULL
        );
        INSERT INTO ${schema}.head (position) VALUES (0);
        CREATE TABLE ${schema}.identities (
          identifier text PRIMARY KEY,
          customer_id text NOT NULL
        );
        CREATE INDEX identities_by_customer ON ${schema}.identities (customer_id);
        CREATE TABLE ${schema}.identity_conflicts (
          id bigserial PRIMARY KEY,
          identifier text NOT NULL,
          linked_to text NOT NULL,
          claimed_by text NOT NULL,
          event_source text NOT NULL,
          event_id text NOT NULL,
          recorded_at timestamptz NOT NULL
        );`,
    },
    {
      version: 2,
      description: 'identity merges, for cx verify to find a merge whose event is missing',
      sql: `
        CREATE TABLE ${schema}.identity_merges (
          from_customer text NOT NULL,
          into_customer text NOT NULL,
          recorded_at timestamptz NOT NULL
        );
        CREATE INDEX identity_merges_by_from ON ${schema}.identity_merges (from_customer);`,
    },
  ];
}

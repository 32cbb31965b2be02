import type { PgMigration } from '@cx/postgres';

/** The log's schema in the event store's database: its own tables and migrations, beside `cx_events`. */
export const MERKLE_LOG_SCHEMA = 'cx_merkle';

/** Level 0 of the tree is `leaves`; `nodes` holds the complete subtrees above. */
export function merkleLogMigrations(schema: string): PgMigration[] {
  return [
    {
      version: 1,
      description: 'merkle tree head, leaves, nodes, checkpoints',
      sql: `
        CREATE TABLE ${schema}.head (
          only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
          size bigint NOT NULL,
          last_position bigint NOT NULL,
          root_hash bytea NOT NULL
        );
        INSERT INTO ${schema}.head (size, last_position, root_hash)
          VALUES (0, 0, '\\xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
        CREATE TABLE ${schema}.leaves (
          leaf_index bigint PRIMARY KEY,
          position bigint NOT NULL UNIQUE,
          hash bytea NOT NULL
        );
        CREATE TABLE ${schema}.nodes (
          level integer NOT NULL,
          node_index bigint NOT NULL,
          hash bytea NOT NULL,
          PRIMARY KEY (level, node_index)
        );
        CREATE TABLE ${schema}.checkpoints (
          size bigint PRIMARY KEY,
          root_hash text NOT NULL,
          time text NOT NULL,
          key_id text NOT NULL,
          signature text NOT NULL,
          published boolean NOT NULL DEFAULT false
        );
        CREATE INDEX checkpoints_unpublished ON ${schema}.checkpoints (size) WHERE NOT published;`,
    },
  ];
}

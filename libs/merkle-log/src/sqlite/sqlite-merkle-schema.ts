import type { Migration } from '@cx/sqlite';

/** The log's own migrations (scope `merkle-log`), in the event store's file. */
export const MERKLE_LOG_SCOPE = 'merkle-log';

/** Level 0 of the tree is `merkle_leaves`; `merkle_nodes` holds the complete subtrees above. */
export const MERKLE_LOG_MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'merkle tree head, leaves, nodes, checkpoints',
    sql: `
      CREATE TABLE merkle_head (
        only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
        size INTEGER NOT NULL,
        last_position INTEGER NOT NULL,
        root_hash BLOB NOT NULL
      );
      INSERT INTO merkle_head (only_row, size, last_position, root_hash)
        VALUES (1, 0, 0, X'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
      CREATE TABLE merkle_leaves (
        leaf_index INTEGER PRIMARY KEY,
        position INTEGER NOT NULL UNIQUE,
        hash BLOB NOT NULL
      );
      CREATE TABLE merkle_nodes (
        level INTEGER NOT NULL,
        node_index INTEGER NOT NULL,
        hash BLOB NOT NULL,
        PRIMARY KEY (level, node_index)
      ) WITHOUT ROWID;
      CREATE TABLE merkle_checkpoints (
        size INTEGER PRIMARY KEY,
        root_hash TEXT NOT NULL,
        time TEXT NOT NULL,
        key_id TEXT NOT NULL,
        signature TEXT NOT NULL,
        published INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX merkle_checkpoints_unpublished ON merkle_checkpoints (size) WHERE published = 0;`,
  },
];

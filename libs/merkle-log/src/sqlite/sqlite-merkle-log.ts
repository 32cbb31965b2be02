import { migrate, openSqlite, SqliteDatabase, SqliteWriter } from '@cx/sqlite';
import type { LeafEvent } from '../event-leaf';
import type { LeafSource, MerkleLogStore, SignedCheckpoint, StoredLeaf, TreeGrowth, TreeHead } from '../merkle-log.port';
import { Hash, NodeId, nodeKey } from '../rfc6962';
import { MERKLE_LOG_MIGRATIONS, MERKLE_LOG_SCOPE } from './sqlite-merkle-schema';

interface CheckpointRow {
  size: number;
  root_hash: string;
  time: string;
  key_id: string;
  signature: string;
}

/**
 * The log's tables in an SQLite file: the embedded event store's, or `merkle.sqlite` beside
 * EventStoreDB. Writes go through the file's one writer, in its queue of transactions;
 * reads through a connection of their own, which sees only committed rows.
 */
export class SqliteMerkleLogStore implements MerkleLogStore {
  /** A connection that reads committed rows only; the events' leaf source reads through it too. */
  readonly reader: SqliteDatabase;
  private readonly db: SqliteDatabase;

  constructor(private readonly writer: SqliteWriter) {
    migrate(writer.db, MERKLE_LOG_SCOPE, MERKLE_LOG_MIGRATIONS);
    this.reader = writer.db.memory ? writer.db : openSqlite(writer.db.name);
    this.db = this.reader;
  }

  async head(): Promise<TreeHead> {
    const row = this.db.prepare('SELECT size, last_position, root_hash FROM merkle_head').get() as {
      size: number;
      last_position: number;
      root_hash: Buffer;
    };
    return { size: row.size, lastPosition: row.last_position, rootHash: row.root_hash };
  }

  async grow(growth: TreeGrowth): Promise<boolean> {
    const db = this.writer.db;
    const moveHead = db.prepare('UPDATE merkle_head SET size = ?, last_position = ?, root_hash = ? WHERE size = ?');
    const leaf = db.prepare('INSERT INTO merkle_leaves (leaf_index, position, hash) VALUES (?, ?, ?)');
    const node = db.prepare('INSERT INTO merkle_nodes (level, node_index, hash) VALUES (?, ?, ?)');
    return this.writer.transaction(() => {
      if (moveHead.run(growth.to.size, growth.to.lastPosition, growth.to.rootHash, growth.from.size).changes === 0) return false;
      for (const l of growth.leaves) leaf.run(l.index, l.position, l.hash);
      for (const n of growth.nodes) node.run(n.level, n.index, n.hash);
      return true;
    });
  }

  async nodes(ids: readonly NodeId[]): Promise<Map<string, Hash>> {
    const found = new Map<string, Hash>();
    const leaf = this.db.prepare('SELECT hash FROM merkle_leaves WHERE leaf_index = ?').pluck();
    const node = this.db.prepare('SELECT hash FROM merkle_nodes WHERE level = ? AND node_index = ?').pluck();
    for (const id of ids) {
      const hash = (id.level === 0 ? leaf.get(id.index) : node.get(id.level, id.index)) as Buffer | undefined;
      if (hash) found.set(nodeKey(id), hash);
    }
    return found;
  }

  async leaves(from: number, count: number): Promise<StoredLeaf[]> {
    const rows = this.db
      .prepare('SELECT leaf_index, position, hash FROM merkle_leaves WHERE leaf_index >= ? ORDER BY leaf_index LIMIT ?')
      .all(from, count) as Array<{ leaf_index: number; position: number; hash: Buffer }>;
    return rows.map((row) => ({ index: row.leaf_index, position: row.position, hash: row.hash }));
  }

  async leafIndexes(positions: readonly number[]): Promise<Map<number, number>> {
    const rows = this.db
      .prepare('SELECT position, leaf_index FROM merkle_leaves WHERE position IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(positions)) as Array<{ position: number; leaf_index: number }>;
    return new Map(rows.map((row) => [row.position, row.leaf_index]));
  }

  async addCheckpoint(c: SignedCheckpoint): Promise<void> {
    const insert = this.writer.db.prepare(
      'INSERT INTO merkle_checkpoints (size, root_hash, time, key_id, signature) VALUES (?, ?, ?, ?, ?) ON CONFLICT (size) DO NOTHING',
    );
    await this.writer.transaction(() => insert.run(c.size, c.rootHash, c.time, c.keyId, c.signature));
  }

  async checkpoints(limit: number, beforeSize?: number): Promise<SignedCheckpoint[]> {
    const rows = this.db
      .prepare('SELECT size, root_hash, time, key_id, signature FROM merkle_checkpoints WHERE size < ? ORDER BY size DESC LIMIT ?')
      .all(beforeSize ?? Number.MAX_SAFE_INTEGER, limit) as CheckpointRow[];
    return rows.map(toCheckpoint);
  }

  async unpublishedCheckpoints(limit: number): Promise<SignedCheckpoint[]> {
    const rows = this.db
      .prepare('SELECT size, root_hash, time, key_id, signature FROM merkle_checkpoints WHERE published = 0 ORDER BY size LIMIT ?')
      .all(limit) as CheckpointRow[];
    return rows.map(toCheckpoint);
  }

  async markPublished(sizes: readonly number[]): Promise<void> {
    const mark = this.writer.db.prepare('UPDATE merkle_checkpoints SET published = 1 WHERE size IN (SELECT value FROM json_each(?))');
    await this.writer.transaction(() => mark.run(JSON.stringify(sizes)));
  }

  /** Closes its reading connection; the file's writer is the event store's (or the caller's). */
  async close(): Promise<void> {
    if (this.reader !== this.writer.db) this.reader.close();
  }
}

/** The embedded store's events, read narrowly (a leaf needs three columns, not the event), through a connection that sees committed rows only. */
export class SqliteEventLeaves implements LeafSource {
  constructor(private readonly db: SqliteDatabase) {}

  async leavesAfter(position: number, max: number): Promise<LeafEvent[]> {
    const rows = this.db
      .prepare('SELECT position, hash, content_hash FROM events WHERE position > ? ORDER BY position LIMIT ?')
      .all(position, max) as Array<{ position: number; hash: string; content_hash: string }>;
    return rows.map((row) => ({ position: row.position, hash: row.hash, contentHash: row.content_hash }));
  }
}

const toCheckpoint = (row: CheckpointRow): SignedCheckpoint => ({
  size: row.size,
  rootHash: row.root_hash,
  time: row.time,
  keyId: row.key_id,
  signature: row.signature,
});

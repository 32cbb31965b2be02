import type { Pool } from 'pg';
import { EVENT_STORE_SCHEMA } from '@cx/event-store';
import type { LeafEvent } from '../event-leaf';
import type { LeafSource, MerkleLogStore, SignedCheckpoint, StoredLeaf, TreeGrowth, TreeHead } from '../merkle-log.port';
import { Hash, NodeId, nodeKey } from '../rfc6962';
import { MERKLE_LOG_SCHEMA, merkleLogMigrations } from './postgres-merkle-schema';
import { checkedSchema, inTransaction, migrate } from '@cx/postgres';

interface CheckpointRow {
  size: string;
  root_hash: string;
  time: string;
  key_id: string;
  signature: string;
}

const CHECKPOINT_COLUMNS = 'size, root_hash, time, key_id, signature';

/** The log's tables in PostgreSQL (schema `cx_merkle`), over the process's pool. */
export class PostgresMerkleLogStore implements MerkleLogStore {
  private constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  static async open(pool: Pool, options: { schema?: string } = {}): Promise<PostgresMerkleLogStore> {
    const schema = checkedSchema(options.schema ?? MERKLE_LOG_SCHEMA);
    await migrate(pool, schema, merkleLogMigrations(schema));
    return new PostgresMerkleLogStore(pool, schema);
  }

  async head(): Promise<TreeHead> {
    const { rows } = await this.pool.query<{ size: string; last_position: string; root_hash: Buffer }>(
      `SELECT size, last_position, root_hash FROM ${this.schema}.head`,
    );
    return { size: Number(rows[0].size), lastPosition: Number(rows[0].last_position), rootHash: rows[0].root_hash };
  }

  async grow(growth: TreeGrowth): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      const moved = await client.query(`UPDATE ${this.schema}.head SET size = $1, last_position = $2, root_hash = $3 WHERE size = $4`, [
        growth.to.size,
        growth.to.lastPosition,
        growth.to.rootHash,
        growth.from.size,
      ]);
      if (moved.rowCount === 0) return false;
      await client.query(
        `INSERT INTO ${this.schema}.leaves (leaf_index, position, hash) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bytea[])`,
        [growth.leaves.map((l) => l.index), growth.leaves.map((l) => l.position), growth.leaves.map((l) => l.hash)],
      );
      if (growth.nodes.length > 0) {
        await client.query(
          `INSERT INTO ${this.schema}.nodes (level, node_index, hash) SELECT * FROM unnest($1::integer[], $2::bigint[], $3::bytea[])`,
          [growth.nodes.map((n) => n.level), growth.nodes.map((n) => n.index), growth.nodes.map((n) => n.hash)],
        );
      }
      return true;
    });
  }

  async nodes(ids: readonly NodeId[]): Promise<Map<string, Hash>> {
    const leaves = ids.filter((id) => id.level === 0).map((id) => id.index);
    const inner = ids.filter((id) => id.level > 0);
    const found = new Map<string, Hash>();
    if (leaves.length > 0) {
      const { rows } = await this.pool.query<{ leaf_index: string; hash: Buffer }>(
        `SELECT leaf_index, hash FROM ${this.schema}.leaves WHERE leaf_index = ANY($1::bigint[])`,
        [leaves],
      );
      for (const row of rows) found.set(nodeKey({ level: 0, index: Number(row.leaf_index) }), row.hash);
    }
    if (inner.length > 0) {
      const { rows } = await this.pool.query<{ level: number; node_index: string; hash: Buffer }>(
        `SELECT n.level, n.node_index, n.hash FROM ${this.schema}.nodes n JOIN unnest($1::integer[], $2::bigint[]) AS w(level, node_index) USING (level, node_index)`,
        [inner.map((id) => id.level), inner.map((id) => id.index)],
      );
      for (const row of rows) found.set(nodeKey({ level: row.level, index: Number(row.node_index) }), row.hash);
    }
    return found;
  }

  async leaves(from: number, count: number): Promise<StoredLeaf[]> {
    const { rows } = await this.pool.query<{ leaf_index: string; position: string; hash: Buffer }>(
      `SELECT leaf_index, position, hash FROM ${this.schema}.leaves WHERE leaf_index >= $1 ORDER BY leaf_index LIMIT $2`,
      [from, count],
    );
    return rows.map((row) => ({ index: Number(row.leaf_index), position: Number(row.position), hash: row.hash }));
  }

  async leafIndexes(positions: readonly number[]): Promise<Map<number, number>> {
    const { rows } = await this.pool.query<{ position: string; leaf_index: string }>(
      `SELECT position, leaf_index FROM ${this.schema}.leaves WHERE position = ANY($1::bigint[])`,
      [[...positions]],
    );
    return new Map(rows.map((row) => [Number(row.position), Number(row.leaf_index)]));
  }

  async addCheckpoint(c: SignedCheckpoint): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.schema}.checkpoints (${CHECKPOINT_COLUMNS}) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (size) DO NOTHING`,
      [c.size, c.rootHash, c.time, c.keyId, c.signature],
    );
  }

  async checkpoints(limit: number, beforeSize?: number): Promise<SignedCheckpoint[]> {
    const { rows } = await this.pool.query<CheckpointRow>(
      `SELECT ${CHECKPOINT_COLUMNS} FROM ${this.schema}.checkpoints WHERE size < $1 ORDER BY size DESC LIMIT $2`,
      [beforeSize ?? Number.MAX_SAFE_INTEGER, limit],
    );
    return rows.map(toCheckpoint);
  }

  async unpublishedCheckpoints(limit: number): Promise<SignedCheckpoint[]> {
    const { rows } = await this.pool.query<CheckpointRow>(
      `SELECT ${CHECKPOINT_COLUMNS} FROM ${this.schema}.checkpoints WHERE NOT published ORDER BY size LIMIT $1`,
      [limit],
    );
    return rows.map(toCheckpoint);
  }

  async markPublished(sizes: readonly number[]): Promise<void> {
    await this.pool.query(`UPDATE ${this.schema}.checkpoints SET published = true WHERE size = ANY($1::bigint[])`, [[...sizes]]);
  }

  /** The pool is the process's. */
  async close(): Promise<void> {}
}

/** The PostgreSQL event store's events, read narrowly (positions commit in order, so none is passed over). */
export class PostgresEventLeaves implements LeafSource {
  constructor(
    private readonly pool: Pool,
    private readonly eventsSchema = EVENT_STORE_SCHEMA,
  ) {
    checkedSchema(eventsSchema);
  }

  async leavesAfter(position: number, max: number): Promise<LeafEvent[]> {
    const { rows } = await this.pool.query<{ position: string; hash: string; content_hash: string }>(
      `SELECT position, hash, content_hash FROM ${this.eventsSchema}.events WHERE position > $1 ORDER BY position LIMIT $2`,
      [position, max],
    );
    return rows.map((row) => ({ position: Number(row.position), hash: row.hash, contentHash: row.content_hash }));
  }
}

const toCheckpoint = (row: CheckpointRow): SignedCheckpoint => ({
  size: Number(row.size),
  rootHash: row.root_hash,
  time: row.time,
  keyId: row.key_id,
  signature: row.signature,
});

import Database from 'better-sqlite3';
import { Client } from 'pg';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainHash } from '@cx/event-store';
import { kafkaOptionsFrom } from '@cx/kafka';
import {
  checkpointSignedBy,
  eventLeafHash,
  leafHash,
  loadPublicKey,
  MemoryTree,
  parseCheckpoint,
  rangeHash,
  verifyInclusion,
} from '@cx/merkle-log';
import { describeWithPostgres, withClient, withDatabaseName } from '@cx/event-store/testing';
import { client, KEYS, RunningServer, startServer } from './support/cx-server';
import { interaction } from './support/cloud-events';
import { eventually } from './support/eventually';
import { findKafkaBroker, readTopic, testKafka, uniqueTopicPrefix } from '@cx/kafka/testing';
import { present } from '@cx/views/testing';

const CX = join(__dirname, '..', 'bin', 'cx.js');
const COVERED = 30;
const AFTER = 5;

/** A copy of the store as it stood after the checkpoint was exported, for one tampering. */
interface StoreCopy {
  env: Record<string, string>;
  /** Runs SQL on the event store's database; `?` placeholders on both dialects. */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Table names: the event store's and the Merkle log's. */
  tables: { events: string; streams: string; leaves: string; nodes: string; head: string };
  /** Drops the views, as allowed (they are rebuildable): verification must not need them. */
  dropViews(): Promise<void>;
  dispose(): Promise<void>;
}

interface Fixture {
  checkpointFile: string;
  copy(): Promise<StoreCopy>;
}

const cx = (env: Record<string, string>, ...args: string[]) =>
  spawnSync(process.execPath, [CX, ...args], {
    env: { ...process.env, CX_API_KEYS: 'k=ops', LOG_LEVEL: 'silent', CX_KAFKA_BROKERS: '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });

/**
 * Ingests COVERED events for a few customers (their streams interleaved), waits for the
 * server's own signed checkpoints to cover them, exports the last with the CLI, then ingests AFTER
 * more, so the store has moved on past the exported checkpoint as a live one would, and waits
 * for the checkpoint that covers them.
 */
async function ingestAndExport(server: RunningServer, env: Record<string, string>, file: string): Promise<void> {
  const ingest = client(server.url, KEYS.ingest);
  const ops = client(server.url, KEYS.ops);
  const batch = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) =>
      interaction({ id: `TE${(from + i) % 4}` }, { time: new Date(Date.UTC(2026, 1, 1) + (from + i) * 60_000).toISOString() }),
    );
  // Batches of ten, each signed before the next: the store keeps checkpoints at 10, 20 and 30.
  for (let i = 0; i < COVERED; i += 10) {
    expect((await ingest.post('/v1/events', batch(i, 10))).status).toBe(202);
    await eventually(async () => expect((await ops.get('/v1/ops/checkpoints')).body.checkpoints[0]?.size).toBe(i + 10), 20_000);
  }
  const exported = cx(env, 'checkpoint', 'export', '--out', file);
  expect(exported.stderr).toBe('');
  expect(exported.status).toBe(0);
  expect(parseCheckpoint(JSON.parse(readFileSync(file, 'utf8'))).size).toBe(COVERED);
  expect((await ingest.post('/v1/events', batch(COVERED, AFTER))).status).toBe(202);
  // Its checkpoint too: signed between the listing and the audit of checkProofsOverHttp, it made
  // the audit's checkpoint newer than the one listed (seen on a loaded machine).
  await eventually(async () => {
    const { body } = await ops.get('/v1/ops/checkpoints');
    expect([body.tree.size, body.checkpoints[0]?.size]).toEqual([COVERED + AFTER, COVERED + AFTER]);
  }, 20_000);
}

/** What an ops user sees of the log while the server runs: checkpoints, and audits with inclusion proofs. */
async function checkProofsOverHttp(server: RunningServer): Promise<void> {
  const ops = client(server.url, KEYS.ops);
  const listed = await ops.get('/v1/ops/checkpoints?limit=1');
  expect(listed.status).toBe(200);
  const latest = listed.body.checkpoints[0];
  expect(parseCheckpoint(latest)).toEqual(latest);
  expect((await client(server.url, KEYS.analyst).get('/v1/ops/checkpoints')).status).toBe(403);
  expect((await ops.get('/v1/ops/checkpoints?limit=0')).status).toBe(400);
  expect((await ops.get('/v1/ops/checkpoints?cursor=%%%')).status).toBe(400);

  const audit = await ops.get('/v1/ops/customers/TE1/audit?proof=true');
  expect(audit.status).toBe(200);
  expect(audit.body.checkpoint).toEqual(latest);
  const root = Buffer.from(latest.rootHash, 'hex');
  for (const event of audit.body.events) {
    const inclusion = event.inclusion;
    expect(JSON.parse(inclusion.leafInput)).toEqual({ contentHash: event.contentHash, hash: event.hash, position: event.position });
    const path = inclusion.path.map((h: string) => Buffer.from(h, 'hex'));
    expect(verifyInclusion(inclusion.leafIndex, latest.size, leafHash(Buffer.from(inclusion.leafInput, 'utf8')), path, root)).toBe(true);
    expect(
      verifyInclusion(
        inclusion.leafIndex,
        latest.size,
        leafHash(Buffer.from(inclusion.leafInput.replace('"position":', '"position":1'), 'utf8')),
        path,
        root,
      ),
    ).toBe(false);
  }
  expect((await ops.get('/v1/ops/customers/TE1/audit?proof=maybe')).status).toBe(400);
  expect((await ops.get('/v1/ops/customers/TE1/audit')).body.events[0].inclusion).toBeUndefined();
}

/** The events of a stream from a revision on, as stored. */
interface EventRow {
  position: number;
  stream_id: string;
  revision: number;
  customer_id: string;
  source: string;
  event_id: string;
  type: string;
  time_ms: number;
  recorded_at_ms: number;
  attributes: unknown;
  data: unknown;
  previous_hash: string | null;
  hash: string;
}

const parsed = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);

/** What someone with write access does to hide a change: alters an event and recomputes its stream's chain from there with the project's own chainHash. */
async function rewriteStreamFrom(store: StoreCopy, position: number): Promise<void> {
  const [first] = await store.sql<EventRow>(`SELECT * FROM ${store.tables.events} WHERE position = ?`, [position]);
  const rows = await store.sql<EventRow>(`SELECT * FROM ${store.tables.events} WHERE stream_id = ? AND revision >= ? ORDER BY revision`, [
    first.stream_id,
    first.revision,
  ]);
  let previous = first.previous_hash;
  for (const [i, row] of rows.entries()) {
    const data = parsed(row.data) as Record<string, unknown>;
    if (i === 0) data.channel = 'email';
    const hash = chainHash(previous, {
      streamId: row.stream_id,
      revision: row.revision,
      customerId: row.customer_id,
      source: row.source,
      id: row.event_id,
      type: row.type as never,
      time: Number(row.time_ms),
      recordedAt: Number(row.recorded_at_ms),
      attributes: parsed(row.attributes) as Record<string, unknown>,
      data,
    });
    await store.sql(`UPDATE ${store.tables.events} SET data = ?, previous_hash = ?, hash = ? WHERE position = ?`, [
      JSON.stringify(data),
      previous,
      hash,
      row.position,
    ]);
    previous = hash;
  }
  await store.sql(`UPDATE ${store.tables.streams} SET last_hash = ? WHERE stream_id = ?`, [previous, first.stream_id]);
}

/** Deletes an event and points its stream's head at the event before, so every chain still checks. */
async function deleteEvent(store: StoreCopy, position: number): Promise<void> {
  const [row] = await store.sql<EventRow>(`SELECT * FROM ${store.tables.events} WHERE position = ?`, [position]);
  await store.sql(`DELETE FROM ${store.tables.events} WHERE position = ?`, [position]);
  const next = await store.sql<EventRow>(`SELECT * FROM ${store.tables.events} WHERE stream_id = ? AND revision = ?`, [
    row.stream_id,
    row.revision + 1,
  ]);
  if (next.length === 0)
    await store.sql(`UPDATE ${store.tables.streams} SET revision = ?, last_hash = ? WHERE stream_id = ?`, [
      row.revision - 1,
      row.previous_hash,
      row.stream_id,
    ]);
}

/** Rewrites the stored tree (leaves, nodes, head) so it matches the events as they are now: what a thorough attacker adds. */
async function rebuildTree(store: StoreCopy): Promise<void> {
  const rows = await store.sql<{ position: number; hash: string; content_hash: string }>(
    `SELECT position, hash, content_hash FROM ${store.tables.events} ORDER BY position`,
  );
  const leaves = rows.map((r) => eventLeafHash({ position: Number(r.position), hash: r.hash, contentHash: r.content_hash }));
  const tree = MemoryTree.of(leaves);
  await store.sql(`DELETE FROM ${store.tables.leaves}`);
  await store.sql(`DELETE FROM ${store.tables.nodes}`);
  for (const [i, r] of rows.entries())
    await store.sql(`INSERT INTO ${store.tables.leaves} (leaf_index, position, hash) VALUES (?, ?, ?)`, [i, Number(r.position), leaves[i]]);
  for (let level = 1; 2 ** level <= rows.length; level++) {
    for (let index = 0; (index + 1) * 2 ** level <= rows.length; index++) {
      await store.sql(`INSERT INTO ${store.tables.nodes} (level, node_index, hash) VALUES (?, ?, ?)`, [
        level,
        index,
        tree.hash({ level, index }),
      ]);
    }
  }
  await store.sql(`UPDATE ${store.tables.head} SET size = ?, last_position = ?, root_hash = ?`, [
    rows.length,
    Number(rows[rows.length - 1].position),
    rangeHash(0, rows.length, tree),
  ]);
}

function describeTamperCases(fixture: () => Fixture): void {
  const verifyCopy = async (tamper: (store: StoreCopy) => Promise<void>) => {
    const store = await fixture().copy();
    try {
      await tamper(store);
      await store.dropViews();
      return cx(store.env, 'verify', '--checkpoint', fixture().checkpointFile);
    } finally {
      await store.dispose();
    }
  };

  it('passes on the untouched store, with the consistency proof to the tree that has grown since', async () => {
    const run = await verifyCopy(async () => undefined);
    expect(run.stdout).toMatch(new RegExp(`^ok: the store holds exactly the events of the checkpoint of ${COVERED} events`));
    expect(run.stdout).toContain(`ok: consistency proof from ${COVERED} to the stored tree's ${COVERED + AFTER} leaves verifies`);
    expect(run.status).toBe(0);
  });

  it('detects the newest event covered deleted, the store cut back to the checkpoint size first', async () => {
    const run = await verifyCopy(async (store) => {
      for (let p = COVERED + AFTER; p > COVERED; p--) await deleteEvent(store, p);
      await deleteEvent(store, COVERED);
    });
    expect(run.stdout).toContain(`the first difference is at position ${COVERED} (leaf ${COVERED - 1}), which is missing`);
    expect(run.status).toBe(1);
  });

  it('detects an event deleted in the middle', async () => {
    const run = await verifyCopy((store) => deleteEvent(store, 12));
    expect(run.stdout).toContain('the first difference is at position 12 (leaf 11), which differs');
    expect(run.status).toBe(1);
  });

  it('detects a stream rewritten from an event on, its chain recomputed with chainHash (every chain still checks)', async () => {
    const run = await verifyCopy((store) => rewriteStreamFrom(store, 14));
    expect(run.stdout).toContain('the first difference is at position 14 (leaf 13), which differs');
    expect(run.status).toBe(1);
    // The per-stream chains alone find nothing: that is the hole the tree closes.
    const store = await fixture().copy();
    try {
      await rewriteStreamFrom(store, 14);
      await store.dropViews();
      expect(cx(store.env, 'verify').stdout).toMatch(/^ok: \d+ events in \d+ streams check/);
    } finally {
      await store.dispose();
    }
  });

  it('detects two events that swapped places', async () => {
    const run = await verifyCopy(async (store) => {
      await store.sql(`UPDATE ${store.tables.events} SET position = -1 WHERE position = 8`);
      await store.sql(`UPDATE ${store.tables.events} SET position = 8 WHERE position = 21`);
      await store.sql(`UPDATE ${store.tables.events} SET position = 21 WHERE position = -1`);
    });
    expect(run.stdout).toContain('the first difference is at position 8 (leaf 7), which differs');
    expect(run.status).toBe(1);
  });

  it('detects the whole store truncated to an earlier size', async () => {
    const truncate = async (store: StoreCopy) => {
      for (let p = COVERED + AFTER; p > 25; p--) await deleteEvent(store, p);
    };
    const run = await verifyCopy(truncate);
    expect(run.stdout).toContain('the first difference is at position 26 (leaf 25), which is missing: the store has 25 events');
    expect(run.status).toBe(1);
    // Also when the tree is cut back with it: then only a range can be named, bounded by the signed checkpoints stored.
    const cut = await verifyCopy(async (store) => {
      await truncate(store);
      await store.sql(`DELETE FROM ${store.tables.leaves} WHERE leaf_index >= 25`);
      await store.sql(`DELETE FROM ${store.tables.nodes}`);
      await store.sql(`UPDATE ${store.tables.head} SET size = 25, last_position = 25`);
    });
    expect(cut.stdout).toContain('the first difference lies in leaves 20 to 29 (positions 21 to ');
    expect(cut.stdout).toContain('does not extend the checkpoint');
    expect(cut.status).toBe(1);
  });

  it('detects an event deleted when the tree tables were rebuilt to match, and bounds where', async () => {
    const run = await verifyCopy(async (store) => {
      await deleteEvent(store, 12);
      await rebuildTree(store);
    });
    expect(run.stdout).toMatch(
      /the first difference lies in leaves 10 to 19 \(positions 11 to \d+ as the store numbers them now\): the stored tree was altered too/,
    );
    expect(run.stdout).toContain('does not extend the checkpoint');
    expect(run.status).toBe(1);
  });

  it('detects an event altered after the checkpoint, against the leaf the tree took when it arrived', async () => {
    const run = await verifyCopy((store) => rewriteStreamFrom(store, COVERED + 2));
    expect(run.stdout).toMatch(/^ok: the store holds exactly the events of the checkpoint/);
    expect(run.stdout).toContain(`FAILED: the event at position ${COVERED + 2} (leaf ${COVERED + 1}), after the checkpoint, differs`);
    expect(run.status).toBe(1);
  });

  it('refuses a checkpoint file that was altered, and a file that is not a checkpoint', async () => {
    const store = await fixture().copy();
    const dir = mkdtempSync(join(tmpdir(), 'cx-cp-'));
    try {
      const original = JSON.parse(readFileSync(fixture().checkpointFile, 'utf8'));
      writeFileSync(join(dir, 'forged.json'), JSON.stringify({ ...original, size: original.size - 1 }));
      const forged = cx(store.env, 'verify', '--checkpoint', join(dir, 'forged.json'));
      expect(forged.stdout).toContain('is not signed by this key');
      expect(forged.status).toBe(1);
      writeFileSync(join(dir, 'junk.json'), '{"size": "many"}');
      const junk = cx(store.env, 'verify', '--checkpoint', join(dir, 'junk.json'));
      expect(junk.stderr).toContain('not a checkpoint');
      expect(junk.status).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await store.dispose();
    }
  });
}

describe('tamper evidence against a database writer (embedded SQLite store)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cx-tamper-'));
  const base = join(dir, 'base');
  const checkpointFile = join(dir, 'checkpoint.json');
  let copies = 0;

  beforeAll(async () => {
    const server = await startServer({ CX_DATA_DIR: base, CX_CHECKPOINT_INTERVAL_SECONDS: '1' });
    try {
      await ingestAndExport(server, { CX_DATA_DIR: base }, checkpointFile);
      await checkProofsOverHttp(server);
    } finally {
      await server.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describeTamperCases(() => ({
    checkpointFile,
    copy: async () => {
      const dataDir = join(dir, `copy-${++copies}`);
      cpSync(base, dataDir, { recursive: true });
      const db = new Database(join(dataDir, 'events.sqlite'));
      return {
        env: { CX_DATA_DIR: dataDir },
        sql: async (text, params = []) => {
          const statement = db.prepare(text);
          return (statement.reader ? statement.all(...params) : (statement.run(...params), [])) as never[];
        },
        tables: { events: 'events', streams: 'streams', leaves: 'merkle_leaves', nodes: 'merkle_nodes', head: 'merkle_head' },
        dropViews: async () => rmSync(join(dataDir, 'views.sqlite'), { force: true }),
        dispose: async () => {
          db.close();
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    },
  }));
});

describeWithPostgres('tamper evidence against a database writer (PostgreSQL)', (database) => {
  const dir = mkdtempSync(join(tmpdir(), 'cx-tamper-pg-'));
  const checkpointFile = join(dir, 'checkpoint.json');
  const keyFile = join(dir, 'signing-key.pem');
  const env = () => ({
    CX_EVENT_STORE: 'postgres',
    CX_VIEW_STORE: 'postgres',
    CX_POSTGRES_URL: database.url,
    CX_SIGNING_KEY_FILE: keyFile,
  });
  let copies = 0;

  beforeAll(async () => {
    const server = await startServer({ ...env(), CX_DATA_DIR: join(dir, 'data'), CX_CHECKPOINT_INTERVAL_SECONDS: '1' });
    try {
      await ingestAndExport(server, { ...env(), CX_DATA_DIR: join(dir, 'data') }, checkpointFile);
      await checkProofsOverHttp(server);
    } finally {
      await server.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describeTamperCases(() => ({
    checkpointFile,
    copy: async () => {
      const source = new URL(database.url).pathname.slice(1);
      const name = `${source}_copy${++copies}`;
      await withClient(database.url, (admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE ${source}`));
      const url = withDatabaseName(database.url, name);
      // One connection for the copy's tampering: a tampering is many statements.
      const pg = new Client({ connectionString: url });
      await pg.connect();
      return {
        env: { ...env(), CX_POSTGRES_URL: url, CX_DATA_DIR: join(dir, 'data') },
        sql: async (text, params = []) => {
          let n = 0;
          return (
            await pg.query(
              text.replace(/\?/g, () => `$${++n}`),
              params,
            )
          ).rows;
        },
        tables: {
          events: 'cx_events.events',
          streams: 'cx_events.streams',
          leaves: 'cx_merkle.leaves',
          nodes: 'cx_merkle.nodes',
          head: 'cx_merkle.head',
        },
        dropViews: async () => {
          await pg.query('DROP SCHEMA cx_views CASCADE');
        },
        dispose: async () => {
          await pg.end();
          await withClient(database.url, (admin) => admin.query(`DROP DATABASE ${name} WITH (FORCE)`));
        },
      };
    },
  }));
});

/** SPEC §4.2: copies of the checkpoints outside the database, on Kafka. */
describe('checkpoints published to cx.checkpoints', () => {
  it('publishes each signed checkpoint once signed, in order, verifiable with the public key', async () => {
    const broker = await findKafkaBroker();
    const prefix = uniqueTopicPrefix('checkpoints');
    // The in-process server reads the prefix from the environment, as the other Kafka suites set it.
    process.env.CX_KAFKA_TOPIC_PREFIX = prefix;
    const server = await startServer({ CX_KAFKA_BROKERS: broker.brokers.join(','), CX_CHECKPOINT_INTERVAL_SECONDS: '1' });
    try {
      const ingest = client(server.url, KEYS.ingest);
      for (let i = 0; i < 3; i++) {
        await ingest.post('/v1/events', [interaction({ id: 'KC1' }), interaction({ id: 'KC2' })]);
        await eventually(
          async () => expect((await client(server.url, KEYS.ops).get('/v1/ops/checkpoints')).body.checkpoints[0]?.size).toBe(2 * (i + 1)),
          20_000,
        );
      }
      const topic = kafkaOptionsFrom({ kafkaBrokers: broker.brokers }, { CX_KAFKA_TOPIC_PREFIX: prefix }).topics.checkpoints;
      // Published right after signing, so the topic may still be on its way.
      let messages: Awaited<ReturnType<typeof readTopic>> = [];
      await eventually(async () => void (messages = await readTopic(testKafka(broker.brokers), topic, 3, 10_000)), 30_000);
      const published = messages.map((m) => parseCheckpoint(JSON.parse(present(m.value).toString())));
      expect(published.map((c) => c.size)).toEqual([2, 4, 6]);
      const key = loadPublicKey(join(server.dataDir, 'checkpoint-signing-key.pem'));
      for (const checkpoint of published) expect(checkpointSignedBy(checkpoint, key)).toBe(true);
      expect(messages.every((m) => m.key?.toString() === 'checkpoint' && m.partition === 0)).toBe(true);
    } finally {
      await server.close();
      delete process.env.CX_KAFKA_TOPIC_PREFIX;
      await broker.release();
    }
  });
});

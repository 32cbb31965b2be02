import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { systemClock } from '@cx/clock';
import type { EventOutcome, StoredEvent, Subscription } from '../event-store.port';
import { appendToStream } from '../event-store.port';
import { chainHash, checkStreamChain } from '../hash-chain';
import { waitFor } from '../testing/event-store.contract';
import { describeWithPostgres } from '../testing/postgres-server';
import { proposedEvent } from '../testing/proposed-event';
import { migrate, openPostgresPool } from '@cx/postgres';
import { eventStoreMigrations } from './postgres-schema';
import { PostgresEventStore } from './postgres-event-store';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every event after `after`, read page by page. */
async function readAllAfter(store: PostgresEventStore, after: number): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (let page = await store.readAll({ after, maxCount: 200 }); page.length > 0; page = await store.readAll({ after, maxCount: 200 })) {
    events.push(...page);
    after = page[page.length - 1].position;
  }
  return events;
}

function follow(store: PostgresEventStore, after: number): { seen: StoredEvent[]; subscription: Subscription } {
  const seen: StoredEvent[] = [];
  const subscription = store.subscribe({ after, batchSize: 7, onBatch: async (batch) => void seen.push(...batch) });
  return { seen, subscription };
}

describeWithPostgres('PostgreSQL event store under concurrency', (database) => {
  let pool: Pool;
  let store: PostgresEventStore;
  const table = (name: string) => `${database.schema}.${name}`;

  beforeAll(async () => {
    pool = openPostgresPool(database.url, { max: 12 });
    store = await PostgresEventStore.open(pool, systemClock, { schema: database.schema });
  });
  afterAll(async () => {
    await store.close();
    await pool.end();
  });

  /**
   * A transaction of another writer that has taken the next position and inserted its
   * event, then waits before COMMIT: the late committer that a sequence-based store skips.
   */
  async function beginSlowAppend(streamId: string): Promise<{ client: Client; position: number }> {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    await client.query('BEGIN');
    const { rows } = await client.query<{ position: string }>(`UPDATE ${table('head')} SET position = position + 1 RETURNING position`);
    const position = Number(rows[0].position);
    const event = proposedEvent({ customerId: streamId });
    const recordedAt = Date.now();
    const hash = chainHash(null, { ...event, streamId, revision: 0, recordedAt });
    await client.query(
      `INSERT INTO ${table('events')} (position, stream_id, revision, customer_id, source, event_id, type, time_ms, recorded_at_ms, attributes, data, content_hash, previous_hash, hash)
       VALUES ($1, $2, 0, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, $12)`,
      [
        position,
        streamId,
        event.customerId,
        event.source,
        event.id,
        event.type,
        event.time,
        recordedAt,
        JSON.stringify(event.attributes),
        JSON.stringify(event.data),
        event.contentHash,
        hash,
      ],
    );
    return { client, position };
  }

  it('never lets readers or subscribers pass a position whose transaction has not committed, and shows it once it has', async () => {
    const start = await store.headPosition();
    const { seen, subscription } = follow(store, start);
    const slow = await beginSlowAppend(`slow-${randomUUID()}`);
    try {
      const others = Array.from({ length: 10 }, () => {
        const s = `c-${randomUUID()}`;
        return appendToStream(store, { streamId: s, events: [proposedEvent({ customerId: s })] });
      });
      await sleep(1_500);
      expect(await store.readAll({ after: start, maxCount: 100 })).toEqual([]);
      expect(await store.headPosition()).toBe(start);
      expect(seen).toEqual([]);

      await slow.client.query('COMMIT');
      const positions = (await Promise.all(others)).map((result) => result.outcomes[0].position);
      expect(Math.min(...positions)).toBeGreaterThan(slow.position);

      await waitFor(() => seen.length >= 11);
      expect(seen.map((e) => e.position)).toEqual([slow.position, ...[...positions].sort((a, b) => a - b)]);
      expect((await readAllAfter(store, start)).map((e) => e.position)).toEqual(seen.map((e) => e.position));
    } finally {
      await subscription.stop();
      await slow.client.end();
    }
  });

  it('gives a rolled back position to the next append, so the global order has no holes', async () => {
    const slow = await beginSlowAppend(`rolled-back-${randomUUID()}`);
    await slow.client.query('ROLLBACK');
    await slow.client.end();
    const s = `c-${randomUUID()}`;
    const next = await appendToStream(store, { streamId: s, events: [proposedEvent({ customerId: s })] });
    expect(next.outcomes[0].position).toBe(slow.position);
  });

  it('keeps one dense global order, seen live by a subscriber, while many writers append to shared streams', async () => {
    const start = await store.headPosition();
    const { seen, subscription } = follow(store, start);
    const streams = Array.from({ length: 12 }, () => `c-${randomUUID()}`);
    const accepted: EventOutcome[] = [];
    const writer = async (w: number) => {
      for (let round = 0; round < 25; round++) {
        const streamId = streams[(w * 7 + round) % streams.length];
        const events = Array.from({ length: 1 + ((w + round) % 6) }, () => proposedEvent({ customerId: streamId }));
        const other = streams[(w + round * 5) % streams.length];
        const results = await store.append([
          { streamId, expectedRevision: 'any', events },
          ...(other === streamId ? [] : [{ streamId: other, events: [proposedEvent({ customerId: other })] }]),
        ]);
        for (const result of results) if (result.ok) accepted.push(...result.outcomes);
      }
    };
    try {
      await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
      const all = await readAllAfter(store, start);
      expect(all.map((e) => e.position)).toEqual(all.map((_, i) => start + i + 1));
      expect(accepted.every((o) => o.status === 'accepted')).toBe(true);
      expect(accepted.map((o) => o.position).sort((a, b) => a - b)).toEqual(all.map((e) => e.position));
      await waitFor(() => seen.length >= all.length);
      expect(seen.map((e) => e.position)).toEqual(all.map((e) => e.position));
      for (const s of streams) {
        const stream = await store.readStream(s);
        expect(stream.map((e) => e.revision)).toEqual(stream.map((_, i) => i));
        expect(checkStreamChain(stream).every((c) => c.checks)).toBe(true);
      }
    } finally {
      await subscription.stop();
    }
  });

  it('stores an event appended by many writers at once exactly once, in the same stream or in different ones', async () => {
    const event = proposedEvent({ customerId: 'c-race' });
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) => {
        const streamId = i % 2 === 0 ? `c-${randomUUID()}` : 'c-race-shared';
        return appendToStream(store, { streamId, events: [{ ...event, customerId: streamId }] }).then((r) => r.outcomes[0]);
      }),
    );
    expect(outcomes.filter((o) => o.status === 'accepted')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'duplicate')).toHaveLength(11);
    expect(new Set(outcomes.map((o) => o.position)).size).toBe(1);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ${table('events')} WHERE source = $1 AND event_id = $2`, [
      event.source,
      event.id,
    ]);
    expect(rows[0].n).toBe(1);
  });

  it('answers id_conflict to every concurrent writer of the same key with other content but the first', async () => {
    const event = proposedEvent({ customerId: 'c-conflict' });
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) => {
        const streamId = `c-${randomUUID()}`;
        const variant = { ...event, customerId: streamId, contentHash: `content-${i}` };
        return appendToStream(store, { streamId, events: [variant] }).then((r) => r.outcomes[0]);
      }),
    );
    expect(outcomes.filter((o) => o.status === 'accepted')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'id_conflict')).toHaveLength(7);
  });

  it('creates a new stream once when concurrent writers all expect it not to exist', async () => {
    const s = `c-${randomUUID()}`;
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        store.append([{ streamId: s, expectedRevision: 'no_stream', events: [proposedEvent({ customerId: s })] }]),
      ),
    );
    expect(results.filter(([r]) => r.ok)).toHaveLength(1);
    const refused = results.filter(([r]) => !r.ok).map(([r]) => r);
    expect(refused).toEqual(Array.from({ length: 7 }, () => expect.objectContaining({ error: 'wrong_expected_revision', actual: 0 })));
    expect(await store.readStream(s)).toHaveLength(1);
  });

  it('stores ids and customer ids that PostgreSQL text cannot hold (U+0000) and gives them back unchanged', async () => {
    const s = `c-\u0000-\u0001-${randomUUID()}`;
    const event = proposedEvent({
      customerId: s,
      id: `id-\u0000\u00010-${randomUUID()}`,
      data: { customer: { id: s }, summary: 'nul \u0000 inside' },
    });
    const written = await appendToStream(store, { streamId: s, events: [event] });
    const [stored] = await store.readStream(s);
    expect([stored.streamId, stored.customerId, stored.id, stored.data]).toEqual([s, s, event.id, event.data]);
    expect(checkStreamChain([stored])[0].checks).toBe(true);
    expect((await appendToStream(store, { streamId: s, events: [event] })).outcomes).toEqual([
      { ...written.outcomes[0], status: 'duplicate' },
    ]);
  });

  it('migrates once when several processes start at the same moment', async () => {
    const schema = `cx_migrate_${process.pid}`;
    try {
      await Promise.all(Array.from({ length: 6 }, () => migrate(pool, schema, eventStoreMigrations(schema))));
      const { rows } = await pool.query(`SELECT version FROM ${schema}.schema_migrations`);
      expect(rows).toEqual(eventStoreMigrations(schema).map(({ version }) => ({ version })));
    } finally {
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  });
});

import { randomUUID } from 'node:crypto';
import { AddressInfo, createServer, Server, connect as connectTcp } from 'node:net';
import { Client, Pool } from 'pg';
import { openPostgresPool } from '@cx/postgres';
import { systemClock } from '@cx/clock';
import type { EventOutcome, StoredEvent, StreamWrite, WriteResult } from '../event-store.port';
import { waitFor } from '../testing/event-store.contract';
import { describeWithPostgres } from '../testing/postgres-server';
import { privateClusterTools, PrivateCluster, startPrivateCluster } from '../testing/private-postgres';
import { proposedEvent } from '../testing/proposed-event';
import { stopIfStarted } from '../testing/started';
import { PostgresEventStore } from './postgres-event-store';

const APPENDER = 'cx-fault-appender';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A batch as ingest makes it: `size` events over `customers` customers, one write per customer. */
function ingestBatch(size: number, customers: number): StreamWrite[] {
  const tag = randomUUID();
  const writes = Array.from({ length: customers }, (_, c): StreamWrite => ({
    streamId: `c-${tag}-${c}`,
    expectedRevision: 'any',
    events: [],
  }));
  for (let i = 0; i < size; i++) writes[i % customers].events.push(proposedEvent({ customerId: writes[i % customers].streamId }));
  return writes;
}

const outcomesOf = (results: WriteResult[]): EventOutcome[] =>
  results.flatMap((r) => {
    if (!r.ok) throw new Error(`write refused: ${JSON.stringify(r)}`);
    return r.outcomes;
  });

const statusesOf = (results: WriteResult[]) => [...new Set(outcomesOf(results).map((o) => o.status))];

async function settle<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/** The ingest client's side: send, and on an error send the same batch again until it is answered. */
async function appendUntilAnswered(
  store: PostgresEventStore,
  batch: StreamWrite[],
): Promise<{ first: 'answered' | 'error'; final: WriteResult[] }> {
  let first: 'answered' | 'error' | undefined;
  for (let attempt = 0; attempt < 100; attempt++) {
    const result = await settle(store.append(batch));
    first ??= result.ok ? 'answered' : 'error';
    if (result.ok) return { first, final: result.value };
    await sleep(100);
  }
  throw new Error('the batch was never answered');
}

async function readEverything(store: PostgresEventStore): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (let after = 0; ;) {
    const page = await store.readAll({ after, maxCount: 1000 });
    if (page.length === 0) return events;
    events.push(...page);
    after = page[page.length - 1].position;
  }
}

/** The appends answered (first try or retried) are exactly what is stored: each event once, positions without holes. */
function expectStoredExactly(stored: StoredEvent[], batches: StreamWrite[][]): void {
  const sent = batches.flatMap((batch) => batch.flatMap((w) => w.events.map((e) => `${e.source}|${e.id}`)));
  expect(stored.map((e) => `${e.source}|${e.id}`).sort()).toEqual([...sent].sort());
  expect(stored.map((e) => e.position)).toEqual(stored.map((_, i) => i + 1));
}

describeWithPostgres('PostgreSQL event store faults', (database) => {
  let admin: Pool;

  beforeAll(() => {
    admin = openPostgresPool(database.url, { max: 2 });
  });
  afterAll(async () => admin.end());

  async function openAppender(): Promise<{ store: PostgresEventStore; pool: Pool; schema: string; close: () => Promise<void> }> {
    const schema = `cx_faults_${randomUUID().slice(0, 8)}`;
    const pool = new Pool({ connectionString: database.url, max: 3, application_name: APPENDER });
    const store = await PostgresEventStore.open(pool, systemClock, { schema });
    return {
      store,
      pool,
      schema,
      close: async () => {
        await store.close();
        await pool.end();
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      },
    };
  }

  const terminateAppenders = (where = 'true') =>
    admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database() AND ${where}`,
      [APPENDER],
    );

  it('fails a batch whose connection is killed mid-append, stores none of it, and stores it once when retried', async () => {
    const { store, schema, close } = await openAppender();
    const blocker = new Client({ connectionString: database.url });
    try {
      // Hold the head row so the append stops at its last statement, inside its transaction.
      await blocker.connect();
      await blocker.query('BEGIN');
      await blocker.query(`SELECT position FROM ${schema}.head FOR UPDATE`);
      const batch = ingestBatch(300, 30);
      const attempt = settle(store.append(batch));
      await pollUntil(
        async () =>
          (await admin.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [APPENDER]))
            .rowCount === 1,
      );
      await terminateAppenders(`wait_event_type = 'Lock'`);
      await blocker.query('ROLLBACK');

      const killed = await attempt;
      expect(killed.ok).toBe(false);
      expect(await readEverything(store)).toEqual([]);

      const retried = await store.append(batch);
      expect(statusesOf(retried)).toEqual(['accepted']);
      const again = await store.append(batch);
      expect(outcomesOf(again)).toEqual(outcomesOf(retried).map((o) => ({ ...o, status: 'duplicate' })));
      expectStoredExactly(await readEverything(store), [batch]);
    } finally {
      await blocker.end();
      await close();
    }
  });

  it('fails a batch whose COMMIT answer is lost, yet keeps it: the retry is answered duplicate with the first positions', async () => {
    const proxy = await answerDroppingProxy(database.url);
    const schema = `cx_faults_${randomUUID().slice(0, 8)}`;
    const pool = new Pool({ connectionString: proxy.url, max: 2 });
    const store = await PostgresEventStore.open(pool, systemClock, { schema });
    try {
      const batch = ingestBatch(50, 5);
      proxy.dropNextCommitAnswer();
      const lost = await settle(store.append(batch));
      expect(lost.ok).toBe(false);
      const stored = await readEverything(store);
      expectStoredExactly(stored, [batch]);

      const retried = await store.append(batch);
      expect(statusesOf(retried)).toEqual(['duplicate']);
      expect(
        outcomesOf(retried)
          .map((o) => o.position)
          .sort((a, b) => a - b),
      ).toEqual(stored.map((e) => e.position));
    } finally {
      await store.close();
      await pool.end();
      await proxy.close();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    }
  });

  /**
   * What the store holds, read by a reader of its own: a backend is terminated after
   * pg_terminate_backend returns, so one the appender's pool got back idle may die after the
   * last append, and a read on it fails (seen on a loaded machine).
   */
  async function readByAnotherClient(schema: string): Promise<StoredEvent[]> {
    const pool = new Pool({ connectionString: database.url, max: 1 });
    const reader = await PostgresEventStore.open(pool, systemClock, { schema });
    try {
      return await readEverything(reader);
    } finally {
      await reader.close();
      await pool.end();
    }
  }

  it('answers every batch, error or success, when connections are killed at random moments; retries are duplicates, never second copies', async () => {
    const { store, schema, close } = await openAppender();
    try {
      const warmUp = ingestBatch(200, 20);
      const timed = Date.now();
      await store.append(warmUp);
      const appendMs = Math.max(2, Date.now() - timed);
      const batches: StreamWrite[][] = [warmUp];
      let errors = 0;
      for (let round = 0; round < 30; round++) {
        const batch = ingestBatch(200, 20);
        batches.push(batch);
        const first = settle(store.append(batch));
        await sleep(Math.random() * appendMs * 1.5);
        await terminateAppenders(`state <> 'idle'`);
        const answer = await first;
        if (answer.ok) continue;
        errors += 1;
        const { final } = await appendUntilAnswered(store, batch);
        // All or nothing: the killed transaction either committed (duplicates now) or left no trace.
        expect([['accepted'], ['duplicate']]).toContainEqual(statusesOf(final));
      }
      expect(errors).toBeGreaterThan(0);
      expectStoredExactly(await readByAnotherClient(schema), batches);
    } finally {
      await close();
    }
  });

  it('heals its pool after every connection it holds is killed', async () => {
    const { store, pool, close } = await openAppender();
    try {
      await Promise.all(Array.from({ length: 3 }, () => store.ping()));
      expect(pool.totalCount).toBeGreaterThan(0);
      await terminateAppenders();
      const { final } = await appendUntilAnswered(store, ingestBatch(10, 2));
      expect(statusesOf(final)).toEqual(['accepted']);
      await store.ping();
    } finally {
      await close();
    }
  });

  describeWithServerBinaries('a real server crash and restart (a private cluster: pg_ctl restart -m immediate)', () => {
    let cluster: PrivateCluster;
    beforeAll(async () => {
      cluster = await startPrivateCluster(privateClusterTools() as Parameters<typeof startPrivateCluster>[0]);
    }, 120_000);
    afterAll(() => stopIfStarted(cluster, (it) => it.stop()));

    it('loses no answered event, stores no retried one twice, and the pool and subscriptions carry on', async () => {
      const pool = new Pool({ connectionString: cluster.url, max: 4 });
      const store = await PostgresEventStore.open(pool, systemClock);
      const seen: StoredEvent[] = [];
      const subscription = store.subscribe({ after: 0, onBatch: async (batch) => void seen.push(...batch), onError: () => undefined });
      try {
        const batches = Array.from({ length: 40 }, () => ingestBatch(100, 10));
        const firstTries: string[] = [];
        const writer = (async () => {
          for (const batch of batches) {
            const { first, final } = await appendUntilAnswered(store, batch);
            firstTries.push(first);
            expect([['accepted'], ['duplicate']]).toContainEqual(statusesOf(final));
            await sleep(20);
          }
        })();
        await sleep(200);
        await cluster.restart();
        await writer;

        expect(firstTries).toContain('error');
        const stored = await readEverything(store);
        expectStoredExactly(stored, batches);
        await waitFor(() => seen.length >= stored.length, 20_000);
        expect(seen.map((e) => e.position)).toEqual(stored.map((e) => e.position));
      } finally {
        await subscription.stop();
        await store.close();
        await pool.end();
      }
    });
  });
});

/** The server's CommandComplete message for COMMIT: 'C', length 11, "COMMIT\\0". */
const COMMIT_ANSWER = Buffer.from([0x43, 0, 0, 0, 11, ...Buffer.from('COMMIT\0')]);

/**
 * A TCP proxy in front of the server that, when armed, cuts the connection instead of
 * passing on the answer to a COMMIT: the transaction is durable, the client never hears so.
 */
async function answerDroppingProxy(serverUrl: string): Promise<{ url: string; dropNextCommitAnswer(): void; close(): Promise<void> }> {
  const target = new URL(serverUrl);
  let armed = false;
  const server: Server = createServer((client) => {
    const upstream = connectTcp(Number(target.port || 5432), target.hostname);
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', cut);
    upstream.on('error', cut);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (armed && chunk.includes(COMMIT_ANSWER)) {
        armed = false;
        cut();
        return;
      }
      client.write(chunk);
    });
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxied = new URL(serverUrl);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((server.address() as AddressInfo).port);
  return {
    url: proxied.toString(),
    dropNextCommitAnswer: () => {
      armed = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function pollUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await sleep(10);
  }
}

/** The crash test needs initdb and pg_ctl on this machine (Debian's postgresql package has them); without them it fails saying so. */
function describeWithServerBinaries(name: string, body: () => void): void {
  const tools = privateClusterTools();
  if ('missing' in tools) {
    describe(name, () =>
      it('has initdb and pg_ctl to run a private cluster', () => {
        throw new Error(tools.missing);
      }),
    );
    return;
  }
  describe(name, body);
}

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { systemClock } from '@cx/clock';
import { contentHashOf, EventStore, ProposedEvent, StreamWrite } from '@cx/event-store';
import { openSqlite, SqliteWriter } from '@cx/sqlite';
import type { BenchRow } from './bench-row';
import { postgresServerUrl, scratchDatabase } from './postgres-database';
import { progress } from './progress';
import { PostgresEventStore, SqliteEventStore } from '@cx/event-store/adapters';

export interface EventStoreBenchOptions {
  /** Events appended in batches of 100, then read back with readAll. */
  batchedEvents?: number;
  /** Events appended one per append, one append at a time. */
  singleEvents?: number;
  /** Customers (streams) the events are spread over. */
  customers?: number;
  /** The PostgreSQL server to measure on (a scratch database of its own); by default CX_POSTGRES_URL, PGURL or the local server. `null`: SQLite only. */
  postgresUrl?: string | null;
}

interface StoreUnderBench {
  name: string;
  store: EventStore;
  dispose(): Promise<void>;
}

const BATCH = 100;
const READ_PAGE = 1_000;

/**
 * Issue 3's figures: append throughput (events/s) in batches of 100 and of 1, and the rate
 * of a global readAll (events/s), on SQLite and on PostgreSQL. Each store is a fresh one
 * (a temporary file; a database of its own, dropped after), appended to by one writer.
 */
export async function benchEventStores(options: EventStoreBenchOptions = {}): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const sqlite = openSqliteUnderBench();
  rows.push(...(await benchOne(sqlite, options)));
  const postgres = await openPostgresUnderBench(options.postgresUrl);
  if (postgres) rows.push(...(await benchOne(postgres, options)));
  return rows;
}

async function benchOne(subject: StoreUnderBench, options: EventStoreBenchOptions): Promise<BenchRow[]> {
  const batched = options.batchedEvents ?? 20_000;
  const single = options.singleEvents ?? 500;
  const customers = options.customers ?? 1_000;
  const tag = randomBytes(4).toString('hex');
  try {
    const inBatches = await timed(batched, async () => {
      for (let sent = 0; sent < batched; sent += BATCH) {
        await subject.store.append(ingestWrites(tag, sent, Math.min(BATCH, batched - sent), customers));
        progress(`stores: ${subject.name}: appended ${sent + BATCH}/${batched} in batches`);
      }
    });
    const oneByOne = await timed(single, async () => {
      for (let i = 0; i < single; i++) {
        await subject.store.append(ingestWrites(`${tag}-single`, i, 1, customers));
        progress(`stores: ${subject.name}: appended ${i + 1}/${single} one by one`);
      }
    });
    let read = 0;
    const reading = await timed(batched + single, async () => {
      for (let page = await subject.store.readAll({ after: 0, maxCount: READ_PAGE }); page.length > 0;) {
        read += page.length;
        page = await subject.store.readAll({ after: page[page.length - 1].position, maxCount: READ_PAGE });
      }
    });
    if (read !== batched + single) throw new Error(`${subject.name}: readAll gave ${read} events, ${batched + single} were appended`);
    return [
      { name: `event store append, batches of ${BATCH} (${subject.name})`, value: inBatches, unit: 'events/s' },
      { name: `event store append, batches of 1 (${subject.name})`, value: oneByOne, unit: 'events/s' },
      { name: `event store readAll, pages of ${READ_PAGE} (${subject.name})`, value: reading, unit: 'events/s' },
    ];
  } finally {
    await subject.dispose();
  }
}

/** Events per second of `work`, which handles `events` events. */
async function timed(events: number, work: () => Promise<void>): Promise<number> {
  const began = performance.now();
  await work();
  return Math.round(events / ((performance.now() - began) / 1000));
}

/** `count` interaction events from number `first` on, one write per customer, as ingest groups them. */
function ingestWrites(tag: string, first: number, count: number, customers: number): StreamWrite[] {
  const writes = new Map<string, StreamWrite>();
  for (let i = first; i < first + count; i++) {
    const event = benchEvent(tag, i, customers);
    const write = writes.get(event.customerId) ?? { streamId: event.customerId, expectedRevision: 'any', events: [] };
    write.events.push(event);
    writes.set(event.customerId, write);
  }
  return [...writes.values()];
}

function benchEvent(tag: string, i: number, customers: number): ProposedEvent {
  const customerId = `c-${i % customers}`;
  const time = Date.UTC(2025, 0, 1) + i * 1000;
  const attributes = {
    specversion: '1.0',
    id: `bench-${tag}-${i}`,
    source: '/channels/bench',
    type: 'cx.interaction.recorded.v1',
    time: new Date(time).toISOString(),
  };
  const data = { customer: { id: customerId }, channel: 'phone', direction: 'inbound', durationSeconds: 120 };
  return {
    id: attributes.id,
    source: attributes.source,
    type: 'cx.interaction.recorded.v1',
    customerId,
    time,
    attributes,
    data,
    contentHash: contentHashOf({ ...attributes, data }),
  };
}

function openSqliteUnderBench(): StoreUnderBench {
  const dir = mkdtempSync(join(tmpdir(), 'cx-bench-events-'));
  const db = openSqlite(join(dir, 'events.sqlite'));
  const store = new SqliteEventStore(new SqliteWriter(db), systemClock);
  return {
    name: 'sqlite',
    store,
    dispose: async () => {
      await store.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A store in a database of its own on the server (created here, dropped after), or undefined (with a note) when no server answers. */
async function openPostgresUnderBench(configured: string | null | undefined): Promise<StoreUnderBench | undefined> {
  if (configured === null) return undefined;
  const server = configured ?? postgresServerUrl();
  let database: Awaited<ReturnType<typeof scratchDatabase>>;
  try {
    database = await scratchDatabase(server, 'stores');
  } catch (error) {
    console.warn(
      `event store bench: no PostgreSQL at ${server.replace(/\/\/[^@]*@/, '//…@')} (${(error as Error).message}); PostgreSQL figures left out`,
    );
    return undefined;
  }
  const pool = new Pool({ connectionString: database.url, max: 4 });
  pool.on('error', () => undefined);
  const store = await PostgresEventStore.open(pool, systemClock, { schema: 'cx_bench' });
  return {
    name: 'postgres',
    store,
    dispose: async () => {
      await store.close();
      await pool.end();
      await database.drop();
    },
  };
}

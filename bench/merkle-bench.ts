import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import type { INestApplicationContext } from '@nestjs/common';
import { EVENT_LOG, EventStore } from '@cx/event-store';
import { RecordEventsCommand } from '@cx/ingest';
import { CheckpointWriterModule, MerkleLog, MerkleLogModule } from '@cx/merkle-log';
import { benchContext } from './bench-app';
import { benchEvent, writesOf } from './bench-events';
import type { BenchRow } from './bench-row';
import { postgresServerUrl, scratchDatabase } from './postgres-database';

// Compiled to dist/bench: the CLI is at the repository's bin/.
const CX = join(__dirname, '..', '..', 'bin', 'cx.js');
const BATCH = 100;

export interface MerkleBenchOptions {
  /** Events appended per run of the on/off comparison. */
  events: number;
  /** Pairs of runs (off and on, the order alternating), per store. */
  rounds: number;
  /** Events in the store `cx verify --checkpoint` checks. */
  verifyEvents: number;
}

type Store = 'sqlite' | 'postgres';

/**
 * Issue 16.1: the cost of the Merkle log to appends, and the rate of `cx verify --checkpoint`.
 * On/off: the ingest command (validate, resolve, seal, append) in batches of 100 into a fresh
 * store, with the checkpoint writer running in the same process (extending the tree, signing
 * every second) or not at all; runs alternate off/on, on/off in one process so a busy
 * machine weighs on both alike; the median of each is compared. The tree's lag (time after
 * the last append until it covers every event) is printed too: the writer must keep up.
 */
export async function benchMerkle(options: MerkleBenchOptions): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const store of ['sqlite', 'postgres'] as const) {
    rows.push(...(await appendCost(store, options)));
    rows.push(await verifyRate(store, options.verifyEvents));
  }
  return rows;
}

const CUSTOMERS = 2000;

async function appendCost(store: Store, options: MerkleBenchOptions): Promise<BenchRow[]> {
  const events = eventsFrom(0, options.events);
  const off: number[] = [];
  const on: number[] = [];
  const lags: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? [false, true] : [true, false];
    for (const withTree of order) {
      const run = await appendRun(store, events, withTree);
      (withTree ? on : off).push(run.rate);
      if (withTree) lags.push(run.lagMs);
    }
  }
  const offRate = median(off);
  const onRate = median(on);
  const label = `${store}, ${options.events} events, ingest command in batches of ${BATCH}, median of ${options.rounds}`;
  return [
    { name: `merkle: append without the Merkle log (${label})`, value: offRate, unit: 'events/s' },
    { name: `merkle: append with the Merkle log and checkpoints every 1 s (${label})`, value: onRate, unit: 'events/s' },
    {
      name: `merkle: cost of the Merkle log to appends (${store}; must stay under 10)`,
      value: Math.round(((offRate - onRate) / offRate) * 1000) / 10,
      unit: '%',
    },
    { name: `merkle: tree lag after the last append (${store}, worst run)`, value: Math.max(...lags), unit: 'ms' },
  ];
}

async function appendRun(store: Store, events: unknown[], withTree: boolean): Promise<{ rate: number; lagMs: number }> {
  return withStore(store, async (env) => {
    const imports = withTree ? [MerkleLogModule, CheckpointWriterModule.forRoot()] : [];
    const { app } = await benchContext({ ...env, CX_ROLES: 'ingest', CX_CHECKPOINT_INTERVAL_SECONDS: '1' }, imports);
    try {
      const bus = app.get(CommandBus);
      const sender = { roles: new Set(['ingest']) };
      const began = performance.now();
      for (let i = 0; i < events.length; i += BATCH) await bus.execute(new RecordEventsCommand(events.slice(i, i + BATCH), sender));
      const done = performance.now();
      const lagMs = withTree ? await treeLag(app, events.length, done) : 0;
      return { rate: Math.round(events.length / ((done - began) / 1000)), lagMs };
    } finally {
      await app.close();
    }
  });
}

async function treeLag(app: INestApplicationContext, size: number, since: number): Promise<number> {
  const log = app.get(MerkleLog);
  while ((await log.head()).size < size) await new Promise((resolve) => setTimeout(resolve, 20));
  return Math.round(performance.now() - since);
}

/** A store of `count` events (appended through the port, the tree caught up), then `cx checkpoint export --fresh` and `cx verify --checkpoint` as ops run them. */
async function verifyRate(store: Store, count: number): Promise<BenchRow> {
  return withStore(store, async (env) => {
    const { app } = await benchContext({ ...env, CX_ROLES: 'ingest' }, [MerkleLogModule]);
    try {
      const events = app.get<EventStore>(EVENT_LOG);
      for (let i = 0; i < count; i += 1000) await events.append(writesOf(eventsFrom(i, Math.min(1000, count - i))));
      await app.get(MerkleLog).catchUp();
    } finally {
      await app.close();
    }
    const processEnv = { ...process.env, ...env, LOG_LEVEL: 'silent', CX_KAFKA_BROKERS: '' };
    const file = join(env.CX_DATA_DIR, 'checkpoint.json');
    execFileSync(process.execPath, [CX, 'checkpoint', 'export', '--fresh', '--out', file], { env: processEnv });
    const output = execFileSync(process.execPath, [CX, 'verify', '--checkpoint', file], {
      env: processEnv,
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    const rate = Number(/holds exactly the events of the checkpoint of \d+ events .*\((\d+) events\/s\)/.exec(output)?.[1] ?? NaN);
    return { name: `merkle: cx verify --checkpoint (${store}, ${count} events)`, value: rate, unit: 'events/s' };
  });
}

async function withStore<T>(store: Store, work: (env: Record<string, string>) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'cx-bench-merkle-'));
  const database = store === 'postgres' ? await scratchDatabase(postgresServerUrl(), 'merkle') : undefined;
  try {
    const env: Record<string, string> = { CX_DATA_DIR: dir };
    if (database) Object.assign(env, { CX_EVENT_STORE: 'postgres', CX_VIEW_STORE: 'postgres', CX_POSTGRES_URL: database.url });
    return await work(env);
  } finally {
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bench's interactions `first` to `first + count - 1`, as the ingest bench sends them, of 2,000 customers. */
function eventsFrom(first: number, count: number) {
  return Array.from({ length: count }, (_, i) => benchEvent('m', first + i, CUSTOMERS));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
}

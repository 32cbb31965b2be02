import 'reflect-metadata';
import { getSQLiteEventStore } from '@event-driven-io/emmett-sqlite';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { EVENT_LOG, EventStore } from '@cx/event-store';
import { RecordEventsCommand } from '@cx/ingest';
import { benchContext } from './bench-app';
import { benchEvent, type BenchEvent, writesOf } from './bench-events';
import type { BenchRow } from './bench-row';

const KEY = 'bench-ingest-key';
const MAIN = join(__dirname, '..', 'apps', 'server', 'src', 'main.js');

export interface IngestBenchOptions {
  /** Events of the batches-of-100 runs. */
  events: number;
  /** Events posted one per request, by `concurrency` clients at once. */
  singles: number;
  concurrency: number;
  customers: number;
}

/**
 * Issue 14: the same generated events (~400 B, personal fields included) through
 * Emmett's `appendToStream` (its SQLite store, default connection handling) and through
 * CX Ledger at each layer: the EventStore port alone, the ingest command (validate,
 * resolve, seal, hash, append), and POST /v1/events against the built server as a user
 * runs it (its own process, every role, projections keeping up: the clock stops once the
 * views have processed the last position). Runs are interleaved in one process so the
 * ratios hold on a busy machine; each is printed with its ratio to Emmett. Emmett's batches
 * of 100 run before and after the CX runs, and the ratios are to their mean: on a shared
 * machine one run of Emmett's alone went from 9,075 to 17,332 events/s between two runs of
 * the section (a package install beside the first).
 */
export async function benchIngest(options: IngestBenchOptions): Promise<BenchRow[]> {
  const events = Array.from({ length: options.events }, (_, i) => benchEvent('b', i, options.customers));
  const singles = Array.from({ length: options.singles }, (_, i) => benchEvent('s', i, options.customers));
  const emmettBefore = await emmettRate(events);
  const port = await portRate(events);
  const command = await commandRate(events);
  const http100 = await httpRate(events, 100, 1);
  const http100x4 = await httpRate(events, 100, 4);
  const http1 = await httpRate(singles, 1, options.concurrency);
  const emmett1 = await emmettRate(singles, 1);
  const emmettAfter = await emmettRate(events);
  const emmett = Math.round((emmettBefore + emmettAfter) / 2);
  const ratio = (value: number, of: number) => ` (${(value / of).toFixed(2)}× Emmett)`;
  return [
    {
      name: 'ingest: Emmett appendToStream, 100 events per call (sqlite, its defaults), mean of the runs before and after',
      value: emmett,
      unit: 'events/s',
    },
    { name: 'ingest: Emmett appendToStream, 100 events per call, run before the CX runs', value: emmettBefore, unit: 'events/s' },
    { name: 'ingest: Emmett appendToStream, 100 events per call, run after the CX runs', value: emmettAfter, unit: 'events/s' },
    { name: `ingest: CX EventStore.append port alone, batches of 100${ratio(port, emmett)}`, value: port, unit: 'events/s' },
    {
      name: `ingest: CX ingest command (validate, resolve, seal, append), batches of 100${ratio(command, emmett)}`,
      value: command,
      unit: 'events/s',
    },
    {
      name: `ingest: CX POST /v1/events, batches of 100, projections keeping up${ratio(http100, emmett)}`,
      value: http100,
      unit: 'events/s',
    },
    {
      name: `ingest: CX POST /v1/events, batches of 100, 4 clients, projections keeping up${ratio(http100x4, emmett)}`,
      value: http100x4,
      unit: 'events/s',
    },
    { name: 'ingest: Emmett appendToStream, 1 event per call, one after another', value: emmett1, unit: 'events/s' },
    {
      name: `ingest: CX POST /v1/events, 1 event per request, ${options.concurrency} clients, projections keeping up${ratio(http1, emmett1)}`,
      value: http1,
      unit: 'events/s',
    },
  ];
}

async function timed(count: number, work: () => Promise<void>): Promise<number> {
  const began = performance.now();
  await work();
  return Math.round(count / ((performance.now() - began) / 1000));
}

function batches<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Emmett's best case for a batch: all of it in one appendToStream call (one stream, one
 * transaction), on its default connection (one per call). That connection runs statements
 * in node-sqlite3's parallel mode, so its COMMIT now and then meets a statement not yet
 * finalised and fails with SQLITE_BUSY ("SQL statements in progress"), more often on a busy
 * machine (the whole section went unmeasured): the failed call's transaction did not
 * commit, its connection is closed, and the call is made again, inside the timing, at most
 * three times.
 */
async function emmettRate(events: BenchEvent[], perCall = 100): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'cx-bench-emmett-'));
  const store = getSQLiteEventStore({ fileName: join(dir, 'emmett.sqlite'), schema: { autoMigration: 'CreateOrUpdate' } });
  const append = async (streamName: string, batch: BenchEvent[], attempt = 1): Promise<void> => {
    try {
      await store.appendToStream(
        streamName,
        batch.map((e) => ({ type: e.type, data: e })),
      );
    } catch (error) {
      if (attempt === 3 || !String((error as Error).message).includes('statements in progress')) throw error;
      await append(streamName, batch, attempt + 1);
    }
  };
  try {
    return await timed(events.length, async () => {
      for (const [n, batch] of batches(events, perCall).entries()) await append(`customer-${n % 1000}`, batch);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The embedded EventStore port, as the ingest path would call it after resolution (one write per customer). */
async function portRate(events: BenchEvent[]): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'cx-bench-port-'));
  const { app } = await benchContext({ CX_DATA_DIR: dir, CX_ROLES: 'ingest' });
  try {
    const store = app.get<EventStore>(EVENT_LOG);
    return await timed(events.length, async () => {
      for (const batch of batches(events, 100)) await store.append(writesOf(batch));
    });
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function commandRate(events: BenchEvent[]): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'cx-bench-command-'));
  const { app } = await benchContext({ CX_DATA_DIR: dir, CX_ROLES: 'ingest' });
  try {
    const bus = app.get(CommandBus);
    const sender = { roles: new Set(['ingest']) };
    return await timed(events.length, async () => {
      for (const batch of batches(events, 100)) {
        const results = await bus.execute(new RecordEventsCommand(batch, sender));
        if (results.some((r) => r.status !== 'accepted')) throw new Error('bench: an event was not accepted');
      }
    });
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The built server in its own process; `concurrency` clients post batches of `size`; done once the views have the last position. */
async function httpRate(events: BenchEvent[], size: number, concurrency: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'cx-bench-http-'));
  const server = await startServer(dir);
  try {
    const post = (body: string) =>
      fetch(`${server.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body,
      });
    // The bodies are written before the clock starts: a channel system's serialising is its own work, not the ledger's.
    const queue = batches(events, size).map((batch) => JSON.stringify(size === 1 ? batch[0] : batch));
    let last = 0;
    return await timed(events.length, async () => {
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let body = queue.shift(); body; body = queue.shift()) {
            const answer = await post(body);
            const results = (await answer.json()) as Array<{ status: string; position: number }>;
            if (answer.status !== 202 || results.some((r) => r.status !== 'accepted'))
              throw new Error(`bench: batch not accepted (${answer.status})`);
            last = Math.max(last, ...results.map((r) => r.position));
          }
        }),
      );
      const caughtUp = await fetch(`${server.url}/v1/reports/lifecycle?after=${last}`, { headers: { authorization: `Bearer ${KEY}` } });
      if (caughtUp.status !== 200) throw new Error(`bench: the views did not catch up (${caughtUp.status})`);
    });
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function startServer(dataDir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, PORT: '0', CX_DATA_DIR: dataDir, CX_API_KEYS: `${KEY}=ingest+analyst`, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += String(chunk);
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1].replace('localhost', '127.0.0.1'));
    });
    child.on('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

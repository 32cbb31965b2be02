import { ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { systemClock } from '@cx/clock';
import { EventStore, openEventStorage } from '@cx/event-store';
import { createKafka, kafkaOptionsFrom } from '@cx/kafka';
import { loadSettings } from '@cx/settings';
import { openPostgresPool } from '@cx/postgres';
import { PostgresViewStore, RelayCheckpoints, CanonicalStreamRelay } from '@cx/projection';
import type { BenchRow } from './bench-row';
import { postgresServerUrl, scratchDatabase } from './postgres-database';
import { progress } from './progress';
import { Dataset, simulatedDataset } from './simulated-dataset';
import { findKafkaBroker, testKafka, uniqueTopicPrefix, waitFor } from '@cx/kafka/testing';

const SERVER = join(__dirname, '..', 'apps', 'server', 'src', 'main.js');
const PROJECTIONS = ['cases', 'lifecycle', 'loyalty'];
const RUN_TIMEOUT_MS = 900_000;

export interface PartitionedBenchOptions {
  events?: number;
}

/** What every run shares: the dataset in the event store, its head position, the broker. */
interface Setup {
  dataset: Dataset;
  url: string;
  events: EventStore;
  head: number;
  brokers: string[];
}

/**
 * Issue 4's scale-out of views on one PostgreSQL database: built server processes with
 * CX_ROLES=projector catching every projection up from empty views, fed from cx.events
 * partitions (1 and 2 processes sharing the consumer groups) and, for comparison, from the
 * store's global order. Each run starts from an empty views schema and a topic the relay
 * has fully published beforehand, so the figure is the projectors' rate, not the relay's;
 * it runs from spawning the processes (their start-up included) to every projection's
 * checkpoint standing at the head.
 */
export async function benchPartitionedProjectors(options: PartitionedBenchOptions = {}): Promise<BenchRow[]> {
  const broker = await findKafkaBroker();
  try {
    const database = await scratchDatabase(postgresServerUrl(), 'partitioned');
    try {
      return await measure(database.url, broker.brokers, options.events ?? 50_000);
    } finally {
      await database.drop();
    }
  } finally {
    await broker.release();
  }
}

async function measure(url: string, brokers: string[], events: number): Promise<BenchRow[]> {
  const dataset = await simulatedDataset(events, { CX_EVENT_STORE: 'postgres', CX_VIEW_STORE: 'postgres', CX_POSTGRES_URL: url });
  const pool = openPostgresPool(url);
  const storage = await openEventStorage(loadSettings(dataset.env), systemClock, pool);
  try {
    const setup = { dataset, url, events: storage.events, head: await storage.events.headPosition(), brokers };
    const size = `${setup.head} events`;
    const rows = (name: string, run: Run): BenchRow[] => [
      { name: `${name}, from spawn`, value: Math.round(setup.head / run.seconds), unit: 'events/s' },
      { name: `${name}, once all are applying`, value: Math.round(run.steadyEvents / run.steadySeconds), unit: 'events/s' },
    ];
    return [
      ...rows(`projectors from cx.events (postgres views, ${size}): 1 process`, await fromPartitions(setup, 1)),
      ...rows(`projectors from cx.events (postgres views, ${size}): 2 processes`, await fromPartitions(setup, 2)),
      ...rows(`global-order runner (postgres views, ${size}), 1 process`, await fromStore(setup)),
    ];
  } finally {
    await storage.close();
    await pool.end();
    rmSync(dataset.dataDir, { recursive: true, force: true });
  }
}

/**
 * A new topic prefix per run: consumer groups are named after it, and a group that has
 * committed offsets or members from an earlier run would not start like a first deployment.
 * So the topic is new too, and the relay publishes the dataset to it again.
 */
async function fromPartitions(setup: Setup, processes: number): Promise<Run> {
  const prefix = uniqueTopicPrefix('bench-parts');
  const kafka = kafkaOptionsFrom({ kafkaBrokers: setup.brokers }, { CX_KAFKA_TOPIC_PREFIX: prefix });
  await emptyViews(setup.url);
  try {
    await publishAll(setup, kafka.topics.events, kafka.partitions);
    return await timedRun(setup, processes, {
      CX_PROJECTOR_SOURCE: 'kafka',
      CX_KAFKA_BROKERS: setup.brokers.join(','),
      CX_KAFKA_TOPIC_PREFIX: prefix,
    });
  } finally {
    await deleteTopicAndGroups(
      setup.brokers,
      kafka.topics.events,
      PROJECTIONS.map((name) => `${kafka.projectorGroup}-${name}`),
    );
  }
}

/**
 * With CX_KAFKA_BROKERS blanked (the bench's own environment may set it): no relay in the
 * process publishing beside the runners, and nothing written to the broker's `cx.events`.
 */
async function fromStore(setup: Setup): Promise<Run> {
  await emptyViews(setup.url);
  return timedRun(setup, 1, { CX_PROJECTOR_SOURCE: 'store', CX_KAFKA_BROKERS: '' });
}

/** The relay, in this process and untimed, until the broker acknowledged the last event; it hands its lease back when stopped. */
async function publishAll(setup: Setup, topic: string, partitions: number): Promise<void> {
  const views = new PostgresViewStore(setup.url);
  await views.ensureSchema();
  const relay = new CanonicalStreamRelay(setup.events, new RelayCheckpoints(views), createKafka(setup.brokers, 'cx-bench-relay'), {
    topic,
    partitions,
  });
  relay.start();
  try {
    await waitFor(
      () => relay.checkpoint >= setup.head,
      RUN_TIMEOUT_MS,
      () => `relay at ${relay.checkpoint} of ${setup.head}`,
      50,
    );
  } finally {
    await relay.stop();
    await views.close();
  }
}

/**
 * A run's times: from spawning the processes to every checkpoint at the head, and the part
 * after every projection's checkpoint first moved (processes up, consumer groups joined),
 * which leaves start-up out.
 */
interface Run {
  seconds: number;
  steadySeconds: number;
  steadyEvents: number;
}

async function timedRun(setup: Setup, processes: number, env: Record<string, string>): Promise<Run> {
  const started = performance.now();
  let steady: { at: number; from: number } | undefined;
  const children = Array.from({ length: processes }, () => spawnProjector({ ...setup.dataset.env, CX_ROLES: 'projector', ...env }));
  const pg = new Client({ connectionString: setup.url });
  await pg.connect();
  try {
    await waitFor(
      async () => {
        const crashed = children.find((c) => c.child.exitCode !== null);
        if (crashed) throw new Error(`projector process exited with ${crashed.child.exitCode}: ${said(crashed.output())}`);
        const checkpoints = await liveCheckpoints(pg);
        progress(`projectors (${processes}): ${JSON.stringify(checkpoints)} of ${setup.head}`);
        const lowest = Math.min(...PROJECTIONS.map((name) => checkpoints[name] ?? 0));
        if (!steady && lowest > 0) steady = { at: performance.now(), from: lowest };
        return PROJECTIONS.every((name) => checkpoints[name] === setup.head);
      },
      RUN_TIMEOUT_MS,
      async () => `checkpoints ${JSON.stringify(await liveCheckpoints(pg))}, head ${setup.head}`,
      50,
    );
    progress('');
    const ended = performance.now();
    const from = steady ?? { at: started, from: 0 };
    return {
      seconds: (ended - started) / 1000,
      steadySeconds: Math.max(0.001, (ended - from.at) / 1000),
      steadyEvents: setup.head - from.from,
    };
  } finally {
    await pg.end();
    await Promise.all(children.map((c) => stop(c.child)));
  }
}

/** The built server as an operator runs it; its output is kept to tell why, should it exit. */
function spawnProjector(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [SERVER], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', CX_API_KEYS: 'bench=ops', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

/** The last lines a process wrote, stack frames left out, on one line: the bench table shows only a failure's first line. */
const said = (output: string): string =>
  output
    .split('\n')
    .filter((line) => line.trim() && !/^\s+at /.test(line))
    .slice(-5)
    .join(' | ');

/** SIGTERM, so the consumers leave their groups (which can then be deleted); SIGKILL if it hangs. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** The live generation's checkpoint of each projection; none before a process has installed them. */
async function liveCheckpoints(pg: Client): Promise<Record<string, number>> {
  try {
    const { rows } = await pg.query(`SELECT c.name, c.position FROM cx_views.projection_checkpoints c
      JOIN cx_views.projections p ON p.name = c.name AND p.active_generation = c.generation`);
    return Object.fromEntries(rows.map((r) => [r.name, Number(r.position)]));
  } catch (error) {
    if ((error as { code?: string }).code === '42P01') return {};
    throw error;
  }
}

/** Views, projection registry and relay checkpoints all live in this schema; the event store's does not. */
async function emptyViews(url: string): Promise<void> {
  const pg = new Client({ connectionString: url });
  await pg.connect();
  try {
    await pg.query('DROP SCHEMA IF EXISTS cx_views CASCADE');
  } finally {
    await pg.end();
  }
}

async function deleteTopicAndGroups(brokers: string[], topic: string, groups: string[]): Promise<void> {
  const admin = testKafka(brokers).admin();
  await admin.connect();
  try {
    // Fails only while a member killed with SIGKILL still holds a group; the broker expires it later.
    await admin.deleteGroups(groups).catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

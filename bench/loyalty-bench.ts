import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@cx/clock';
import { contentHashOf, EVENT_STORE, EventStore, ProposedEvent, StreamWrite } from '@cx/event-store';
import type { EventType } from '@cx/events';
import { loadSettings } from '@cx/settings';
import { openSqlite, SqliteWriter } from '@cx/sqlite';
import { ProjectionRegistry } from '@cx/projection';
import { createServer } from '../apps/server/src/server';
import { BenchRow, latencies } from './bench-row';
import { postgresServerUrl, scratchDatabase } from './postgres-database';
import { waitForQuiet } from './quiet';
import { SqliteEventStore } from '@cx/event-store/adapters';

/**
 * p50/p99 of `GET /v1/reports/loyalty` (no grouping and each grouping), of
 * `GET /v1/reports/drivers` (each outcome) and of `GET /v1/reports/cohorts` over a large ledger, on the SQLite and PostgreSQL view stores.
 * The events go straight into the embedded event store through the EventStore port (HTTP
 * ingest is measured elsewhere); the server's projector then builds every view from them.
 */
export interface LoyaltyBenchOptions {
  /** Events in the ledger (default 100,000; 1,000,000 for the figures of issue 6). */
  events?: number;
  /** Requests timed per report (default 50). */
  samples?: number;
  /** View stores to measure (default both; PostgreSQL from `postgresUrl`). */
  stores?: Array<'sqlite' | 'postgres'>;
  /** A PostgreSQL server (default `CX_POSTGRES_URL`, else the local one): the bench creates a database of its own there and drops it after. */
  postgresUrl?: string;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** Where the events fall in time (default `fixed`): see `LedgerHistory`. */
  history?: LedgerHistory;
  /**
   * A folder to keep the ledger and its views in, and to take them from on the next run with
   * the same size and history (a 1,000,000-event ledger takes many minutes to seed and project):
   * its PostgreSQL database is kept too. Default: a scratch folder and database, removed after.
   */
  keepIn?: string;
}

/**
 * `fixed`: every size spreads its events over the same two years, so a larger ledger has more
 * rows in the window. `growing`: two years of history per 100,000 events, customers arriving
 * along it (each active for two years), so the window holds about the same rows at every size
 * and only the history before it grows: p99 at 1,000,000 against 100,000 then shows whether a
 * report's cost follows history (issue 13).
 */
export type LedgerHistory = 'fixed' | 'growing';

const KEY = 'bench-loyalty-analyst';
const DAY = 86_400_000;
/** How long one customer is active: the whole ledger when fixed. */
const CUSTOMER_DAYS = 730;
/** Every ledger ends here; a fixed one starts on 2024-01-01, a growing one earlier. */
const END = Date.UTC(2024, 0, 1) + CUSTOMER_DAYS * DAY;
const CHANNELS = ['phone', 'email', 'chat', 'web', 'app', 'store', 'social'] as const;
const TEAMS = ['support', 'billing', 'tech', 'field', 'retention', 'sales'] as const;
const SEGMENTS = ['smb', 'enterprise', 'consumer', 'public'] as const;
/** A quarter in the middle of the data: a typical analyst window. */
const WINDOW = { from: Date.UTC(2025, 0, 1), to: Date.UTC(2025, 3, 1) };
/** Cohorts over the last two years: 24 cohorts with up to 23 later months. */
const COHORT_WINDOW = { from: END - CUSTOMER_DAYS * DAY, to: END };
/** SPEC §2.5's outcomes, each whole and split the way an analyst asks most (issue 19's p99 figure). */
const DRIVER_QUERIES = [
  ['nps', 'none'],
  ['csat', 'none'],
  ['churn', 'none'],
  ['nps', 'segment'],
  ['nps', 'valueTier'],
] as const;

export async function benchLoyalty(options: LoyaltyBenchOptions = {}): Promise<BenchRow[]> {
  const total = options.events ?? 100_000;
  const log = options.log ?? (() => undefined);
  const history = options.history ?? 'fixed';
  const root = options.keepIn ? join(options.keepIn, `loyalty-${total}-${history}`) : mkdtempSync(join(tmpdir(), 'cx-bench-loyalty-'));
  try {
    const rows: BenchRow[] = [];
    if (!existsSync(join(root, 'seed', 'events.sqlite'))) {
      const seeded = await seedEventStore(join(root, 'seed'), new LedgerGenerator(total, history), total, log);
      rows.push({ name: `loyalty bench: events appended through the EventStore port (${total} events)`, value: seeded, unit: 'events/s' });
    }
    for (const store of options.stores ?? ['sqlite', 'postgres']) {
      const dataDir = join(root, store);
      if (!existsSync(dataDir)) {
        mkdirSync(dataDir);
        copyFileSync(join(root, 'seed', 'events.sqlite'), join(dataDir, 'events.sqlite'));
      }
      rows.push(...(await benchStore(store, dataDir, total, options, log)));
    }
    return rows;
  } finally {
    if (!options.keepIn) rmSync(root, { recursive: true, force: true });
  }
}

/** The bench's own database: a scratch one, or with `keepIn` one named after the folder and kept. */
async function viewDatabase(options: LoyaltyBenchOptions, dataDir: string): Promise<{ url: string; drop(): Promise<void> }> {
  const server = options.postgresUrl ?? postgresServerUrl();
  if (!options.keepIn) return scratchDatabase(server, 'loyalty');
  const kept = join(dataDir, 'database-url');
  if (existsSync(kept)) return { url: readFileSync(kept, 'utf8'), drop: async () => undefined };
  const database = await scratchDatabase(server, 'loyalty_kept');
  writeFileSync(kept, database.url);
  return { url: database.url, drop: async () => undefined };
}

/** One view store: projections catch up from the first event, then every report is timed over HTTP. */
async function benchStore(
  store: 'sqlite' | 'postgres',
  dataDir: string,
  total: number,
  options: LoyaltyBenchOptions,
  log: (line: string) => void,
): Promise<BenchRow[]> {
  // Views an earlier run kept (`keepIn`) are not a catch-up from the first event: not timed.
  const kept = existsSync(join(dataDir, store === 'postgres' ? 'database-url' : 'views.sqlite'));
  const database = store === 'postgres' ? await viewDatabase(options, dataDir) : undefined;
  const env: Record<string, string> = { CX_DATA_DIR: dataDir, CX_API_KEYS: `${KEY}=analyst`, LOG_LEVEL: 'silent', PORT: '0' };
  if (database) Object.assign(env, { CX_VIEW_STORE: 'postgres', CX_POSTGRES_URL: database.url });
  // The projector starts with the server (and on SQLite may finish before it listens): timed from here.
  const started = performance.now();
  const app = await createServer(loadSettings(env), { logs: false });
  try {
    await app.listen(0, '127.0.0.1');
    await waitForProjections(app, (line) => log(`${store}: ${line}`));
    const catchUp = (performance.now() - started) / 1000;
    await waitForQuiet(database?.url, (line) => log(`${store}: ${line}`));
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const label = `${store}, ${total} events${options.history === 'growing' ? ', growing history' : ''}`;
    const rows: BenchRow[] = kept
      ? []
      : [{ name: `loyalty bench: projections catch up, all of them (${label})`, value: Math.round(total / catchUp), unit: 'events/s' }];
    for (const groupBy of ['none', 'channel', 'team', 'segment']) {
      const timed = await timeReport(url, `/v1/reports/loyalty?${windowQuery(WINDOW)}&groupBy=${groupBy}`, options.samples ?? 50);
      rows.push({ name: `loyalty report p50, groupBy ${groupBy} (${label})`, value: timed.p50, unit: 'ms' });
      rows.push({ name: `loyalty report p99, groupBy ${groupBy} (${label})`, value: timed.p99, unit: 'ms' });
      log(`${store}: loyalty ${groupBy} p50 ${timed.p50} ms, p99 ${timed.p99} ms`);
    }
    for (const [outcome, groupBy] of DRIVER_QUERIES) {
      const timed = await timeReport(
        url,
        `/v1/reports/drivers?${windowQuery(WINDOW)}&outcome=${outcome}&groupBy=${groupBy}`,
        options.samples ?? 50,
      );
      rows.push({ name: `drivers report p50, ${outcome} by ${groupBy} (${label})`, value: timed.p50, unit: 'ms' });
      rows.push({ name: `drivers report p99, ${outcome} by ${groupBy} (${label})`, value: timed.p99, unit: 'ms' });
      log(`${store}: drivers ${outcome} by ${groupBy} p50 ${timed.p50} ms, p99 ${timed.p99} ms`);
    }
    const cohorts = await timeReport(url, `/v1/reports/cohorts?${windowQuery(COHORT_WINDOW)}`, options.samples ?? 50);
    rows.push(
      { name: `cohort report p50 (${label})`, value: cohorts.p50, unit: 'ms' },
      { name: `cohort report p99 (${label})`, value: cohorts.p99, unit: 'ms' },
    );
    log(`${store}: cohorts p50 ${cohorts.p50} ms, p99 ${cohorts.p99} ms`);
    for (const groupBy of ['none', 'team']) {
      const timed = await timeReport(
        url,
        `/v1/reports/closed-loop?${windowQuery(WINDOW)}${groupBy === 'none' ? '' : `&groupBy=${groupBy}`}`,
        options.samples ?? 50,
      );
      rows.push({ name: `closed-loop report p50, groupBy ${groupBy} (${label})`, value: timed.p50, unit: 'ms' });
      rows.push({ name: `closed-loop report p99, groupBy ${groupBy} (${label})`, value: timed.p99, unit: 'ms' });
      log(`${store}: closed-loop ${groupBy} p50 ${timed.p50} ms, p99 ${timed.p99} ms`);
    }
    return rows;
  } finally {
    await app.close();
    await database?.drop();
  }
}

const windowQuery = ({ from, to }: { from: number; to: number }) => `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;

async function timeReport(url: string, path: string, samples: number): Promise<{ p50: number; p99: number }> {
  const get = async () => {
    const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${KEY}` } });
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  };
  await get(); // warm-up: plans and caches
  return latencies(samples, get);
}

/**
 * Until every projection's checkpoint reaches the head of the event store and no projection is
 * being rebuilt (views kept by an earlier run of an older version are rebuilt on start: timed
 * meanwhile, the reports would read the old tables beside a rebuild's load).
 */
async function waitForProjections(app: NestFastifyApplication, log: (line: string) => void): Promise<void> {
  const registry = app.get(ProjectionRegistry);
  const head = await app.get<EventStore>(EVENT_STORE).headPosition();
  let lastLog = 0;
  for (;;) {
    const records = await registry.records();
    const generations = records.map((r) => ({
      name: r.name,
      generation: r.buildingGeneration ?? r.activeGeneration,
      rebuild: r.buildingGeneration !== null,
    }));
    const checkpoints = await Promise.all(generations.map((g) => registry.checkpoint(g.name, g.generation)));
    if (records.length > 0 && checkpoints.every((c) => c >= head) && !generations.some((g) => g.rebuild)) return;
    if (performance.now() - lastLog > 10_000) {
      lastLog = performance.now();
      log(`catching up: ${generations.map((g, i) => `${g.name}${g.rebuild ? ' (rebuild)' : ''} ${checkpoints[i]}`).join(', ')} of ${head}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Appends the ledger in batches of 5,000 events (one write per customer stream); answers events/s. */
async function seedEventStore(dir: string, generator: LedgerGenerator, total: number, log: (line: string) => void): Promise<number> {
  const db = openSqlite(join(dir, 'events.sqlite'));
  db.pragma('synchronous = OFF'); // a bench seed, rebuilt on every run
  const store = new SqliteEventStore(new SqliteWriter(db), systemClock);
  const started = performance.now();
  for (let done = 0; done < total;) {
    const batch = generator.next(Math.min(5000, total - done));
    await store.append(byStream(batch));
    done += batch.length;
    if (done % 100_000 === 0) log(`seeded ${done} of ${total} events`);
  }
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  db.close();
  return Math.round(total / seconds);
}

function byStream(events: ProposedEvent[]): StreamWrite[] {
  const writes = new Map<string, StreamWrite>();
  for (const event of events) {
    const write = writes.get(event.customerId) ?? { streamId: event.customerId, expectedRevision: 'any', events: [] };
    write.events.push(event);
    writes.set(event.customerId, write);
  }
  return [...writes.values()];
}

/**
 * A deterministic ledger (over two years, or longer with a growing history): one customer per 20 events, a mix of interactions,
 * purchases (some re-sent), survey answers, referrals, profiles, cancellations and case
 * lifecycles; events arrive in random time order, so late events are everywhere.
 */
class LedgerGenerator {
  private state = 42;
  private sequence = 0;
  private cases = 0;
  private orders = 0;
  private readonly customers: number;
  private readonly pending: ProposedEvent[] = [];
  /** The first instant of the ledger, and how far apart the first and the last customer arrive. */
  private readonly start: number;
  private readonly arrivals: number;

  constructor(total: number, history: LedgerHistory) {
    this.customers = Math.max(10, Math.round(total / 20));
    const days = history === 'fixed' ? CUSTOMER_DAYS : Math.round((CUSTOMER_DAYS * Math.max(total, 100_000)) / 100_000);
    this.start = END - days * DAY;
    this.arrivals = (days - CUSTOMER_DAYS) * DAY;
  }

  next(count: number): ProposedEvent[] {
    while (this.pending.length < count) this.pending.push(...this.journeyStep());
    return this.pending.splice(0, count);
  }

  private random(): number {
    this.state = (Math.imul(this.state, 1_103_515_245) + 12_345) >>> 0;
    return this.state / 4_294_967_296;
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  private maybe<T>(p: number, value: T): T | undefined {
    return this.random() < p ? value : undefined;
  }

  /** One to a few events of one customer. */
  private journeyStep(): ProposedEvent[] {
    const index = Math.floor(this.random() * this.customers);
    const customer = `bc-${index}`;
    const arrival = this.start + Math.floor((index / this.customers) * this.arrivals);
    const time = arrival + Math.floor(this.random() * CUSTOMER_DAYS * DAY);
    const roll = this.random();
    if (roll < 0.3)
      return [
        this.event('cx.interaction.recorded.v1', customer, time, {
          channel: this.pick(CHANNELS),
          direction: 'inbound',
          team: this.maybe(0.7, this.pick(TEAMS)),
        }),
      ];
    if (roll < 0.5) return [this.purchase(customer, time)];
    if (roll < 0.7) return [this.survey(customer, time)];
    if (roll < 0.74) return [this.event('cx.customer.referred.v1', customer, time, { channel: this.maybe(0.7, this.pick(CHANNELS)) })];
    if (roll < 0.77) return [this.event('cx.customer.profiled.v1', customer, time, { segment: this.pick(SEGMENTS) })];
    if (roll < 0.78) return [this.event('cx.customer.churned.v1', customer, time, {})];
    return this.caseLife(customer, time);
  }

  private purchase(customer: string, time: number): ProposedEvent {
    const resent = this.orders > 0 && this.random() < 0.02;
    const orderId = resent ? `BO-${Math.floor(this.random() * this.orders)}` : `BO-${this.orders++}`;
    return this.event('cx.purchase.completed.v1', customer, time, {
      orderId,
      amountMinor: Math.floor(this.random() * 50_000),
      currency: this.pick(['EUR', 'EUR', 'EUR', 'USD', 'GBP']),
      channel: this.pick(CHANNELS),
    });
  }

  private survey(customer: string, time: number): ProposedEvent {
    const survey = this.pick(['nps', 'nps', 'csat', 'ces'] as const);
    const score =
      survey === 'nps'
        ? Math.floor(this.random() * 11)
        : survey === 'csat'
          ? 1 + Math.floor(this.random() * 5)
          : 1 + Math.floor(this.random() * 7);
    return this.event('cx.survey.answered.v1', customer, time, {
      survey,
      score,
      channel: this.maybe(0.9, this.pick(CHANNELS)),
      team: this.maybe(0.8, this.pick(TEAMS)),
    });
  }

  /** Opened, maybe handed off, resolved, sometimes reopened and resolved again. */
  private caseLife(customer: string, opened: number): ProposedEvent[] {
    const caseId = `BK-${this.cases++}`;
    const team = this.pick(TEAMS);
    let at = opened;
    const later = () => (at += Math.floor(this.random() * 3 * DAY));
    const events = [
      this.event('cx.case.opened.v1', customer, at, {
        caseId,
        category: this.pick(['complaint', 'inquiry', 'request', 'incident']),
        channel: this.pick(CHANNELS),
        team,
      }),
    ];
    if (this.random() < 0.3) {
      const toTeam = this.pick(TEAMS);
      events.push(this.event('cx.case.handoff.requested.v1', customer, later(), { caseId, fromTeam: team, toTeam }));
      events.push(this.event('cx.case.handoff.accepted.v1', customer, later(), { caseId, team: toTeam }));
    }
    if (this.random() < 0.85) events.push(this.event('cx.case.resolved.v1', customer, later(), { caseId }));
    if (this.random() < 0.1) {
      events.push(this.event('cx.case.reopened.v1', customer, later(), { caseId }));
      events.push(this.event('cx.case.resolved.v1', customer, later(), { caseId }));
    }
    return events;
  }

  private event(type: EventType, customerId: string, time: number, fields: Record<string, unknown>): ProposedEvent {
    const id = `bench-${++this.sequence}`;
    const source = '/channels/bench';
    const data = JSON.parse(JSON.stringify({ customer: { id: customerId }, ...fields })) as Record<string, unknown>;
    const attributes = { specversion: '1.0', id, source, type, time: new Date(time).toISOString() };
    return { id, source, type, customerId, time, attributes, data, contentHash: contentHashOf({ ...attributes, data }) };
  }
}

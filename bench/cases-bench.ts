import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { contentHashOf, EVENT_STORE, EventStore, ProposedEvent, StreamWrite } from '@cx/event-store';
import type { EventType } from '@cx/events';
import { loadSettings } from '@cx/settings';
import { ProjectionRegistry } from '@cx/projection';
import { createServer } from '../apps/server/src/server';
import { latencies, type BenchRow } from './bench-row';
import { postgresServerUrl, scratchDatabase } from './postgres-database';

export interface CasesBenchOptions {
  /** Case events to store (default 100,000; the figure is 1,000,000). */
  events?: number;
  /** Cases they belong to (default events / 10). */
  cases?: number;
  viewStore?: 'sqlite' | 'postgres';
  /** Server for `viewStore: 'postgres'`; the bench creates a database of its own there and drops it after. */
  postgresUrl?: string;
  reportRequests?: number;
  caseRequests?: number;
  log?: (line: string) => void;
}

const KEY = 'bench-cases-key';
const TEAMS = ['billing', 'tech', 'field', 'retention', 'sales', 'logistics', 'claims', 'onboarding'];
const YEAR_START = Date.UTC(2025, 0, 1);
const YEAR_MS = 365 * 86_400_000;
const APPEND_BATCH = 10_000;

/**
 * SPEC §2.3 at volume: stores `events` case events of `cases` cases (handoffs, misroutes,
 * takeovers, supersessions, reopens, cases left pending) straight through the EventStore
 * port in big batches, lets the projector catch up, then measures over HTTP the p50/p99
 * latency of the handoff report (month, quarter and year windows) and of `GET /v1/cases/:id`.
 */
export async function benchCases(options: CasesBenchOptions = {}): Promise<BenchRow[]> {
  const events = options.events ?? 100_000;
  const cases = options.cases ?? Math.max(1, Math.round(events / 10));
  const store = options.viewStore ?? 'sqlite';
  const log = options.log ?? (() => undefined);
  const env = await benchEnvironment(store, options.postgresUrl);
  const app = await createServer(loadSettings({ ...env.settings, CX_API_KEYS: `${KEY}=ingest+analyst+ops`, LOG_LEVEL: 'silent' }), {
    logs: false,
  });
  try {
    await app.listen(0, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const stored = await storeCaseEvents(app.get<EventStore>(EVENT_STORE), events, cases, log);
    const catchUpMs = await caughtUp(app, stored.head, log);
    const label = `${events.toLocaleString('en')} events, ${cases.toLocaleString('en')} cases, ${store}`;
    const report = await measure(options.reportRequests ?? 60, (i) => fetchOk(url, reportPath(i)));
    const view = await measure(options.caseRequests ?? 500, (i) => fetchOk(url, `/v1/cases/B${(i * 7919) % cases}`));
    return [
      {
        name: `cases: append through the EventStore port (${label})`,
        value: Math.round(stored.count / (stored.ms / 1000)),
        unit: 'events/s',
      },
      {
        name: `cases: projector catch-up, all projections (${label})`,
        value: Math.round(stored.count / (catchUpMs / 1000)),
        unit: 'events/s',
      },
      { name: `GET /v1/reports/handoffs p50 (${label})`, value: report.p50, unit: 'ms' },
      { name: `GET /v1/reports/handoffs p99 (${label})`, value: report.p99, unit: 'ms' },
      { name: `GET /v1/cases/:id p50 (${label})`, value: view.p50, unit: 'ms' },
      { name: `GET /v1/cases/:id p99 (${label})`, value: view.p99, unit: 'ms' },
    ];
  } finally {
    await app.close();
    await env.cleanup();
  }
}

async function benchEnvironment(store: 'sqlite' | 'postgres', postgresUrl?: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'cx-bench-cases-'));
  const removeDir = async () => rmSync(dataDir, { recursive: true, force: true });
  if (store === 'sqlite') return { settings: { CX_DATA_DIR: dataDir }, cleanup: removeDir };
  const database = await scratchDatabase(postgresUrl ?? postgresServerUrl(), 'cases');
  return {
    settings: { CX_DATA_DIR: dataDir, CX_VIEW_STORE: 'postgres', CX_POSTGRES_URL: database.url },
    cleanup: async () => {
      await database.drop();
      await removeDir();
    },
  };
}

/** Appends the generated events in batches of 10,000, one write per customer stream. */
async function storeCaseEvents(store: EventStore, total: number, cases: number, log: (line: string) => void) {
  const started = performance.now();
  let batch: ProposedEvent[] = [];
  let count = 0;
  let head = 0;
  const flush = async () => {
    head = Math.max(head, await appendBatch(store, batch));
    count += batch.length;
    batch = [];
    if (count % 100_000 < APPEND_BATCH) log(`stored ${count} events`);
  };
  for (const event of caseEventsFor(total, cases)) {
    batch.push(event);
    if (batch.length === APPEND_BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  return { count, head, ms: performance.now() - started };
}

async function appendBatch(store: EventStore, events: ProposedEvent[]): Promise<number> {
  const writes = new Map<string, StreamWrite>();
  for (const event of events) {
    const write = writes.get(event.customerId) ?? { streamId: event.customerId, expectedRevision: 'any', events: [] };
    write.events.push(event);
    writes.set(event.customerId, write);
  }
  const results = await store.append([...writes.values()]);
  let head = 0;
  for (const result of results) {
    if (!result.ok) throw new Error(`bench append failed: ${result.error}`);
    for (const outcome of result.outcomes) head = Math.max(head, outcome.position);
  }
  return head;
}

/** Events spread evenly over the cases, each case's flow spread over a few days of 2025. */
function* caseEventsFor(total: number, cases: number): Generator<ProposedEvent> {
  const perCase = Math.max(2, Math.floor(total / cases));
  let produced = 0;
  for (let i = 0; i < cases && produced < total; i++) {
    const extra = i < total - perCase * cases ? 1 : 0;
    for (const event of caseFlow(i, Math.min(perCase + extra, total - produced), cases)) {
      produced += 1;
      yield event;
    }
  }
}

/**
 * One case's events: opened, then handoffs (request + acceptance; every 13th misrouted,
 * every 4th step a takeover; a lone request left over is superseded or cancelled by what
 * follows), then the closing: every 10th case stays open, every 5th is resolved, reopened
 * and resolved again, the rest resolved once.
 */
function caseFlow(i: number, count: number, cases: number): ProposedEvent[] {
  const caseId = `B${i}`;
  const customerId = `bc-${i % Math.max(1, Math.floor(cases / 2))}`;
  const closing = (i % 10 === 0 ? [] : i % 5 === 0 ? ['resolved', 'reopened', 'resolved'] : ['resolved']).slice(0, Math.max(0, count - 1));
  let time = YEAR_START + Math.floor((i / cases) * YEAR_MS);
  let owner = TEAMS[i % TEAMS.length];
  const out: ProposedEvent[] = [];
  const add = (type: EventType, data: Record<string, unknown>) => {
    time += (1 + ((i * 31 + out.length * 17) % 240)) * 60_000; // 1 to 240 minutes later
    out.push(proposed(i, out.length, type, customerId, time, { caseId, ...data }));
  };
  add('cx.case.opened.v1', { category: 'complaint', channel: 'phone', team: owner });
  for (let step = 0, left = count - 1 - closing.length; left > 0; step++) {
    const next = TEAMS[(TEAMS.indexOf(owner) + 1 + (step % 3)) % TEAMS.length];
    if (left === 1) {
      add('cx.case.handoff.requested.v1', { fromTeam: owner, toTeam: next });
      left -= 1;
    } else if (step % 4 === 3) {
      add('cx.case.handoff.accepted.v1', { team: next }); // takeover
      owner = next;
      left -= 1;
    } else {
      add('cx.case.handoff.requested.v1', { fromTeam: owner, toTeam: next });
      owner = (i + step) % 13 === 0 ? TEAMS[(TEAMS.indexOf(next) + 1) % TEAMS.length] : next; // misrouted
      add('cx.case.handoff.accepted.v1', { team: owner });
      left -= 2;
    }
  }
  for (const type of closing) add(type === 'resolved' ? 'cx.case.resolved.v1' : 'cx.case.reopened.v1', {});
  return out;
}

function proposed(
  caseIndex: number,
  n: number,
  type: EventType,
  customerId: string,
  time: number,
  caseData: Record<string, unknown>,
): ProposedEvent {
  const id = `bench-case-${caseIndex}-${n}`;
  const source = '/channels/bench';
  const attributes = { specversion: '1.0', id, source, type, time: new Date(time).toISOString() };
  const data = { customer: { id: customerId }, ...caseData };
  return { id, source, type, customerId, time, attributes, data, contentHash: contentHashOf({ ...attributes, data }) };
}

/** Waits until every projection the case routes read has processed the last stored event. */
async function caughtUp(app: NestFastifyApplication, head: number, log: (line: string) => void): Promise<number> {
  const registry = app.get(ProjectionRegistry);
  const started = performance.now();
  let lastLog = started;
  for (;;) {
    const records = await registry.records();
    const checkpoints = await Promise.all(
      ['cases', 'lifecycle'].map((name) => {
        const record = records.find((r) => r.name === name);
        return record ? registry.checkpoint(name, record.activeGeneration) : Promise.resolve(0);
      }),
    );
    if (Math.min(...checkpoints) >= head) return performance.now() - started;
    if (performance.now() - lastLog > 10_000) {
      log(`projected ${Math.min(...checkpoints)} of ${head}`);
      lastLog = performance.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Windows of a month, a quarter and the whole year, at varying starts. */
function reportPath(i: number): string {
  const lengths = [30, 91, 365];
  const days = lengths[i % lengths.length];
  const from = YEAR_START + ((i * 37) % Math.max(1, 366 - days)) * 86_400_000;
  return `/v1/reports/handoffs?from=${new Date(from).toISOString()}&to=${new Date(from + days * 86_400_000).toISOString()}`;
}

async function fetchOk(url: string, path: string): Promise<void> {
  const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${KEY}` } });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`GET ${path}: ${response.status}`);
}

/** p50/p99 of sequential calls, after one warm-up call. */
async function measure(requests: number, call: (i: number) => Promise<void>): Promise<{ p50: number; p99: number }> {
  await call(requests);
  return latencies(requests, call);
}

import { execFileSync } from 'node:child_process';
import type { AnyLedgerEvent } from '@cx/events';
import type { CaseView, HandoffReport } from '@cx/views';
import { scratchDatabase } from '@cx/event-store/testing';
import { client, KEYS, RunningServer, startServer } from './cx-server';

/**
 * What the case suites share: a server per view store (SQLite, and PostgreSQL in a database
 * of its own so that suites never see each other's rows), case events as CloudEvents, and
 * the pure views' answers in the API's JSON shape, for comparing with what HTTP answers.
 */

export const T0 = Date.UTC(2026, 2, 2);
/** Epoch ms of `minutes` (and `seconds`) after 2026-03-02T00:00Z, as in the views' own specs. */
export const at = (minutes: number, seconds = 0): number => T0 + minutes * 60_000 + seconds * 1_000;
export const iso = (ms: number): string => new Date(ms).toISOString();

const POSTGRES_URL = process.env.CX_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Checked once, synchronously, so that the suite can be declared skipped (never with CI=true). */
function postgresReachable(): boolean {
  const probe = `const { Client } = require('pg'); const c = new Client({ connectionString: ${JSON.stringify(POSTGRES_URL)} });
    c.connect().then(() => c.end()).then(() => process.exit(0), () => process.exit(1));`;
  try {
    execFileSync(process.execPath, ['-e', probe], { timeout: 10_000, stdio: 'ignore', cwd: __dirname });
    return true;
  } catch {
    return false;
  }
}

export type ViewStoreName = 'sqlite' | 'postgres';
const IN_CI = process.env.CI === 'true';
const POSTGRES_UP = postgresReachable();

/**
 * Declares the suite once per view store. Without PostgreSQL the PostgreSQL suite is
 * skipped on a workstation; with CI=true it runs and fails.
 */
export function describeEachViewStore(title: string, body: (store: ViewStoreName) => void): void {
  describe(`${title} (sqlite view store)`, () => body('sqlite'));
  const runs = POSTGRES_UP || IN_CI;
  (runs ? describe : describe.skip)(`${title} (postgres view store)`, () => body('postgres'));
}

export interface CaseServer {
  server: RunningServer;
  /** POSTs events (in batches of `batchSize`), checks every one was accepted, returns the answers in order. */
  post(events: readonly object[], batchSize?: number): Promise<Array<{ position: number; customerId: string }>>;
  /** GET as an analyst, waiting for every event posted so far to be projected. */
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export async function startCaseServer(store: ViewStoreName, env: Record<string, string> = {}): Promise<CaseServer> {
  const database = store === 'postgres' ? await scratchDatabase(POSTGRES_URL, 'cx_cases') : undefined;
  const storeEnv: Record<string, string> = database ? { CX_VIEW_STORE: 'postgres', CX_POSTGRES_URL: database.url } : {};
  const server = await startServer({ ...storeEnv, ...env }).catch(async (error: unknown) => {
    await database?.drop();
    throw error;
  });
  const ingest = client(server.url, KEYS.all);
  const analyst = client(server.url, KEYS.analyst);
  let after = 0;
  return {
    server,
    async post(events, batchSize = 1000) {
      const answers: Array<{ position: number; customerId: string }> = [];
      for (let i = 0; i < events.length; i += batchSize) {
        const answer = await ingest.post('/v1/events', events.slice(i, i + batchSize));
        const rejected = (answer.body as Array<{ status: string }>).filter((r) => r.status !== 'accepted');
        if (answer.status !== 202 || rejected.length > 0)
          throw new Error(`events not accepted: ${JSON.stringify(answer.body).slice(0, 500)}`);
        answers.push(...answer.body);
      }
      after = Math.max(after, ...answers.map((a) => a.position));
      return answers;
    },
    get: (path, headers) => analyst.get(`${path}${path.includes('?') ? '&' : '?'}after=${after}`, headers),
    async close() {
      await server.close();
      await database?.drop();
    },
  };
}

let sequence = 0;

/** Case events as a channel system sends them; the customer is `cust-<caseId>` unless given. */
export function caseEvents(customerOf: (caseId: string) => object = (caseId) => ({ id: `cust-${caseId}` })) {
  const event = (type: string, caseId: string, time: number, data: Record<string, unknown>) => {
    sequence += 1;
    return {
      specversion: '1.0',
      id: `case-evt-${process.pid}-${sequence}`,
      source: '/channels/case-tests',
      type,
      time: iso(time),
      data: { customer: customerOf(caseId), caseId, ...data },
    };
  };
  const defined = (fields: Record<string, unknown>) => Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  return {
    opened: (caseId: string, time: number, team?: string, agentId?: string) =>
      event('cx.case.opened.v1', caseId, time, { category: 'complaint', channel: 'phone', ...defined({ team, agentId }) }),
    requested: (caseId: string, time: number, fromTeam: string, toTeam: string) =>
      event('cx.case.handoff.requested.v1', caseId, time, { fromTeam, toTeam }),
    accepted: (caseId: string, time: number, team: string, agentId?: string) =>
      event('cx.case.handoff.accepted.v1', caseId, time, defined({ team, agentId })),
    resolved: (caseId: string, time: number, team?: string) => event('cx.case.resolved.v1', caseId, time, defined({ team })),
    reopened: (caseId: string, time: number) => event('cx.case.reopened.v1', caseId, time, {}),
  };
}

/** A ledger event (from the views' test kit) as a CloudEvent to POST; ids made unique per run. */
export function asCloudEvent(event: AnyLedgerEvent, run: string) {
  return { specversion: '1.0', id: `${run}-${event.id}`, source: event.source, type: event.type, time: iso(event.time), data: event.data };
}

type Posted = { type: string; time: string; data: unknown };

/** The events as the store holds them (positions and customers from the answers), for the pure views. */
export function storedAs(posted: readonly Posted[], answers: ReadonlyArray<{ position: number; customerId: string }>): AnyLedgerEvent[] {
  return posted.map(
    (event, i) =>
      ({
        position: answers[i].position,
        streamId: answers[i].customerId,
        revision: 0,
        customerId: answers[i].customerId,
        id: `stored-${answers[i].position}`,
        source: '/channels/case-tests',
        type: event.type,
        time: Date.parse(event.time),
        recordedAt: Date.parse(event.time),
        data: event.data,
      }) as AnyLedgerEvent,
  );
}

/** The pure report in the API's JSON shape, written out here rather than borrowed from the API. */
export function reportAsJson(report: HandoffReport) {
  return {
    from: iso(report.from),
    to: iso(report.to),
    teams: report.teams,
    matrix: report.matrix,
    ownerless: report.ownerless.map((row) => ({ ...row, unownedSince: iso(row.unownedSince) })),
    totals: report.totals,
  };
}

const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** The pure case view in the API's JSON shape. */
export function caseViewAsJson(view: CaseView) {
  return {
    ...view,
    asOf: iso(view.asOf),
    startedAt: iso(view.startedAt),
    resolvedAt: isoOrNull(view.resolvedAt),
    handoffs: view.handoffs.map((h) => ({ ...h, requestedAt: isoOrNull(h.requestedAt), acceptedAt: isoOrNull(h.acceptedAt) })),
    timeline: view.timeline.map((entry) => ({ ...entry, time: iso(entry.time) })),
  };
}

export { shuffled } from '@cx/views/testing';

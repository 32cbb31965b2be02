import { spawnSync } from 'node:child_process';
import type { AnyLedgerEvent } from '@cx/events';
import { Answer, client, KEYS, RunningServer, startServer } from './cx-server';
import { scratchDatabase } from '@cx/event-store/testing';
import { present } from '@cx/views/testing';

/**
 * The view stores the loyalty suites run on: SQLite always; PostgreSQL when it answers at
 * CX_POSTGRES_URL (default: the local server that tools/services/start.sh starts). With
 * CI=true a missing PostgreSQL fails the suite instead of skipping it. Each suite gets a
 * database of its own, dropped after, so suites running side by side (the view schema is
 * fixed) never share tables.
 */
const ADMIN_URL = process.env.CX_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function postgresAnswers(): boolean {
  const probe = `const { Client } = require('pg'); const c = new Client({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });
    c.connect().then(() => c.end()).then(() => process.exit(0), () => process.exit(1));`;
  return spawnSync(process.execPath, ['-e', probe, ADMIN_URL], { cwd: process.cwd(), timeout: 10_000 }).status === 0;
}

export interface ViewStoreUnderTest {
  name: 'sqlite' | 'postgres';
  /** Settings for the server, creating what the store needs first. */
  setUp(): Promise<Record<string, string>>;
  tearDown(): Promise<void>;
}

const sqlite: ViewStoreUnderTest = { name: 'sqlite', setUp: async () => ({ CX_VIEW_STORE: 'sqlite' }), tearDown: async () => {} };

function postgres(): ViewStoreUnderTest {
  let database: Awaited<ReturnType<typeof scratchDatabase>> | undefined;
  return {
    name: 'postgres',
    setUp: async () => {
      database = await scratchDatabase(ADMIN_URL, 'cx_loyalty');
      return { CX_VIEW_STORE: 'postgres', CX_POSTGRES_URL: database.url };
    },
    tearDown: async () => {
      await database?.drop();
    },
  };
}

/** The names of the stores to run on; throws at once under CI=true when PostgreSQL does not answer. */
export function viewStoresUnderTest(): Array<ViewStoreUnderTest['name']> {
  if (postgresAnswers()) return ['sqlite', 'postgres'];
  if (process.env.CI === 'true')
    throw new Error(`CI=true but PostgreSQL does not answer at ${ADMIN_URL}: the PostgreSQL view store must be tested`);

  console.warn(`PostgreSQL does not answer at ${ADMIN_URL}: loyalty suites run on SQLite only`);
  return ['sqlite'];
}

/** A fresh store of that kind for one suite. */
export const viewStoreUnderTest = (name: ViewStoreUnderTest['name']): ViewStoreUnderTest => (name === 'sqlite' ? sqlite : postgres());

/** A stored ledger event back to the CloudEvent that would store it (ids unique per `prefix`). */
export function toCloudEvent(event: AnyLedgerEvent, prefix: string) {
  return {
    specversion: '1.0',
    id: `${prefix}-${event.position}`,
    source: '/channels/loyalty-test',
    type: event.type,
    time: new Date(event.time).toISOString(),
    data: event.data,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The pure report as the API writes it: times as RFC 3339, otherwise the same shape. */
export const asJson = <R extends { from: number; to: number }>(report: R) => ({ ...report, from: iso(report.from), to: iso(report.to) });

export interface LoyaltyServer {
  server: RunningServer;
  /** Posts events (batches of 1,000 at most); answers each event's result, and remembers the highest position. */
  post(events: readonly unknown[]): Promise<Array<{ status: string; position?: number; customerId?: string }>>;
  loyalty(from: number, to: number, groupBy?: string, headers?: Record<string, string>): Promise<Answer>;
  cohorts(from: number, to: number, headers?: Record<string, string>): Promise<Answer>;
  get(path: string, headers?: Record<string, string>): Promise<Answer>;
  close(): Promise<void>;
}

/** The real server on the given view store, with helpers that read their writes (`after`). */
export async function startLoyaltyServer(storeName: ViewStoreUnderTest['name'], env: Record<string, string> = {}): Promise<LoyaltyServer> {
  const store = viewStoreUnderTest(storeName);
  const server = await startServer({ ...(await store.setUp()), ...env });
  const ingest = client(server.url, KEYS.ingest);
  const analyst = client(server.url, KEYS.analyst);
  let after = 0;
  const window = (from: number, to: number) => `from=${encodeURIComponent(iso(from))}&to=${encodeURIComponent(iso(to))}`;
  return {
    server,
    post: async (events) => {
      const results: Array<{ status: string; position?: number; customerId?: string }> = [];
      for (let i = 0; i < events.length; i += 1000) {
        const answer = await ingest.post('/v1/events', events.slice(i, i + 1000));
        if (answer.status !== 202) throw new Error(`POST /v1/events answered ${answer.status}: ${JSON.stringify(answer.body)}`);
        results.push(...answer.body);
      }
      const rejected = results.filter((r) => r.status === 'rejected');
      if (rejected.length > 0) throw new Error(`events rejected: ${JSON.stringify(rejected.slice(0, 3))}`);
      after = Math.max(after, ...results.map((r) => r.position ?? 0));
      return results;
    },
    loyalty: (from, to, groupBy, headers) =>
      analyst.get(`/v1/reports/loyalty?${window(from, to)}${groupBy ? `&groupBy=${groupBy}` : ''}&after=${after}`, headers),
    cohorts: (from, to, headers) => analyst.get(`/v1/reports/cohorts?${window(from, to)}&after=${after}`, headers),
    get: (path, headers) => analyst.get(path, headers),
    close: async () => {
      await server.close();
      await store.tearDown();
    },
  };
}

/** RFC 4180 CSV into records by header. */
export function parseCsv(text: string): Array<Record<string, string>> {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\n') {
      record.push(field.replace(/\r$/, ''));
      records.push(record);
      record = [];
      field = '';
    } else field += ch;
  }
  const [header, ...rows] = records;
  return rows.map((values) => Object.fromEntries(header.map((name, i) => [name, values[i] ?? ''])));
}

const csvValue = (text: string): number | null => (text === '' ? null : Number(text));

/**
 * The loyalty CSV back into the JSON report's shape, to check both carry the same numbers:
 * a block the JSON has as null (no key under the grouping) has no CSV rows.
 */
export function loyaltyFromCsv(text: string) {
  const groups: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const row of parseCsv(text)) {
    const block = ((groups[row.group] ??= {})[row.block] ??= {});
    const [metric, currency] = [row.metric.split('.')[0], row.metric.split('.').at(1)];
    if (currency !== undefined) ((block[metric] ??= {}) as Record<string, unknown>)[currency] = csvValue(row.value);
    else block[metric] = csvValue(row.value);
  }
  return groups;
}

/** The JSON report in the shape `loyaltyFromCsv` gives back. */
export function loyaltyGroupsOfJson(json: {
  groupBy: string | null;
  blocks?: Record<string, unknown>;
  groups?: Record<string, Record<string, unknown>>;
}) {
  const groups = json.groupBy === null ? { '': present(json.blocks) } : present(json.groups);
  return Object.fromEntries(
    Object.entries(groups).map(([group, blocks]) => [
      group,
      Object.fromEntries(
        Object.entries(blocks)
          .filter(([, block]) => block !== null)
          .map(([name, block]) => [
            name,
            {
              ...(block as object),
              ...('revenueMinor' in (block as object) && Object.keys((block as { revenueMinor: object }).revenueMinor).length === 0
                ? { revenueMinor: undefined }
                : {}),
            },
          ]),
      ),
    ]),
  );
}

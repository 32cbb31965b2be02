import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { client, KEYS, RunningServer, startServer } from './support/cx-server';
import { randomJourneys } from './support/random-journeys';

const CX = join(__dirname, '..', 'bin', 'cx.js');

/**
 * Each report once, with the grouping that borrows most from other projections' tables
 * (segments, stages, value tiers), as query parameters of its route and flags of `cx report`.
 */
const WINDOW = { from: '2025-03-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z', asOf: '2026-06-01T00:00:00.000Z' };
const REPORTS: Array<{ name: string; params: Record<string, string> }> = [
  { name: 'lifecycle', params: { asOf: '2025-09-01T00:00:00.000Z' } },
  { name: 'loyalty', params: { ...WINDOW, groupBy: 'segment' } },
  { name: 'cohorts', params: WINDOW },
  { name: 'handoffs', params: WINDOW },
  { name: 'closed-loop', params: { ...WINDOW, groupBy: 'segment' } },
  { name: 'drivers', params: { ...WINDOW, outcome: 'churn', groupBy: 'segment' } },
  { name: 'drivers', params: { ...WINDOW, outcome: 'nps', groupBy: 'valueTier', currency: 'EUR' } },
];

const flagOf = (param: string) => `--${param.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/**
 * SPEC §2 `knownAt` through `cx report`: folded from the events recorded by then into a
 * scratch store (only the projections the report reads), or read from the live views when
 * they stand at the head and everything stored was known by then. Both must give the API's
 * answer when nothing was recorded after `knownAt`.
 */
describe('cx report --known-at (embedded store)', () => {
  let server: RunningServer;
  let recordedBy: string;

  beforeAll(async () => {
    server = await startServer();
    const ingest = client(server.url, KEYS.ingest);
    const events = randomJourneys(1500, 77, 120);
    let head = 0;
    for (let i = 0; i < events.length; i += 250) {
      const answer = await ingest.post('/v1/events', events.slice(i, i + 250));
      head = Math.max(head, ...(answer.body as Array<{ position: number }>).map((r) => r.position));
    }
    recordedBy = new Date(Date.now() + 1).toISOString();
    await client(server.url, KEYS.analyst).get(`/v1/reports/lifecycle?after=${head}`);
  }, 120_000);
  afterAll(async () => server.close());

  const cx = (args: string[]) =>
    spawnSync(process.execPath, [CX, ...args], {
      env: { ...process.env, CX_DATA_DIR: server.dataDir, LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    });

  it.each(REPORTS)('$name $params: replayed and live answers equal the route', async ({ name, params }) => {
    const route = await client(server.url, KEYS.analyst).get(`/v1/reports/${name}?${new URLSearchParams(params).toString()}`);
    expect(route.status).toBe(200);
    const flags = Object.entries(params).flatMap(([param, value]) => [flagOf(param), value]);
    // Just after the last append: the live views cannot be told apart from that moment, so it replays.
    const replayed = cx(['report', name, '--known-at', recordedBy, ...flags]);
    expect(replayed.stderr).toContain('replayed the events known at');
    expect(replayed.status).toBe(0);
    // From now on (the CLI takes a moment to start), every stored event is known and the views stand at the head: read as they are.
    const live = cx(['report', name, '--known-at', new Date(Date.now() + 120_000).toISOString(), ...flags]);
    expect(live.stderr).toContain('answered from the live views');
    expect(live.status).toBe(0);
    expect(JSON.parse(replayed.stdout).report).toEqual(route.body);
    expect(JSON.parse(live.stdout).report).toEqual(route.body);
  });

  it.each([
    ['drivers', [], /from is required/],
    ['loyalty', ['--from', WINDOW.from, '--to', WINDOW.to, '--group-by', 'planet'], /groupBy/],
    ['handoffs', ['--from', WINDOW.to, '--to', WINDOW.from], /from must not be after to/],
  ])('%s %j: refused with the reason, and no report', (name, flags, reason) => {
    const refused = cx(['report', name, '--known-at', recordedBy, ...flags]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(reason);
    expect(refused.stdout).toBe('');
  });
});

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseCsv, LoyaltyServer, startLoyaltyServer, viewStoresUnderTest } from './support/loyalty-support';
import { client, KEYS, startServer } from './support/cx-server';
import { stopIfStarted } from '@cx/event-store/testing';

/**
 * SPEC §2.5 through HTTP, on every view store, over a small ledger worked out by hand
 * (March 2026), then the unhappy paths of `GET /v1/reports/drivers`.
 */

const FROM = '2026-03-01T00:00:00.000Z';
const TO = '2026-04-01T00:00:00.000Z';
const WINDOW = `from=${encodeURIComponent(FROM)}&to=${encodeURIComponent(TO)}`;

let id = 0;
const event = (type: string, customer: Record<string, unknown>, time: string, data: Record<string, unknown>) => ({
  specversion: '1.0',
  id: `hand-${++id}`,
  source: '/channels/drivers-e2e',
  type,
  time,
  data: { customer, ...data },
});
const alice = { id: 'alice' };
const bob = { id: 'bob' };
const carol = { id: 'carol' };
const dave = { id: 'dave' };
const gina = { id: 'gina' };
const order = (customer: Record<string, unknown>, time: string, amountMinor: number, currency = 'EUR') =>
  event('cx.purchase.completed.v1', customer, time, { orderId: `o-${id + 1}`, amountMinor, currency, channel: 'web' });
const nps = (customer: Record<string, unknown>, time: string, score: number) =>
  event('cx.survey.answered.v1', customer, time, { survey: 'nps', score });

const LEDGER = [
  // alice: a complaint by chat, stalled 6 h (unowned), handed to billing and back (a ping-pong), resolved after 6 days; NPS 3.
  order(alice, '2026-01-10T10:00:00Z', 9000),
  event('cx.case.opened.v1', alice, '2026-03-02T10:00:00Z', { caseId: 'K1', category: 'complaint', channel: 'chat', team: 'support' }),
  event('cx.case.handoff.requested.v1', alice, '2026-03-02T11:00:00Z', { caseId: 'K1', fromTeam: 'support', toTeam: 'billing' }),
  event('cx.case.handoff.accepted.v1', alice, '2026-03-02T17:00:00Z', { caseId: 'K1', team: 'billing' }),
  event('cx.case.handoff.requested.v1', alice, '2026-03-03T09:00:00Z', { caseId: 'K1', fromTeam: 'billing', toTeam: 'support' }),
  event('cx.case.handoff.accepted.v1', alice, '2026-03-03T10:00:00Z', { caseId: 'K1', team: 'support' }),
  event('cx.case.resolved.v1', alice, '2026-03-08T10:00:00Z', { caseId: 'K1' }),
  nps(alice, '2026-03-10T12:00:00Z', 3),
  // bob: an inquiry by phone resolved in an hour (first contact); NPS 9.
  order(bob, '2026-02-01T10:00:00Z', 1000),
  event('cx.case.opened.v1', bob, '2026-03-05T09:00:00Z', { caseId: 'K2', category: 'inquiry', channel: 'phone', team: 'support' }),
  event('cx.case.resolved.v1', bob, '2026-03-05T10:00:00Z', { caseId: 'K2' }),
  nps(bob, '2026-03-06T12:00:00Z', 9),
  // carol: buys in dollars, writes an e-mail; NPS 10.
  order(carol, '2026-02-15T10:00:00Z', 5000, 'USD'),
  event('cx.interaction.recorded.v1', carol, '2026-03-15T10:00:00Z', { channel: 'email', direction: 'inbound' }),
  nps(carol, '2026-03-20T10:00:00Z', 10),
  // dave: called by the company (no contact of his); NPS 7.
  order(dave, '2026-02-20T10:00:00Z', 1000),
  event('cx.interaction.recorded.v1', dave, '2026-03-20T10:00:00Z', { channel: 'phone', direction: 'outbound' }),
  nps(dave, '2026-03-21T10:00:00Z', 7),
  // erin: anonymous on the web, NPS 0; signs up on the app later (a merge: her answer is erin's).
  event('cx.interaction.recorded.v1', { email: 'erin@example.com' }, '2026-03-11T10:00:00Z', { channel: 'web', direction: 'inbound' }),
  nps({ email: 'erin@example.com' }, '2026-03-12T10:00:00Z', 0),
  event('cx.interaction.recorded.v1', { id: 'erin', email: 'erin@example.com' }, '2026-03-25T10:00:00Z', {
    channel: 'app',
    direction: 'inbound',
  }),
  // gina: last bought 151 days before March (at risk), so churned by inactivity at April; visits a store.
  order(gina, '2025-10-01T10:00:00Z', 2000),
  event('cx.interaction.recorded.v1', gina, '2026-03-15T10:00:00Z', { channel: 'store', direction: 'inbound' }),
  // frank: churned before March (181 days without a purchase): not at the start of the window.
  order({ id: 'frank' }, '2025-09-01T00:00:00Z', 2000),
];

const row = (
  attribute: string,
  w: [number, number | null],
  wo: [number, number | null],
  impact: number | null,
  share: number | null,
  unit = 'responses',
) => {
  const score = unit === 'responses' ? 'score' : 'rate';
  return { attribute, with: { [unit]: w[0], [score]: w[1] }, without: { [unit]: wo[0], [score]: wo[1] }, impact, share };
};

const ALICE_ONLY = ['hadComplaint', 'hadHandoff', 'hadPingPong', 'hadStalledHandoff', 'slowResolution', 'unownedOver4h'];

describe.each(viewStoresUnderTest())('GET /v1/reports/drivers over a hand-worked ledger (%s view store)', (storeName) => {
  let api: LoyaltyServer;
  let after = 0;
  const get = (query: string, headers?: Record<string, string>) =>
    api.get(`/v1/reports/drivers?${WINDOW}&${query}&after=${after}`, headers);

  beforeAll(async () => {
    api = await startLoyaltyServer(storeName);
    const results = await api.post(LEDGER);
    after = Math.max(...results.map((r) => r.position ?? 0));
  });
  afterAll(async () => stopIfStarted(api, (it) => it.close()));

  it('splits the NPS answers by each attribute, ranked by |impact| × share', async () => {
    const answer = await get('outcome=nps');
    expect(answer.status).toBe(200);
    // Answers: alice 3 (D), bob 9 (P), carol 10 (P), dave 7, erin 0 (D): 100 × (2 − 2) / 5 = 0.
    // alice alone: with −100, without (bob, carol, dave, erin) 25 → −125, share 20. Same for her chat opening.
    // bob alone (first contact, phone): with 100, without −25 → 125; carol alone (e-mail) likewise; erin alone (web) −125.
    const aliceOnly = (a: string) => row(a, [1, -100], [4, 25], -125, 20);
    const positive = (a: string) => row(a, [1, 100], [4, -25], 125, 20);
    expect(answer.body).toEqual({
      from: FROM,
      to: TO,
      asOf: null,
      outcome: 'nps',
      groupBy: null,
      currency: null,
      overall: { responses: 5, score: 0 },
      drivers: [
        aliceOnly('channel:chat'),
        positive('channel:email'),
        positive('channel:phone'),
        row('channel:web', [1, -100], [4, 25], -125, 20),
        positive('firstContactResolution'),
        ...ALICE_ONLY.slice(0, 4).map(aliceOnly),
        ...ALICE_ONLY.slice(4).map(aliceOnly),
        // alice and bob had a case: 0 against 0.
        row('hadCase', [2, 0], [3, 0], 0, 40),
        row('followedUpAlert', [0, null], [5, 0], null, 0),
      ],
    });
  });

  it('gives the same numbers as CSV, one row per attribute in rank order', async () => {
    const json = (await get('outcome=nps')).body;
    const csv = await get('outcome=nps', { accept: 'text/csv' });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = parseCsv(csv.body as string);
    expect(
      rows.map((r) => [
        r.rank,
        r.attribute,
        r.withCount,
        r.withScore,
        r.withoutCount,
        r.withoutScore,
        r.impact,
        r.share,
        r.allCount,
        r.allScore,
      ]),
    ).toEqual(
      json.drivers.map((d: any, i: number) => [
        String(i + 1),
        d.attribute,
        String(d.with.responses),
        d.with.score === null ? '' : String(d.with.score),
        String(d.without.responses),
        String(d.without.score),
        d.impact === null ? '' : String(d.impact),
        String(d.share),
        '5',
        '0',
      ]),
    );
    expect(rows[0]).toMatchObject({ from: FROM, to: TO, outcome: 'nps', groupBy: 'none', group: '' });
  });

  it('groups by value tier: the top 10% (rounded up) by revenue in the most used currency', async () => {
    // EUR has three orders in the year before April (alice 9000, bob 1000, dave 1000), USD one: EUR.
    // Three EUR buyers: ⌈0.3⌉ = 1 top (alice); bob and dave core; carol (dollars only) and erin none.
    const answer = await get('outcome=nps&groupBy=valueTier');
    expect(answer.status).toBe(200);
    expect(answer.body.currency).toBe('EUR');
    expect(Object.entries(answer.body.groups).map(([tier, block]: [string, any]) => [tier, block.overall])).toEqual([
      ['top', { responses: 1, score: -100 }],
      ['core', { responses: 2, score: 50 }],
      ['none', { responses: 2, score: 0 }],
    ]);
    const dollars = await get('outcome=nps&groupBy=valueTier&currency=USD');
    expect(Object.entries(dollars.body.groups).map(([tier, block]: [string, any]) => [tier, block.overall.responses])).toEqual([
      ['top', 1],
      ['none', 4],
    ]);
  });

  it('splits churn over the window: customers at its start, churned at its end', async () => {
    // At March 1: alice, bob, carol, dave (new), gina (at risk); frank churned. At April 1 gina is churned: 1 / 5.
    const answer = await get('outcome=churn');
    expect(answer.status).toBe(200);
    expect(answer.body.overall).toEqual({ customers: 5, rate: 20 });
    expect(answer.body.drivers.slice(0, 2)).toEqual([
      row('channel:store', [1, 100], [4, 0], 100, 20, 'customers'),
      row('hadCase', [2, 0], [3, 33.3], -33.3, 40, 'customers'),
    ]);
  });

  it('counts only what happened by asOf', async () => {
    // By March 9, noon, only bob had answered (9): 100.
    const answer = await get(`outcome=nps&asOf=${encodeURIComponent('2026-03-09T12:00:00Z')}`);
    expect(answer.body).toMatchObject({ asOf: '2026-03-09T12:00:00.000Z', overall: { responses: 1, score: 100 } });
  });

  it.each([
    ['no from', `/v1/reports/drivers?to=${encodeURIComponent(TO)}`],
    ['a time without offset', `/v1/reports/drivers?from=2026-03-01T00:00:00&to=${encodeURIComponent(TO)}`],
    ['from after to', `/v1/reports/drivers?from=${encodeURIComponent(TO)}&to=${encodeURIComponent(FROM)}`],
    ['more than 10 years', `/v1/reports/drivers?from=2016-03-01T00:00:00Z&to=2026-03-01T00:00:00.001Z`],
    ['an unknown outcome', `/v1/reports/drivers?${WINDOW}&outcome=ces`],
    ['an unknown grouping', `/v1/reports/drivers?${WINDOW}&groupBy=channel`],
    ['a currency that is no ISO 4217 code', `/v1/reports/drivers?${WINDOW}&groupBy=valueTier&currency=eur`],
    ['a currency without value tiers', `/v1/reports/drivers?${WINDOW}&currency=EUR`],
    ['a bad asOf', `/v1/reports/drivers?${WINDOW}&asOf=yesterday`],
    ['an outcome given twice', `/v1/reports/drivers?${WINDOW}&outcome=nps&outcome=csat`],
  ])('answers 400 for %s', async (_name, path) => {
    const answer = await api.get(path);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: path.startsWith('/v1/reports/drivers?from=2016') ? 'window_too_long' : 'invalid_parameter',
      message: expect.any(String),
    });
  });

  it('accepts exactly 10 years', async () => {
    expect((await api.get('/v1/reports/drivers?from=2016-03-01T00:00:00Z&to=2026-03-01T00:00:00Z')).status).toBe(200);
  });

  it('needs an analyst key', async () => {
    expect((await client(api.server.url, '').get(`/v1/reports/drivers?${WINDOW}`)).status).toBe(401);
    expect((await client(api.server.url, KEYS.ingest).get(`/v1/reports/drivers?${WINDOW}`)).status).toBe(403);
  });
});

/** `cx report drivers --known-at T`: the report as the system would have answered at T. */
describe('cx report drivers --known-at (embedded store)', () => {
  const CX = join(__dirname, '..', 'bin', 'cx.js');
  const cx = (dataDir: string, ...args: string[]) =>
    spawnSync(process.execPath, [CX, ...args], { env: { ...process.env, CX_DATA_DIR: dataDir, CX_API_KEYS: 'k=ops' }, encoding: 'utf8' });

  it('counts only the events recorded by then', async () => {
    const server = await startServer();
    try {
      const ingest = client(server.url, KEYS.ingest);
      await ingest.post('/v1/events', LEDGER.slice(0, 8)); // alice
      await new Promise((resolve) => setTimeout(resolve, 30));
      const knownAt = new Date().toISOString();
      await new Promise((resolve) => setTimeout(resolve, 30));
      await ingest.post('/v1/events', LEDGER.slice(8, 12)); // bob
      const report = (at: string) => {
        const run = cx(
          server.dataDir,
          'report',
          'drivers',
          '--known-at',
          at,
          '--as-of',
          TO,
          '--from',
          FROM,
          '--to',
          TO,
          '--outcome',
          'nps',
        );
        expect(run.status).toBe(0);
        return JSON.parse(run.stdout).report;
      };
      expect(report(knownAt).overall).toEqual({ responses: 1, score: -100 });
      expect(report(new Date().toISOString()).overall).toEqual({ responses: 2, score: 0 });
      const csv = cx(
        server.dataDir,
        'report',
        'drivers',
        '--known-at',
        knownAt,
        '--from',
        FROM,
        '--to',
        TO,
        '--outcome',
        'churn',
        '--format',
        'csv',
      );
      expect(csv.stdout.split('\r\n')[0]).toBe(
        'from,to,asOf,outcome,groupBy,currency,group,allCount,allScore,rank,attribute,withCount,withScore,withoutCount,withoutScore,impact,share',
      );
      expect(
        cx(server.dataDir, 'report', 'drivers', '--known-at', knownAt, '--from', FROM, '--to', TO, '--outcome', 'ces').status,
      ).not.toBe(0);
    } finally {
      await server.close();
    }
  }, 60_000);
});

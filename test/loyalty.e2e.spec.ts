import type { AnyLedgerEvent } from '@cx/events';
import { anonymousCustomerId } from '@cx/identity';
import { caseFacts, cohortReport, loyaltyReport, orderFacts, referralFacts, surveyFacts, type LoyaltyGroupBy } from '@cx/views';
import { FROM, LEDGER, segmentsAt, stageOf, TO } from '@cx/views/testing';
import {
  asJson,
  LoyaltyServer,
  loyaltyFromCsv,
  loyaltyGroupsOfJson,
  parseCsv,
  startLoyaltyServer,
  toCloudEvent,
  viewStoresUnderTest,
} from './support/loyalty-support';
import { stopIfStarted } from '@cx/event-store/testing';
import { present } from '@cx/views/testing';

/**
 * SPEC §2.2 through HTTP, on every view store: the hand-built ledger of
 * libs/views/src/loyalty/loyalty.fixtures.ts (104 events, 8 customers, 3 teams, 7 channels;
 * every number below is worked out by hand from the event comments there, ids N…, C…, E…, O…,
 * R…, K…), then edge cases on a ledger of their own, worked out by hand in the comments here.
 */

const GROUPINGS = [undefined, 'channel', 'team', 'segment'] as const;
const day = (n: number) => n * 86_400_000;
const at = (iso: string) => Date.parse(iso);

const NO_NPS = { responses: 0, promoters: 0, passives: 0, detractors: 0, score: null };
const NO_CSAT = { responses: 0, satisfied: 0, score: null };
const NO_CES = { responses: 0, mean: null };
const NO_PURCHASES = { orders: 0, customers: 0, repeatCustomers: 0, repeatRate: null, revenueMinor: {} };
const NO_CASES = { opened: 0, resolved: 0, firstContactResolution: null, meanResolutionHours: null };

/** The pure reference report over the fixture ledger (hand-checked in libs/views/src/loyalty/loyalty-report.unit.spec.ts). */
const referenceReport = (groupBy?: LoyaltyGroupBy) =>
  loyaltyReport(
    { surveys: surveyFacts(LEDGER), orders: orderFacts(LEDGER), referrals: referralFacts(LEDGER), cases: caseFacts(LEDGER, TO) },
    { from: FROM, to: TO, groupBy, stageOf, segmentOf: segmentsAt(LEDGER, TO) },
  );

/** A random arrival order that keeps events sharing a time in their order (for a tie, append order is the rule). */
function shuffledKeepingTies(ledger: readonly AnyLedgerEvent[], seed: number): AnyLedgerEvent[] {
  let state = seed;
  const random = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const order = [...ledger].sort(() => random() - 0.5);
  const byTime = new Map<number, AnyLedgerEvent[]>();
  for (const e of ledger) byTime.set(e.time, [...(byTime.get(e.time) ?? []), e]);
  return order.map((e) => present(present(byTime.get(e.time)).shift()));
}

describe.each(viewStoresUnderTest())('loyalty report over the hand-built ledger (%s view store)', (storeName) => {
  let api: LoyaltyServer;

  beforeAll(async () => {
    api = await startLoyaltyServer(storeName);
    await api.post(LEDGER.map((e) => toCloudEvent(e, 'fixture')));
  });
  afterAll(async () => stopIfStarted(api, (it) => it.close()));

  it('has at least 60 events across several customers, teams and channels', () => {
    expect(LEDGER.length).toBeGreaterThanOrEqual(60);
  });

  it('gives every block of SPEC §2.2 without grouping, as worked out by hand', async () => {
    const report = await api.loyalty(FROM, TO);
    expect(report.status).toBe(200);
    expect(report.body).toEqual({
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-04-01T00:00:00.000Z',
      groupBy: null,
      blocks: {
        // N1..N10, N13 (N11 1 ms before FROM, N12 at TO are out): promoters N1 N2 N8 N9 N10, passives N5 N6 N13,
        // detractors N3 N4 N7: 100 × (5 − 3) / 11 = 18.18… → 18.2
        nps: { responses: 11, promoters: 5, passives: 3, detractors: 3, score: 18.2 },
        // C1..C7; satisfied C1 C3 C5 C7: 100 × 4 / 7 = 57.14… → 57.1
        csat: { responses: 7, satisfied: 4, score: 57.1 },
        // E1..E8: 17 / 8 = 2.125 → 2.13 (an exact half, away from zero)
        ces: { responses: 8, mean: 2.13 },
        // O7 (at FROM) .. O15 (O14 at TO − 1 ms in, O16 at TO out): alice 3, erin 2, gina 2, bob 1, frank 1
        purchases: { orders: 9, customers: 5, repeatCustomers: 3, repeatRate: 60, revenueMinor: { EUR: 15200, USD: 11000 } },
        referrals: { count: 3 },
        // at FROM: alice, bob, dave, erin, hank (carol churned); at TO dave (inactive) and hank (cancelled
        // after his last purchase before TO; O16 at TO does not count) churned: 2 / 5 = 40
        churn: { customersAtStart: 5, churned: 2, rate: 40 },
        // opened K1 K2 K4 K5 K6 K7 K8 K10 K11 K13 K14; resolved K1 K2 K3 K4 K5 K8 K9 K11 K12 K14, first contact
        // K1 K3 K5 K9 K12 K14 = 60 %; hours (1.5 + 24 + 87 + 72 + 2.025 + 636 + 3 + 864 + 48) / 9 = 193.06
        cases: { opened: 11, resolved: 10, firstContactResolution: 60, meanResolutionHours: 193.06 },
      },
    });
  });

  it('groups by channel: surveys, orders, referrals by their channel, cases by the opening channel, no churn', async () => {
    const { body } = await api.loyalty(FROM, TO, 'channel');
    expect(Object.keys(body.groups)).toEqual(['app', 'chat', 'email', 'letter', 'phone', 'store', 'unknown', 'web']);
    // phone: N2 9, N3 3, N8 10 → 100 × (2 − 1) / 3 = 33.3; unknown: N7 0 → −100; letter has only K12.
    expect(body.groups.phone.nps).toEqual({ responses: 3, promoters: 2, passives: 0, detractors: 1, score: 33.3 });
    expect(body.groups.unknown.nps).toEqual({ responses: 1, promoters: 0, passives: 0, detractors: 1, score: -100 });
    expect(body.groups.letter).toEqual({
      nps: NO_NPS,
      csat: NO_CSAT,
      ces: NO_CES,
      purchases: NO_PURCHASES,
      referrals: { count: 0 },
      churn: null,
      cases: { opened: 0, resolved: 1, firstContactResolution: 100, meanResolutionHours: 864 },
    });
    // web: O8 O9 (alice), O10 (bob), O13 O14 (gina): repeat alice, gina: 200 / 3 = 66.7
    expect(body.groups.web.purchases).toEqual({
      orders: 5,
      customers: 3,
      repeatCustomers: 2,
      repeatRate: 66.7,
      revenueMinor: { EUR: 6500, USD: 11000 },
    });
    // chat: K5 resolved 2 h 1 min 30 s after opening = 2.025 h → 2.03
    expect(body.groups.chat.cases).toEqual({ opened: 1, resolved: 1, firstContactResolution: 100, meanResolutionHours: 2.03 });
    expect(body).toEqual(asJson(referenceReport('channel')));
  });

  it('groups by team: opened cases by the team owning them when opened, resolved ones by the owner at resolution', async () => {
    const { body } = await api.loyalty(FROM, TO, 'team');
    expect(Object.keys(body.groups)).toEqual(['billing', 'support', 'tech', 'unknown']);
    // support: opened K1 K2 K6 K10; resolved K1, K5 (claimed), K9 (orphan: the event's team), K11 (accepted):
    // FCR K1 K5 K9 = 75; hours (1.5 + 2.025 + 3) / 3 = 2.175 → 2.18. billing: opened K7 K11; resolved K2 K3 K8
    // (took over from tech) K12: FCR K3 K12 = 50; (24 + 87 + 636 + 864) / 4 = 402.75.
    expect(body.groups.support.cases).toEqual({ opened: 4, resolved: 4, firstContactResolution: 75, meanResolutionHours: 2.18 });
    expect(body.groups.billing.cases).toEqual({ opened: 2, resolved: 4, firstContactResolution: 50, meanResolutionHours: 402.75 });
    expect(body.groups.tech.cases).toEqual({ opened: 4, resolved: 2, firstContactResolution: 50, meanResolutionHours: 60 });
    // billing: N3 3, N4 6, N10 9 → 100 × (1 − 2) / 3 = −33.3
    expect(body.groups.billing.nps).toEqual({ responses: 3, promoters: 1, passives: 0, detractors: 2, score: -33.3 });
    for (const group of Object.values(body.groups as Record<string, Record<string, unknown>>)) {
      expect([group.purchases, group.referrals, group.churn]).toEqual([null, null, null]);
    }
    expect(body).toEqual(asJson(referenceReport('team')));
  });

  it('groups by the customer segment at `to` (hank moved to smb before TO, frank has none)', async () => {
    const { body } = await api.loyalty(FROM, TO, 'segment');
    expect(Object.keys(body.groups)).toEqual(['consumer', 'enterprise', 'smb', 'unknown']);
    // at start: smb alice, bob, hank (hank churned) → 33.3; enterprise dave (churned) → 100; consumer erin → 0
    expect(body.groups.smb.churn).toEqual({ customersAtStart: 3, churned: 1, rate: 33.3 });
    expect(body.groups.enterprise.churn).toEqual({ customersAtStart: 1, churned: 1, rate: 100 });
    expect(body.groups.consumer.churn).toEqual({ customersAtStart: 1, churned: 0, rate: 0 });
    expect(body.groups.unknown.churn).toEqual({ customersAtStart: 0, churned: 0, rate: null });
    // consumer: K5 (2.025 h) and K14 (48 h): 50.025 / 2 = 25.0125 → 25.01
    expect(body.groups.consumer.cases).toEqual({ opened: 3, resolved: 2, firstContactResolution: 100, meanResolutionHours: 25.01 });
    expect(body.groups.smb.purchases).toEqual({
      orders: 4,
      customers: 2,
      repeatCustomers: 1,
      repeatRate: 50,
      revenueMinor: { EUR: 11500, USD: 1000 },
    });
    expect(body).toEqual(asJson(referenceReport('segment')));
  });

  it('gives the same numbers as CSV, one row per group, block and metric', async () => {
    for (const groupBy of GROUPINGS) {
      const json = await api.loyalty(FROM, TO, groupBy);
      const csv = await api.loyalty(FROM, TO, groupBy, { accept: 'text/csv' });
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      const rows = parseCsv(csv.body);
      expect(Object.keys(rows[0])).toEqual(['from', 'to', 'groupBy', 'group', 'block', 'metric', 'value']);
      expect(rows.every((r) => r.groupBy === (groupBy ?? 'none') && r.from === '2026-03-01T00:00:00.000Z')).toBe(true);
      expect(loyaltyFromCsv(csv.body)).toEqual(loyaltyGroupsOfJson(json.body));
    }
    const ungrouped = parseCsv((await api.loyalty(FROM, TO, undefined, { accept: 'text/csv' })).body);
    expect(ungrouped.filter((r) => r.block === 'purchases').map((r) => [r.metric, r.value])).toEqual([
      ['orders', '9'],
      ['customers', '5'],
      ['repeatCustomers', '3'],
      ['repeatRate', '60'],
      ['revenueMinor.EUR', '15200'],
      ['revenueMinor.USD', '11000'],
    ]);
  });

  it('gives monthly first-purchase cohorts, worked out by hand', async () => {
    // First purchases: carol 2025-08, dave 2025-09, alice 2025-12, bob 2026-01 (O2), erin and hank 2026-02
    // (O5, O6), gina and frank 2026-03. From 2026-01 on, up to 2026-04-15 (April partial: O16 04-01 hank,
    // O17 04-10 bob count): 2026-01 {bob}: Feb none, Mar O10, Apr O17; 2026-02 {erin, hank}: Mar erin
    // (O11 O12), Apr hank (O16); 2026-03 {gina, frank}: nobody in April.
    const from = at('2026-01-01T00:00:00Z');
    const to = at('2026-04-15T00:00:00Z');
    const { body } = await api.cohorts(from, to);
    expect(body).toEqual({
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-04-15T00:00:00.000Z',
      cohorts: [
        {
          cohort: '2026-01',
          customers: 1,
          months: [
            { month: '2026-02', offset: 1, customers: 0, percent: 0 },
            { month: '2026-03', offset: 2, customers: 1, percent: 100 },
            { month: '2026-04', offset: 3, customers: 1, percent: 100 },
          ],
        },
        {
          cohort: '2026-02',
          customers: 2,
          months: [
            { month: '2026-03', offset: 1, customers: 1, percent: 50 },
            { month: '2026-04', offset: 2, customers: 1, percent: 50 },
          ],
        },
        { cohort: '2026-03', customers: 2, months: [{ month: '2026-04', offset: 1, customers: 0, percent: 0 }] },
      ],
    });
    expect(body).toEqual(asJson(cohortReport(orderFacts(LEDGER), { from, to })));
    const csv = parseCsv((await api.cohorts(from, to, { accept: 'text/csv' })).body);
    expect(csv.map((r) => [r.cohort, r.cohortCustomers, r.month, r.offset, r.customers, r.percent])).toEqual([
      ['2026-01', '1', '2026-02', '1', '0', '0'],
      ['2026-01', '1', '2026-03', '2', '1', '100'],
      ['2026-01', '1', '2026-04', '3', '1', '100'],
      ['2026-02', '2', '2026-03', '1', '1', '50'],
      ['2026-02', '2', '2026-04', '2', '1', '50'],
      ['2026-03', '2', '2026-04', '1', '0', '0'],
    ]);
    // A cohort with no later month yet still has its row, and an empty window has no cohort.
    const march = await api.cohorts(at('2026-03-01T00:00:00Z'), at('2026-03-20T00:00:00Z'), { accept: 'text/csv' });
    expect(parseCsv(march.body).map((r) => [r.cohort, r.cohortCustomers, r.month])).toEqual([['2026-03', '2', '']]);
    expect((await api.cohorts(from, from)).body.cohorts).toEqual([]);
  });

  it('gives the same report whatever order the events arrive in', async () => {
    const shuffled = await startLoyaltyServer(storeName);
    try {
      const arrival = shuffledKeepingTies(LEDGER, 7);
      expect(arrival.map((e) => e.position)).not.toEqual(LEDGER.map((e) => e.position));
      for (let i = 0; i < arrival.length; i += 13) await shuffled.post(arrival.slice(i, i + 13).map((e) => toCloudEvent(e, 'fixture')));
      for (const groupBy of GROUPINGS)
        expect((await shuffled.loyalty(FROM, TO, groupBy)).body).toEqual((await api.loyalty(FROM, TO, groupBy)).body);
      expect((await shuffled.cohorts(at('2025-01-01T00:00:00Z'), TO)).body).toEqual(
        (await api.cohorts(at('2025-01-01T00:00:00Z'), TO)).body,
      );
    } finally {
      await shuffled.close();
    }
  });

  it('rejects bad parameters with 400 in the API shape', async () => {
    const expectBad = async (query: string) => {
      const answer = await api.get(`/v1/reports/loyalty?${query}`);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        error: 'invalid_parameter',
        message: expect.any(String),
        ...(answer.body.details ? { details: expect.anything() } : {}),
      });
    };
    await expectBad('to=2026-04-01T00:00:00Z');
    await expectBad('from=2026-03-01T00:00:00Z');
    await expectBad('from=yesterday&to=2026-04-01T00:00:00Z');
    await expectBad('from=2026-03-01&to=2026-04-01T00:00:00Z');
    await expectBad('from=2026-04-01T00:00:00Z&to=2026-03-01T00:00:00Z');
    await expectBad('from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z&groupBy=agent');
    expect((await api.get('/v1/reports/cohorts?from=2026-04-01T00:00:00Z&to=2026-03-01T00:00:00Z')).status).toBe(400);
    expect((await api.get('/v1/reports/cohorts?from=2026-04-01T00:00:00Z')).status).toBe(400);
    const offset = await api.get('/v1/reports/loyalty?from=2026-03-01T01:00:00%2B01:00&to=2026-04-01T00:00:00Z&groupBy=none');
    expect(offset.status).toBe(200);
    expect(offset.body.from).toBe('2026-03-01T00:00:00.000Z');
  });
});

/**
 * Edge cases on a ledger of their own. Window W = [May 2025, June 2025). Every expected number
 * is worked out by hand in the comments.
 */
const W_FROM = at('2025-05-01T00:00:00Z');
const W_TO = at('2025-06-01T00:00:00Z');

type Event = ReturnType<typeof event>;
let eventCount = 0;
function event(type: string, customer: Record<string, unknown>, time: number, data: Record<string, unknown> = {}) {
  eventCount += 1;
  return {
    specversion: '1.0',
    id: `edge-${eventCount}`,
    source: '/channels/loyalty-edge',
    type,
    time: new Date(time).toISOString(),
    data: { customer, ...data },
  };
}
const nps = (customer: string, time: number, score: number, channel: string) =>
  event('cx.survey.answered.v1', { id: customer }, time, { survey: 'nps', score, channel });
const answers = (survey: string, channel: string, scores: number[]) =>
  scores.map((score, i) => event('cx.survey.answered.v1', { id: 'rater' }, at('2025-05-20T00:00:00Z') + i, { survey, score, channel }));
const order = (customer: Record<string, unknown>, orderId: string, time: number, amountMinor: number, currency: string, channel: string) =>
  event('cx.purchase.completed.v1', customer, time, { orderId, amountMinor, currency, channel });

function edgeLedger(): Event[] {
  return [
    // Rounding ties: web NPS 1 × 10 + 15 × 7 → 100 × 1/16 = 6.25 → 6.3; phone 1 × 0 + 15 × 7 → −6.3;
    // email CSAT 1 × 5 + 15 × 1 → 6.25 → 6.3; app CES 1 × 2 + 199 × 1 → 201/200 = 1.005 → 1.01.
    ...answers('nps', 'web', [10, ...Array(15).fill(7)]),
    ...answers('nps', 'phone', [0, ...Array(15).fill(7)]),
    ...answers('csat', 'email', [5, ...Array(15).fill(1)]),
    ...answers('ces', 'app', [2, ...Array(199).fill(1)]),
    // Window boundaries: B4 1 ms before W (out), B1 at W_FROM (in), B2 at W_TO − 1 ms (in), B3 at W_TO (out).
    order({ id: 'edge-a' }, 'B1', W_FROM, 100, 'EUR', 'store'),
    order({ id: 'edge-a' }, 'B2', W_TO - 1, 200, 'EUR', 'web'),
    order({ id: 'edge-a' }, 'B3', W_TO, 400, 'EUR', 'web'),
    order({ id: 'churn-w' }, 'B4', W_FROM - 1, 800, 'EUR', 'web'),
    event('cx.customer.referred.v1', { id: 'edge-a' }, W_FROM, { channel: 'web' }),
    event('cx.customer.referred.v1', { id: 'edge-a' }, W_TO, { channel: 'web' }),
    // Churn, "from the events before" each instant:
    // churn-x bought once at W_FROM − 180 d − 1 ms: churned from W_FROM exactly → not at the start.
    order({ id: 'churn-x' }, 'X1', W_FROM - day(180) - 1, 10, 'EUR', 'web'),
    // churn-y bought 181 days before W_FROM (churned before it) and again at W_FROM: the purchase at W_FROM
    // is not before W_FROM, so churn-y is churned at the start → not counted.
    order({ id: 'churn-y' }, 'Y1', W_FROM - day(181), 10, 'EUR', 'web'),
    order({ id: 'churn-y' }, 'B5', W_FROM, 50, 'USD', 'web'),
    // churn-z: new at the start (bought 5 days before), cancels a day before W_TO, buys at W_TO:
    // churned at W_TO (that purchase is not before it) → counted, churned.
    order({ id: 'churn-z' }, 'Z1', W_FROM - day(5), 10, 'EUR', 'web'),
    event('cx.customer.churned.v1', { id: 'churn-z' }, W_TO - day(1)),
    order({ id: 'churn-z' }, 'B6', W_TO, 10, 'EUR', 'web'),
    // churn-w: B4 plus a purchase 30 days before W_FROM: active at both ends → counted, not churned.
    order({ id: 'churn-w' }, 'W1', W_FROM - day(30), 10, 'EUR', 'web'),
    // churn-v: one purchase 180 d + 1 ms before W_TO: at_risk at the start, churned exactly from W_TO on → counted, churned.
    order({ id: 'churn-v' }, 'V1', W_TO - day(180) - 1, 10, 'EUR', 'web'),
    // Cases: KE1 resolved 2 h 1 min 30 s after opening (2.025 h → 2.03); KE2 resolved with its opening
    // not yet known (an orphan: resolved, no hours).
    event('cx.case.opened.v1', { id: 'edge-a' }, at('2025-05-10T10:00:00Z'), {
      caseId: 'KE1',
      category: 'inquiry',
      channel: 'chat',
      team: 'support',
    }),
    event('cx.case.resolved.v1', { id: 'edge-a' }, at('2025-05-10T12:01:30Z'), { caseId: 'KE1' }),
    event('cx.case.resolved.v1', { id: 'edge-a' }, at('2025-05-12T10:00:00Z'), { caseId: 'KE2', team: 'billing' }),
  ];
}

describe.each(viewStoresUnderTest())('loyalty report edge cases (%s view store)', (storeName) => {
  let api: LoyaltyServer;

  beforeAll(async () => {
    api = await startLoyaltyServer(storeName);
    await api.post(edgeLedger());
  });
  afterAll(async () => stopIfStarted(api, (it) => it.close()));

  it('rounds exact halves away from zero, from exact integers, on both sides of zero', async () => {
    const { body } = await api.loyalty(W_FROM, W_TO, 'channel');
    expect(body.groups.web.nps).toEqual({ responses: 16, promoters: 1, passives: 15, detractors: 0, score: 6.3 });
    expect(body.groups.phone.nps).toEqual({ responses: 16, promoters: 0, passives: 15, detractors: 1, score: -6.3 });
    expect(body.groups.email.csat).toEqual({ responses: 16, satisfied: 1, score: 6.3 });
    expect(body.groups.app.ces).toEqual({ responses: 200, mean: 1.01 });
    // Zero denominators are null: web has no CSAT, no CES; store has only B1.
    expect(body.groups.web.csat).toEqual(NO_CSAT);
    expect(body.groups.web.ces).toEqual(NO_CES);
    expect(body.groups.chat).toEqual({
      nps: NO_NPS,
      csat: NO_CSAT,
      ces: NO_CES,
      purchases: NO_PURCHASES,
      referrals: { count: 0 },
      churn: null,
      cases: { opened: 1, resolved: 1, firstContactResolution: 100, meanResolutionHours: 2.03 },
    });
  });

  it('counts from inclusive and to exclusive, and the churn block from the events before each end', async () => {
    const { body } = await api.loyalty(W_FROM, W_TO);
    expect(body.blocks).toEqual({
      // 32 NPS answers: 1 promoter, 1 detractor → 0; CSAT 6.3; CES 1.01
      nps: { responses: 32, promoters: 1, passives: 30, detractors: 1, score: 0 },
      csat: { responses: 16, satisfied: 1, score: 6.3 },
      ces: { responses: 200, mean: 1.01 },
      // B1 (at W_FROM), B2 (W_TO − 1 ms), B5 (churn-y at W_FROM); edge-a repeats: 1 / 2 = 50
      purchases: { orders: 3, customers: 2, repeatCustomers: 1, repeatRate: 50, revenueMinor: { EUR: 300, USD: 50 } },
      referrals: { count: 1 },
      // at start: churn-z, churn-w, churn-v (not churn-x, churn-y); churned at W_TO: churn-z, churn-v → 66.7
      churn: { customersAtStart: 3, churned: 2, rate: 66.7 },
      // KE1 opened; KE1 and KE2 (orphan) resolved, both first contact; hours only for KE1
      cases: { opened: 1, resolved: 2, firstContactResolution: 100, meanResolutionHours: 2.03 },
    });
  });

  it('an empty window counts nothing, but still the customers at its start', async () => {
    const { body } = await api.loyalty(W_FROM, W_FROM);
    // At W_FROM = W_TO here: churn-z, churn-w, churn-v at the start, nobody churned yet → 0 / 3 = 0.
    expect(body.blocks).toEqual({
      nps: NO_NPS,
      csat: NO_CSAT,
      ces: NO_CES,
      purchases: NO_PURCHASES,
      referrals: { count: 0 },
      churn: { customersAtStart: 3, churned: 0, rate: 0 },
      cases: NO_CASES,
    });
    for (const groupBy of ['channel', 'team'] as const) expect((await api.loyalty(W_FROM, W_FROM, groupBy)).body.groups).toEqual({});
    // Before every event: nothing at all, every ratio null, no group.
    const empty = await api.loyalty(at('2024-01-01T00:00:00Z'), at('2024-02-01T00:00:00Z'));
    expect(empty.body.blocks).toEqual({
      nps: NO_NPS,
      csat: NO_CSAT,
      ces: NO_CES,
      purchases: NO_PURCHASES,
      referrals: { count: 0 },
      churn: { customersAtStart: 0, churned: 0, rate: null },
      cases: NO_CASES,
    });
    expect((await api.loyalty(at('2024-01-01T00:00:00Z'), at('2024-02-01T00:00:00Z'), 'segment')).body.groups).toEqual({});
  });

  it('takes late events in by their time, without rewriting anything else', async () => {
    await api.post([
      // A late NPS 10 on web: web 17 answers, 2 promoters → 100 × 2/17 = 11.76… → 11.8; overall 33 answers,
      // 2 promoters, 1 detractor → 100/33 = 3.03… → 3.0
      nps('rater', at('2025-05-02T00:00:00Z'), 10, 'web'),
      // B2 sent again under a new event id, with an earlier time and another channel: the earliest
      // completion is the order, so B2 is now app, 999 EUR, 05-15: EUR 100 + 999 = 1099.
      order({ id: 'edge-a' }, 'B2', at('2025-05-15T00:00:00Z'), 999, 'EUR', 'app'),
      // KE2's opening arrives after its resolution: 24 h to resolve; mean (2.025 + 24) / 2 = 13.0125 → 13.01.
      event('cx.case.opened.v1', { id: 'edge-a' }, at('2025-05-11T10:00:00Z'), {
        caseId: 'KE2',
        category: 'inquiry',
        channel: 'email',
        team: 'billing',
      }),
    ]);
    const { body } = await api.loyalty(W_FROM, W_TO);
    expect(body.blocks.nps).toEqual({ responses: 33, promoters: 2, passives: 30, detractors: 1, score: 3 });
    expect(body.blocks.purchases).toEqual({
      orders: 3,
      customers: 2,
      repeatCustomers: 1,
      repeatRate: 50,
      revenueMinor: { EUR: 1099, USD: 50 },
    });
    expect(body.blocks.cases).toEqual({ opened: 2, resolved: 2, firstContactResolution: 100, meanResolutionHours: 13.01 });
    const byChannel = (await api.loyalty(W_FROM, W_TO, 'channel')).body.groups;
    expect(byChannel.web.nps.score).toBe(11.8);
    expect(byChannel.app.purchases).toEqual({ orders: 1, customers: 1, repeatCustomers: 0, repeatRate: 0, revenueMinor: { EUR: 999 } });
    expect(byChannel.web.purchases).toEqual({ orders: 1, customers: 1, repeatCustomers: 0, repeatRate: 0, revenueMinor: { USD: 50 } });
  });

  it('counts a merged anonymous customer as the named one, also for events sent after the merge', async () => {
    // Window M = July 2025. The anonymous buyer (e-mail only) buys MO1 and answers NPS 9; the named customer
    // (segment vip) buys MO2; an event with the id and the e-mail merges them; then an event for the anon id
    // itself arrives, late: MO3 on 07-02. One customer, three orders, a repeat customer; all in vip.
    const email = 'merge-loyal@example.com';
    const anon = anonymousCustomerId(`email:${email}`);
    const M_FROM = at('2025-07-01T00:00:00Z');
    const M_TO = at('2025-08-01T00:00:00Z');
    const [first] = await api.post([order({ email }, 'MO1', at('2025-07-03T00:00:00Z'), 500, 'EUR', 'web')]);
    expect(first.customerId).toBe(anon);
    await api.post([
      event('cx.survey.answered.v1', { email }, at('2025-07-04T00:00:00Z'), { survey: 'nps', score: 9, channel: 'web' }),
      event('cx.customer.profiled.v1', { id: 'merge-named' }, at('2025-06-15T00:00:00Z'), { segment: 'vip' }),
      order({ id: 'merge-named' }, 'MO2', at('2025-07-10T00:00:00Z'), 700, 'EUR', 'web'),
    ]);
    const before = (await api.loyalty(M_FROM, M_TO)).body.blocks.purchases;
    expect(before).toMatchObject({ orders: 2, customers: 2, repeatCustomers: 0 });
    await api.post([
      event('cx.interaction.recorded.v1', { id: 'merge-named', email }, at('2025-07-12T00:00:00Z'), {
        channel: 'email',
        direction: 'inbound',
      }),
    ]);
    await api.post([order({ id: anon }, 'MO3', at('2025-07-02T00:00:00Z'), 300, 'EUR', 'store')]);
    const { body } = await api.loyalty(M_FROM, M_TO);
    expect(body.blocks.purchases).toEqual({ orders: 3, customers: 1, repeatCustomers: 1, repeatRate: 100, revenueMinor: { EUR: 1500 } });
    const vip = (await api.loyalty(M_FROM, M_TO, 'segment')).body.groups.vip;
    expect(vip.purchases).toEqual(body.blocks.purchases);
    expect(vip.nps).toEqual({ responses: 1, promoters: 1, passives: 0, detractors: 0, score: 100 });
    // One cohort member, not two: the merged customer first bought on 07-02.
    const cohorts = (await api.cohorts(M_FROM, at('2025-09-01T00:00:00Z'))).body.cohorts;
    expect(cohorts).toEqual([{ cohort: '2025-07', customers: 1, months: [{ month: '2025-08', offset: 1, customers: 0, percent: 0 }] }]);
  });
});

import fc from 'fast-check';
import type { AnyLedgerEvent } from '@cx/events';
import { caseFacts } from './case-facts';
import { orderFacts, referralFacts, surveyFacts } from './facts';
import { loyaltyReport, type LoyaltyFacts, type LoyaltyGroupBy, type LoyaltyReport, type StageOf } from './loyalty-report';
import { FROM, LEDGER, TO, segmentsAt, stageOf } from './loyalty.fixtures';

/**
 * Every expected number below is worked out by hand from loyalty.fixtures.ts (window March
 * 2026; ids N…, C…, E…, O…, R…, K… are the comments there). Segments at TO: alice, bob,
 * hank → smb; carol, dave → enterprise; erin, gina → consumer; frank → unknown.
 */

const factsAt = (ledger: readonly AnyLedgerEvent[], to: number): LoyaltyFacts => ({
  surveys: surveyFacts(ledger),
  orders: orderFacts(ledger),
  referrals: referralFacts(ledger),
  cases: caseFacts(ledger, to),
});

const report = (ledger: readonly AnyLedgerEvent[], groupBy?: LoyaltyGroupBy): LoyaltyReport =>
  loyaltyReport(factsAt(ledger, TO), { from: FROM, to: TO, groupBy, stageOf, segmentOf: segmentsAt(ledger, TO) });

const blocksOf = (r: LoyaltyReport) => {
  if (r.groupBy !== null) throw new Error('expected an ungrouped report');
  return r.blocks;
};
const groupsOf = (r: LoyaltyReport) => {
  if (r.groupBy === null) throw new Error('expected a grouped report');
  return r.groups;
};
/** One block of every group, to compare with a table. */
const column = <K extends 'nps' | 'csat' | 'ces' | 'purchases' | 'referrals' | 'churn' | 'cases'>(r: LoyaltyReport, block: K) =>
  Object.fromEntries(Object.entries(groupsOf(r)).map(([key, blocks]) => [key, blocks[block]]));

const NO_NPS = { responses: 0, promoters: 0, passives: 0, detractors: 0, score: null };
const NO_CSAT = { responses: 0, satisfied: 0, score: null };
const NO_CES = { responses: 0, mean: null };
const NO_PURCHASES = { orders: 0, customers: 0, repeatCustomers: 0, repeatRate: null, revenueMinor: {} };

describe('loyaltyReport on the hand-built ledger, no grouping', () => {
  const blocks = blocksOf(report(LEDGER));

  it('has at least 60 events', () => expect(LEDGER.length).toBeGreaterThanOrEqual(60));

  it('nps: every answer in [FROM, TO) counts', () => {
    // In: N1..N10, N13 = 11 (N11 is 1 ms before FROM, N12 at TO).
    // promoters 9-10: N1 10, N2 9, N8 10, N9 9, N10 9 = 5; passives 7-8: N5 8, N6 7, N13 8 = 3;
    // detractors 0-6: N3 3, N4 6, N7 0 = 3. score = 100 × (5 − 3) / 11 = 18.18… → 18.2
    expect(blocks.nps).toEqual({ responses: 11, promoters: 5, passives: 3, detractors: 3, score: 18.2 });
  });

  it('csat', () => {
    // C1..C7 = 7 (C8 after TO); satisfied 4-5: C1 5, C3 4, C5 4, C7 5 = 4. 100 × 4 / 7 = 57.14… → 57.1
    expect(blocks.csat).toEqual({ responses: 7, satisfied: 4, score: 57.1 });
  });

  it('ces: a mean that ends on an exact half rounds away from zero', () => {
    // E1..E8 (E9 before FROM): 1+2+3+4+1+2+3+1 = 17; 17 / 8 = 2.125 → 2.13
    expect(blocks.ces).toEqual({ responses: 8, mean: 2.13 });
  });

  it('purchases', () => {
    // In: O7 (at FROM), O8, O9, O10, O11, O12, O13, O14 (TO − 1 ms), O15 = 9 orders (O16 at TO out).
    // customers: alice 3 (O7 O8 O9), bob 1, erin 2, gina 2, frank 1 = 5; repeat: alice, erin, gina = 3;
    // repeatRate 100 × 3 / 5 = 60. EUR: 5000+2500+4000+1200+1800+700 = 15200; USD: 1000+9900+100 = 11000.
    expect(blocks.purchases).toEqual({
      orders: 9,
      customers: 5,
      repeatCustomers: 3,
      repeatRate: 60,
      revenueMinor: { EUR: 15200, USD: 11000 },
    });
  });

  it('referrals', () => {
    // R1, R2, R3 (R4 before FROM, R5 at TO).
    expect(blocks.referrals).toEqual({ count: 3 });
  });

  it('churn', () => {
    // Bought before FROM: alice, bob, carol, dave, erin, hank. carol is churned at FROM:
    // customersAtStart = 5. Churned at TO: dave (inactivity), hank (cancellation) = 2; 100 × 2 / 5 = 40.
    expect(blocks.churn).toEqual({ customersAtStart: 5, churned: 2, rate: 40 });
  });

  it('cases', () => {
    // opened in the window: K1 K2 K4 K5 K6 K7 K8 K10 K11 K13 K14 = 11 (K3, K12 in February; K9 orphan).
    // resolved at TO with the last resolution in the window: K1 K2 K3 K4 K5 K8 K9 K11 K12 K14 = 10
    // (K6, K13 reopened; K7 after TO; K10 at TO).
    // first contact (no handoff, no reopen): K1 K3 K5 K9 K12 K14 = 6 → 100 × 6 / 10 = 60.
    // hours (K9 has no opening): 1.5 + 24 + 87 + 72 + 2.025 + 636 + 3 + 864 + 48 = 1737.525;
    // / 9 = 193.058… → 193.06
    expect(blocks.cases).toEqual({ opened: 11, resolved: 10, firstContactResolution: 60, meanResolutionHours: 193.06 });
  });
});

describe('loyaltyReport grouped by channel', () => {
  const r = report(LEDGER, 'channel');

  it('has a group for every channel seen, plus unknown, and no churn', () => {
    expect(Object.keys(groupsOf(r))).toEqual(['app', 'chat', 'email', 'letter', 'phone', 'store', 'unknown', 'web']);
    expect(Object.values(groupsOf(r)).map((g) => g.churn)).toEqual(Array(8).fill(null));
  });

  it('surveys by their own channel', () => {
    // app: N5 8, N10 9 → P1 pass1, 100 × 1/2 = 50 | chat: N9 9 | email: N1 10, N4 6 → 0 |
    // phone: N2 9, N3 3, N8 10 → 100 × (2 − 1)/3 = 33.3 | store: N13 8 | unknown: N7 0 | web: N6 7
    expect(column(r, 'nps')).toEqual({
      app: { responses: 2, promoters: 1, passives: 1, detractors: 0, score: 50 },
      chat: { responses: 1, promoters: 1, passives: 0, detractors: 0, score: 100 },
      email: { responses: 2, promoters: 1, passives: 0, detractors: 1, score: 0 },
      letter: NO_NPS,
      phone: { responses: 3, promoters: 2, passives: 0, detractors: 1, score: 33.3 },
      store: { responses: 1, promoters: 0, passives: 1, detractors: 0, score: 0 },
      unknown: { responses: 1, promoters: 0, passives: 0, detractors: 1, score: -100 },
      web: { responses: 1, promoters: 0, passives: 1, detractors: 0, score: 0 },
    });
    // chat C1 5 | phone C2 3, C4 2 | email C3 4 | app C5 4 | web C6 1 | store C7 5
    expect(column(r, 'csat')).toEqual({
      app: { responses: 1, satisfied: 1, score: 100 },
      chat: { responses: 1, satisfied: 1, score: 100 },
      email: { responses: 1, satisfied: 1, score: 100 },
      letter: NO_CSAT,
      phone: { responses: 2, satisfied: 0, score: 0 },
      store: { responses: 1, satisfied: 1, score: 100 },
      unknown: NO_CSAT,
      web: { responses: 1, satisfied: 0, score: 0 },
    });
    // web E1 1, E2 2 → 1.5 | phone E3 3, E4 4, E8 1 → 8/3 = 2.666… → 2.67 | app E5 1, E6 2 → 1.5 | unknown E7 3
    expect(column(r, 'ces')).toEqual({
      app: { responses: 2, mean: 1.5 },
      chat: NO_CES,
      email: NO_CES,
      letter: NO_CES,
      phone: { responses: 3, mean: 2.67 },
      store: NO_CES,
      unknown: { responses: 1, mean: 3 },
      web: { responses: 2, mean: 1.5 },
    });
  });

  it('purchases by channel; a repeat customer is one with 2+ orders in that channel', () => {
    // store: O7 alice 5000, O12 erin 1800 | web: O8 alice 2500 EUR, O9 alice 1000 USD, O10 bob 4000 EUR,
    // O13 gina 9900 USD, O14 gina 100 USD → customers alice, bob, gina; repeat alice, gina → 200/3 = 66.7
    // app: O11 erin 1200 | phone: O15 frank 700
    expect(column(r, 'purchases')).toEqual({
      app: { orders: 1, customers: 1, repeatCustomers: 0, repeatRate: 0, revenueMinor: { EUR: 1200 } },
      chat: NO_PURCHASES,
      email: NO_PURCHASES,
      letter: NO_PURCHASES,
      phone: { orders: 1, customers: 1, repeatCustomers: 0, repeatRate: 0, revenueMinor: { EUR: 700 } },
      store: { orders: 2, customers: 2, repeatCustomers: 0, repeatRate: 0, revenueMinor: { EUR: 6800 } },
      unknown: NO_PURCHASES,
      web: { orders: 5, customers: 3, repeatCustomers: 2, repeatRate: 66.7, revenueMinor: { EUR: 6500, USD: 11000 } },
    });
  });

  it('referrals by their channel', () => {
    // R1 web, R2 no channel, R3 email
    expect(column(r, 'referrals')).toEqual({
      app: { count: 0 },
      chat: { count: 0 },
      email: { count: 1 },
      letter: { count: 0 },
      phone: { count: 0 },
      store: { count: 0 },
      unknown: { count: 1 },
      web: { count: 1 },
    });
  });

  it('cases by the channel they were opened on', () => {
    // opened: phone K1 K4 K8 K13; email K2 K10 K14; chat K5; store K6; app K7; web K11.
    // resolved: phone K1 K4 K8 → FCR K1: 100/3 = 33.3, hours (1.5 + 72 + 636)/3 = 236.5;
    // email K2 K14 → FCR K14: 50, (24 + 48)/2 = 36; web K3 K11 → FCR K3: 50, (87 + 3)/2 = 45;
    // chat K5 → 2.025 h → 2.03 (an exact half: 2 h 1 min 30 s); letter K12 → 864;
    // unknown K9 (orphan: no channel, no opening) → FCR 100, no hours.
    expect(column(r, 'cases')).toEqual({
      app: { opened: 1, resolved: 0, firstContactResolution: null, meanResolutionHours: null },
      chat: { opened: 1, resolved: 1, firstContactResolution: 100, meanResolutionHours: 2.03 },
      email: { opened: 3, resolved: 2, firstContactResolution: 50, meanResolutionHours: 36 },
      letter: { opened: 0, resolved: 1, firstContactResolution: 100, meanResolutionHours: 864 },
      phone: { opened: 4, resolved: 3, firstContactResolution: 33.3, meanResolutionHours: 236.5 },
      store: { opened: 1, resolved: 0, firstContactResolution: null, meanResolutionHours: null },
      unknown: { opened: 0, resolved: 1, firstContactResolution: 100, meanResolutionHours: null },
      web: { opened: 1, resolved: 2, firstContactResolution: 50, meanResolutionHours: 45 },
    });
  });
});

describe('loyaltyReport grouped by team', () => {
  const r = report(LEDGER, 'team');

  it('has the teams plus unknown; purchases, referrals and churn have no team', () => {
    expect(Object.keys(groupsOf(r))).toEqual(['billing', 'support', 'tech', 'unknown']);
    for (const g of Object.values(groupsOf(r))) {
      expect([g.purchases, g.referrals, g.churn]).toEqual([null, null, null]);
    }
  });

  it('surveys by their own team', () => {
    // support: N1 10, N2 9, N6 7, N9 9, N13 8 → P3 pass2 → 60 | billing: N3 3, N4 6, N10 9 →
    // 100 × (1 − 2)/3 = −33.3 | tech: N7 0, N8 10 → 0 | unknown: N5 8
    expect(column(r, 'nps')).toEqual({
      billing: { responses: 3, promoters: 1, passives: 0, detractors: 2, score: -33.3 },
      support: { responses: 5, promoters: 3, passives: 2, detractors: 0, score: 60 },
      tech: { responses: 2, promoters: 1, passives: 0, detractors: 1, score: 0 },
      unknown: { responses: 1, promoters: 0, passives: 1, detractors: 0, score: 0 },
    });
    // support C1 5, C2 3, C6 1 → 100/3 = 33.3 | billing C3 4, C4 2 → 50 | tech C7 5 | unknown C5 4
    expect(column(r, 'csat')).toEqual({
      billing: { responses: 2, satisfied: 1, score: 50 },
      support: { responses: 3, satisfied: 1, score: 33.3 },
      tech: { responses: 1, satisfied: 1, score: 100 },
      unknown: { responses: 1, satisfied: 1, score: 100 },
    });
    // support E1 1, E2 2, E6 2 → 5/3 = 1.666… → 1.67 | billing E3 3, E4 4 → 3.5 | tech E7 3, E8 1 → 2 | unknown E5 1
    expect(column(r, 'ces')).toEqual({
      billing: { responses: 2, mean: 3.5 },
      support: { responses: 3, mean: 1.67 },
      tech: { responses: 2, mean: 2 },
      unknown: { responses: 1, mean: 1 },
    });
  });

  it('opened cases by the team owning them when opened, resolved ones by the owner at resolution', () => {
    // opened: support K1 K2 K6 K10; billing K7 K11; tech K4 K8 K13 K14; unknown K5 (no team at opening).
    // resolved: support K1, K5 (claimed), K9 (orphan: the event's team), K11 (accepted) → FCR K1 K5 K9 = 75,
    //   hours (1.5 + 2.025 + 3)/3 = 6.525/3 = 2.175 → 2.18 (exact half);
    // billing K2 (accepted), K3, K8 (took it over: the event's "tech" loses), K12 (the event's team) →
    //   FCR K3 K12 = 50, hours (24 + 87 + 636 + 864)/4 = 1611/4 = 402.75;
    // tech K4 K14 → FCR K14 = 50, hours (72 + 48)/2 = 60.
    expect(column(r, 'cases')).toEqual({
      billing: { opened: 2, resolved: 4, firstContactResolution: 50, meanResolutionHours: 402.75 },
      support: { opened: 4, resolved: 4, firstContactResolution: 75, meanResolutionHours: 2.18 },
      tech: { opened: 4, resolved: 2, firstContactResolution: 50, meanResolutionHours: 60 },
      unknown: { opened: 1, resolved: 0, firstContactResolution: null, meanResolutionHours: null },
    });
  });
});

describe('loyaltyReport grouped by segment', () => {
  const r = report(LEDGER, 'segment');

  it('has the segments at TO (hank moved to smb before TO; frank has none)', () => {
    expect(Object.keys(groupsOf(r))).toEqual(['consumer', 'enterprise', 'smb', 'unknown']);
  });

  it('surveys by the customer segment', () => {
    // smb: N1 10, N2 9, N7 0, N9 9 → 100 × (3 − 1)/4 = 50 | enterprise: N3 3, N4 6 → −100 |
    // consumer: N5 8, N6 7, N10 9, N13 8 → 25 | unknown: N8 10 → 100
    expect(column(r, 'nps')).toEqual({
      consumer: { responses: 4, promoters: 1, passives: 3, detractors: 0, score: 25 },
      enterprise: { responses: 2, promoters: 0, passives: 0, detractors: 2, score: -100 },
      smb: { responses: 4, promoters: 3, passives: 0, detractors: 1, score: 50 },
      unknown: { responses: 1, promoters: 1, passives: 0, detractors: 0, score: 100 },
    });
    // smb C1 5, C2 3, C7 5 → 200/3 = 66.7 | enterprise C3 4, C4 2 → 50 | consumer C5 4, C6 1 → 50
    expect(column(r, 'csat')).toEqual({
      consumer: { responses: 2, satisfied: 1, score: 50 },
      enterprise: { responses: 2, satisfied: 1, score: 50 },
      smb: { responses: 3, satisfied: 2, score: 66.7 },
      unknown: NO_CSAT,
    });
    // smb E1 1, E2 2, E7 3 → 2 | enterprise E3 3, E4 4 → 3.5 | consumer E5 1, E6 2 → 1.5 | unknown E8 1
    expect(column(r, 'ces')).toEqual({
      consumer: { responses: 2, mean: 1.5 },
      enterprise: { responses: 2, mean: 3.5 },
      smb: { responses: 3, mean: 2 },
      unknown: { responses: 1, mean: 1 },
    });
  });

  it('purchases, referrals, churn and cases by the customer segment', () => {
    // smb: O7 5000, O8 2500, O9 1000 USD (alice), O10 4000 (bob) → 4 orders, 2 customers, 1 repeat = 50
    // consumer: O11 1200, O12 1800 (erin), O13 9900 USD, O14 100 USD (gina) → both repeat = 100
    // unknown: O15 frank 700
    expect(column(r, 'purchases')).toEqual({
      consumer: { orders: 4, customers: 2, repeatCustomers: 2, repeatRate: 100, revenueMinor: { EUR: 3000, USD: 10000 } },
      enterprise: NO_PURCHASES,
      smb: { orders: 4, customers: 2, repeatCustomers: 1, repeatRate: 50, revenueMinor: { EUR: 11500, USD: 1000 } },
      unknown: { orders: 1, customers: 1, repeatCustomers: 0, repeatRate: 0, revenueMinor: { EUR: 700 } },
    });
    // R1, R2 alice, R3 bob: all smb
    expect(column(r, 'referrals')).toEqual({ consumer: { count: 0 }, enterprise: { count: 0 }, smb: { count: 3 }, unknown: { count: 0 } });
    // at start: smb alice, bob, hank (hank churned) → 100/3 = 33.3; enterprise dave (churned) → 100;
    // consumer erin → 0; unknown: frank was a prospect → 0 of 0 → null
    expect(column(r, 'churn')).toEqual({
      consumer: { customersAtStart: 1, churned: 0, rate: 0 },
      enterprise: { customersAtStart: 1, churned: 1, rate: 100 },
      smb: { customersAtStart: 3, churned: 1, rate: 33.3 },
      unknown: { customersAtStart: 0, churned: 0, rate: null },
    });
    // opened: smb K1 K2 K7 K10 K13; enterprise K4 K11; consumer K5 K6 K14; unknown K8.
    // resolved: smb K1 K2 K9 → FCR K1 K9: 200/3 = 66.7, hours (1.5 + 24)/2 = 12.75 (K9 orphan);
    // enterprise K3 K4 K11 K12 → FCR K3 K12 = 50, (87 + 72 + 3 + 864)/4 = 256.5;
    // consumer K5 K14 → 100, (2.025 + 48)/2 = 25.0125 → 25.01; unknown K8 → 0, 636.
    expect(column(r, 'cases')).toEqual({
      consumer: { opened: 3, resolved: 2, firstContactResolution: 100, meanResolutionHours: 25.01 },
      enterprise: { opened: 2, resolved: 4, firstContactResolution: 50, meanResolutionHours: 256.5 },
      smb: { opened: 5, resolved: 3, firstContactResolution: 66.7, meanResolutionHours: 12.75 },
      unknown: { opened: 1, resolved: 1, firstContactResolution: 0, meanResolutionHours: 636 },
    });
  });

  it('needs segmentOf', () => {
    expect(() => loyaltyReport(factsAt(LEDGER, TO), { from: FROM, to: TO, groupBy: 'segment', stageOf })).toThrow(TypeError);
  });
});

describe('loyaltyReport edge cases', () => {
  const EMPTY_BLOCKS = {
    nps: NO_NPS,
    csat: NO_CSAT,
    ces: NO_CES,
    purchases: NO_PURCHASES,
    referrals: { count: 0 },
    churn: { customersAtStart: 0, churned: 0, rate: null },
    cases: { opened: 0, resolved: 0, firstContactResolution: null, meanResolutionHours: null },
  };
  const noFacts: LoyaltyFacts = { surveys: [], orders: [], referrals: [], cases: [] };
  const neverAsked: StageOf = () => {
    throw new Error('stage asked');
  };

  it('no facts: every count is 0 and every ratio null; a grouped report has no groups', () => {
    expect(loyaltyReport(noFacts, { from: FROM, to: TO, stageOf: neverAsked })).toEqual({
      from: FROM,
      to: TO,
      groupBy: null,
      blocks: EMPTY_BLOCKS,
    });
    for (const groupBy of ['channel', 'team', 'segment'] as const) {
      expect(loyaltyReport(noFacts, { from: FROM, to: TO, groupBy, stageOf: neverAsked, segmentOf: () => 'x' })).toEqual({
        from: FROM,
        to: TO,
        groupBy,
        groups: {},
      });
    }
  });

  it('an empty window [FROM, FROM) counts no event, but still the customers at its start', () => {
    // Same 5 customers at start as above; stage at "to" = stage at FROM, so none churned: 0 / 5 = 0.
    const r = loyaltyReport(factsAt(LEDGER, FROM), { from: FROM, to: FROM, stageOf });
    expect(blocksOf(r)).toEqual({ ...EMPTY_BLOCKS, churn: { customersAtStart: 5, churned: 0, rate: 0 } });
  });

  it('a window after every event is empty', () => {
    const later = Date.parse('2027-01-01T00:00:00Z');
    const r = loyaltyReport(factsAt(LEDGER, later + 1), { from: later, to: later + 1, stageOf: () => 'churned' });
    expect(blocksOf(r)).toEqual(EMPTY_BLOCKS);
  });

  it('from is inclusive and to exclusive, to the millisecond', () => {
    const facts = factsAt(LEDGER, Number.POSITIVE_INFINITY);
    const orders = (from: number, to: number) =>
      blocksOf(loyaltyReport({ ...facts, cases: [] }, { from, to, stageOf: () => 'prospect' })).purchases.orders;
    expect(orders(FROM, FROM + 1)).toBe(1); // O7 at FROM
    expect(orders(FROM + 1, FROM + 2)).toBe(0);
    expect(orders(TO - 1, TO)).toBe(1); // O14 at TO − 1 ms
    expect(orders(TO, TO + 1)).toBe(1); // O16 at TO belongs to the next window
  });

  it('asks the lifecycle nothing when the grouping has no churn block', () => {
    expect(() => loyaltyReport(factsAt(LEDGER, TO), { from: FROM, to: TO, groupBy: 'team', stageOf: neverAsked })).not.toThrow();
    expect(() => loyaltyReport(factsAt(LEDGER, TO), { from: FROM, to: TO, groupBy: 'channel', stageOf: neverAsked })).not.toThrow();
  });

  it('rejects a window that ends before it starts', () => {
    expect(() => loyaltyReport(noFacts, { from: TO, to: FROM, stageOf })).toThrow(RangeError);
  });
});

describe('loyaltyReport rounding at the boundary', () => {
  const answers = (survey: 'nps' | 'csat' | 'ces', scores: number[]): LoyaltyFacts => ({
    surveys: scores.map((score, i) => ({
      customerId: `c${i}`,
      survey,
      score,
      time: FROM + i,
      channel: null,
      team: null,
      caseId: null,
      position: i + 1,
    })),
    orders: [],
    referrals: [],
    cases: [],
  });
  const blocksFor = (facts: LoyaltyFacts) => blocksOf(loyaltyReport(facts, { from: FROM, to: TO, stageOf }));

  it('nps 100 × 1/8 = 12.5 stays 12.5; 100 × ±1/16 = ±6.25 → ±6.3', () => {
    expect(blocksFor(answers('nps', [10, 8, 8, 8, 8, 8, 8, 8])).nps.score).toBe(12.5);
    expect(blocksFor(answers('nps', [10, ...Array(15).fill(7)])).nps.score).toBe(6.3);
    expect(blocksFor(answers('nps', [0, ...Array(15).fill(7)])).nps.score).toBe(-6.3);
    // 100 × −1/8 = −12.5 exactly
    expect(blocksFor(answers('nps', [0, ...Array(7).fill(8)])).nps.score).toBe(-12.5);
  });

  it('csat 100 × 1/16 = 6.25 → 6.3; 100 × 1/3 = 33.33… → 33.3', () => {
    expect(blocksFor(answers('csat', [5, ...Array(15).fill(1)])).csat.score).toBe(6.3);
    expect(blocksFor(answers('csat', [4, 3, 3])).csat.score).toBe(33.3);
  });

  it('ces 201/200 = 1.005 → 1.01 (a float division would give 1.00)', () => {
    expect(Math.round((201 / 200) * 100) / 100).toBe(1); // the trap
    expect(blocksFor(answers('ces', [2, ...Array(199).fill(1)])).ces.mean).toBe(1.01);
    // 0.05-type: 41/40 = 1.025 → 1.03
    expect(blocksFor(answers('ces', [2, ...Array(39).fill(1)])).ces.mean).toBe(1.03);
  });
});

describe('loyaltyReport does not depend on arrival order', () => {
  const GROUPINGS = [undefined, 'channel', 'team', 'segment'] as const;
  const allReports = (ledger: readonly AnyLedgerEvent[]) => GROUPINGS.map((g) => report(ledger, g));
  const baseline = allReports(LEDGER);

  it('any arrival order of the same stored events gives the same facts and reports', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray([...LEDGER], { minLength: LEDGER.length, maxLength: LEDGER.length }), (shuffled) => {
        expect(factsAt(shuffled, TO)).toEqual(factsAt(LEDGER, TO));
        expect(allReports(shuffled)).toEqual(baseline);
      }),
      { numRuns: 50 },
    );
  });

  it('events delivered late (appended last, with new positions) take their place by time', () => {
    // Only events whose time no other event shares: for a tie, append order is the rule.
    const timeCounts = new Map<number, number>();
    for (const e of LEDGER) timeCounts.set(e.time, (timeCounts.get(e.time) ?? 0) + 1);
    const movable = LEDGER.filter((e) => timeCounts.get(e.time) === 1);
    fc.assert(
      fc.property(fc.shuffledSubarray(movable, { minLength: 1 }), (late) => {
        const lateSet = new Set(late);
        const onTime = LEDGER.filter((e) => !lateSet.has(e));
        const arrived = [...onTime, ...late].map((e, i) => ({ ...e, position: i + 1 }));
        expect(allReports(arrived)).toEqual(baseline);
      }),
      { numRuns: 50 },
    );
  });
});

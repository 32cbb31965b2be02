import type { AnyLedgerEvent } from '@cx/events';
import { orderFacts, surveyFacts, type StageOf } from '../loyalty';
import { driverBlock, type DriverTallies } from './driver-block';
import type { DriverAttribute } from './driver-attributes';
import { caseStates, contactFacts, segmentFacts } from './driver-facts';
import { DEFAULT_DRIVER_SETTINGS } from './driver-settings';
import { driversReport, type DriversOptions } from './drivers-report';
import { DAY, HOUR, ledger, shuffled, T } from './drivers-test-kit';
import { mostUsedCurrency, topCount, valueTiers } from './value-tiers';

const facts = (events: readonly AnyLedgerEvent[]) => ({
  answers: surveyFacts(events),
  orders: orderFacts(events),
  cases: caseStates(events),
  contacts: contactFacts(events),
  followUps: [],
  segments: segmentFacts(events),
});

const FROM = T - 30 * DAY;
const report = (events: readonly AnyLedgerEvent[], options: Partial<DriversOptions> = {}) =>
  driversReport(facts(events), { from: FROM, to: T, outcome: 'nps', settings: DEFAULT_DRIVER_SETTINGS, ...options });

const nobody = (attribute: string, overall: { responses: number; score: number | null }) => ({
  attribute,
  with: { responses: 0, score: null },
  without: overall,
  impact: null,
  share: 0,
});

/**
 * Nine NPS answers in the window. x1..x3 have a case open (opened by phone): 2 promoters and
 * a detractor, score 33.33…; y1..y6 have none: 2 promoters, 1 detractor, 3 passives, score
 * 16.66…. Impact from the unrounded scores is 16.66… → 16.7 (the rounded scores would give 16.6).
 */
function nineAnswers() {
  const l = ledger();
  [
    ['x1', 10],
    ['x2', 9],
    ['x3', 2],
  ].forEach(([c, score], i) => {
    l.opened(c as string, `k${i}`, T - 40 * DAY, { team: 'a' });
    l.nps(c as string, T - DAY, score as number);
  });
  [
    ['y1', 10],
    ['y2', 9],
    ['y3', 0],
    ['y4', 7],
    ['y5', 8],
  ].forEach(([c, score]) => l.nps(c as string, T - 2 * DAY, score as number));
  l.nps('y6', FROM, 7); // at from: in the window
  l.nps('y7', FROM - 1, 0); // before it
  l.nps('y8', T, 0); // at to: after it
  l.csat('y1', T - DAY, 1); // another outcome
  return l;
}

describe('driversReport (SPEC §2.5)', () => {
  it('splits the NPS answers by each attribute, impact from the unrounded scores', () => {
    const overall = { responses: 9, score: 22.2 };
    const split = { with: { responses: 3, score: 33.3 }, without: { responses: 6, score: 16.7 }, impact: 16.7, share: 33.3 };
    expect(report(nineAnswers().events)).toEqual({
      from: FROM,
      to: T,
      asOf: null,
      outcome: 'nps',
      groupBy: null,
      currency: null,
      overall,
      drivers: [
        { attribute: 'channel:phone', ...split },
        { attribute: 'hadCase', ...split },
        ...[
          'firstContactResolution',
          'followedUpAlert',
          'hadComplaint',
          'hadHandoff',
          'hadPingPong',
          'hadStalledHandoff',
          'slowResolution',
          'unownedOver4h',
        ].map((attribute) => nobody(attribute, overall)),
      ],
    });
  });

  it('is the same whatever order the events arrived in', () => {
    const events = nineAnswers().events;
    const expected = report(events);
    for (let seed = 1; seed <= 10; seed++) expect(report(shuffled(events, seed))).toEqual(expected);
  });

  it('counts CSAT answers as satisfied (4-5) or not', () => {
    const l = ledger();
    l.opened('a', 'k', T - 10 * DAY, { team: 't', channel: 'chat' });
    l.csat('a', T - DAY, 2);
    l.csat('b', T - DAY, 4);
    l.csat('c', T - DAY, 5);
    l.csat('d', T - DAY, 3);
    const block = report(l.events, { outcome: 'csat' });
    expect(block.groupBy === null && block.overall).toEqual({ responses: 4, score: 50 });
    expect(block.groupBy === null && block.drivers[0]).toEqual({
      attribute: 'channel:chat',
      with: { responses: 1, score: 0 },
      without: { responses: 3, score: 66.7 },
      impact: -66.7,
      share: 25,
    });
  });

  it('counts only what happened by asOf', () => {
    const partial = report(nineAnswers().events, { asOf: T - 2 * DAY });
    // The x answers (a day before T) are after asOf; the y answers (two days before) are at it.
    expect(partial.groupBy === null && partial.overall).toEqual({ responses: 6, score: 16.7 });
    expect(partial.asOf).toBe(T - 2 * DAY);
    const before = report(nineAnswers().events, { asOf: FROM - 1 });
    expect(before.groupBy === null && before.overall).toEqual({ responses: 0, score: null });
  });

  it('has nobody and null scores over an empty window', () => {
    const empty = report([], { from: T, to: T });
    expect(empty.groupBy === null && empty.overall).toEqual({ responses: 0, score: null });
    expect(empty.groupBy === null && empty.drivers.map((d) => [d.attribute, d.impact, d.share])).toEqual(
      [
        'firstContactResolution',
        'followedUpAlert',
        'hadCase',
        'hadComplaint',
        'hadHandoff',
        'hadPingPong',
        'hadStalledHandoff',
        'slowResolution',
        'unownedOver4h',
      ].map((a) => [a, null, null]),
    );
  });

  it('rejects a window that ends before it starts', () => {
    expect(() => report([], { from: T, to: T - 1 })).toThrow(RangeError);
  });
});

describe('churn outcome', () => {
  const stages: Partial<Record<string, [string, string]>> = {
    a: ['active', 'churned'],
    b: ['loyal', 'at_risk'],
    c: ['churned', 'churned'],
    d: ['new', 'churned'],
  };
  const stageOf: StageOf = (id, at) => (stages[id]?.[at === FROM ? 0 : 1] ?? 'prospect') as ReturnType<StageOf>;

  it('counts the customers at start (a purchase before from, neither prospect nor churned) and their churn at to', () => {
    const l = ledger();
    for (const c of ['a', 'b', 'c']) l.order(c, FROM - 10 * DAY, 1000);
    l.order('d', FROM, 1000); // no purchase before from: not at start
    l.opened('a', 'k', FROM + DAY, { team: 'x' });
    l.requested('a', 'k', FROM + 2 * DAY, 'x', 'y');
    l.accepted('a', 'k', FROM + 2 * DAY + HOUR, 'y');
    l.accepted('a', 'k', FROM + 3 * DAY, 'x');
    const churn = report(l.events, { outcome: 'churn', stageOf });
    expect(churn.groupBy === null && churn.overall).toEqual({ customers: 2, rate: 50 });
    expect(churn.groupBy === null && churn.drivers.find((d) => d.attribute === 'hadPingPong')).toEqual({
      attribute: 'hadPingPong',
      with: { customers: 1, rate: 100 },
      without: { customers: 1, rate: 0 },
      impact: 100,
      share: 50,
    });
  });

  it('needs the lifecycle stages', () => {
    expect(() => report([], { outcome: 'churn' })).toThrow(TypeError);
  });
});

describe('groupBy', () => {
  it('groups by the latest segment before to, unknown without one', () => {
    const l = nineAnswers();
    l.segment('x1', T - 100 * DAY, 'smb');
    l.segment('x1', T - DAY, 'enterprise');
    l.segment('x2', T, 'smb'); // at to: too late
    l.segment('y1', T - 5 * DAY, 'smb');
    const grouped = report(l.events, { groupBy: 'segment' });
    expect(grouped.groupBy === 'segment' && Object.fromEntries(Object.entries(grouped.groups).map(([k, g]) => [k, g.overall]))).toEqual({
      enterprise: { responses: 1, score: 100 },
      smb: { responses: 1, score: 100 },
      unknown: { responses: 7, score: 0 },
    });
    expect(Object.keys(grouped.groupBy === 'segment' ? grouped.groups : {})).toEqual(['enterprise', 'smb', 'unknown']);
  });

  it('groups by value tier in the most used currency, top tier first', () => {
    const l = nineAnswers();
    l.order('x1', T - 10 * DAY, 5000);
    l.order('x2', T - 10 * DAY, 100);
    l.order('y1', T - 10 * DAY, 100, 'USD');
    const grouped = report(l.events, { groupBy: 'valueTier' });
    expect(grouped.currency).toBe('EUR');
    expect(grouped.groupBy === 'valueTier' && Object.entries(grouped.groups).map(([k, g]) => [k, g.overall])).toEqual([
      ['top', { responses: 1, score: 100 }],
      ['core', { responses: 1, score: 100 }],
      ['none', { responses: 7, score: 0 }],
    ]);
    const inDollars = report(l.events, { groupBy: 'valueTier', currency: 'USD' });
    expect(inDollars.groupBy === 'valueTier' && Object.entries(inDollars.groups).map(([k, g]) => [k, g.overall])).toEqual([
      ['top', { responses: 1, score: 100 }],
      ['none', { responses: 8, score: 12.5 }],
    ]);
  });
});

describe('value tiers', () => {
  it('makes the top ⌈n/10⌉ customers top, with everyone tied at the boundary', () => {
    const l = ledger();
    const revenue = [100, 90, 90, 80, 70, 60, 50, 40, 30, 20, 10];
    revenue.forEach((amount, i) => l.order(`c${i}`, T - 10 * DAY, amount));
    l.order('dollars', T - 10 * DAY, 1_000_000, 'USD');
    l.order('last-year', T - 365 * DAY - 1, 1_000_000);
    l.order('at-to', T, 1_000_000);
    l.order('year-ago', T - 365 * DAY, 1); // exactly 365 days before: inside
    const tierOf = valueTiers(orderFacts(l.events), T, 'EUR');
    // 12 buyers: the top 2 (100, then 90) and the other 90, tied with the second.
    expect(revenue.map((_, i) => tierOf(`c${i}`))).toEqual(['top', 'top', 'top', ...Array(8).fill('core')]);
    expect(['dollars', 'last-year', 'at-to', 'year-ago', 'nobody'].map(tierOf)).toEqual(['none', 'none', 'none', 'core', 'none']);
  });

  it('rounds 10% up', () => {
    expect([0, 1, 9, 10, 11, 20, 21].map(topCount)).toEqual([0, 1, 1, 1, 2, 2, 3]);
  });

  it('defaults to the currency with the most orders in the year before to, ties in code-unit order', () => {
    const l = ledger();
    l.order('a', T - DAY, 1, 'USD');
    l.order('a', T - DAY, 1, 'EUR');
    expect(mostUsedCurrency(orderFacts(l.events), T)).toBe('EUR');
    l.order('b', T - DAY, 1, 'USD');
    expect(mostUsedCurrency(orderFacts(l.events), T)).toBe('USD');
    expect(mostUsedCurrency([], T)).toBeNull();
  });
});

describe('driverBlock: impact, share and order', () => {
  const tallies = (overall: [number, number], withs: Array<[DriverAttribute, number, number]>): DriverTallies => ({
    overall: { count: overall[0], points: overall[1] },
    with: new Map(withs.map(([a, count, points]) => [a, { count, points }])),
  });

  it('ranks by |impact| × share, ties by name, rows without an impact last', () => {
    const block = driverBlock(
      'csat',
      tallies(
        [10, 5],
        [
          ['hadCase', 5, 5],
          ['hadComplaint', 10, 5],
          ['hadHandoff', 2, 0],
          ['hadPingPong', 5, 0],
        ],
      ),
    );
    expect(block.drivers.map((d) => [d.attribute, d.impact, d.share])).toEqual([
      ['hadCase', 100, 50],
      ['hadPingPong', -100, 50],
      ['hadHandoff', -62.5, 20],
      ['firstContactResolution', null, 0],
      ['followedUpAlert', null, 0],
      ['hadComplaint', null, 100],
      ['hadStalledHandoff', null, 0],
      ['slowResolution', null, 0],
      ['unownedOver4h', null, 0],
    ]);
  });

  it('rounds the impact half away from zero, once', () => {
    const up = driverBlock('csat', tallies([24, 2], [['hadCase', 8, 1]]));
    expect(up.drivers[0]).toMatchObject({ attribute: 'hadCase', with: { score: 12.5 }, without: { score: 6.3 }, impact: 6.3, share: 33.3 });
    const down = driverBlock('csat', tallies([24, 2], [['hadCase', 16, 1]]));
    expect(down.drivers[0]).toMatchObject({
      attribute: 'hadCase',
      with: { score: 6.3 },
      without: { score: 12.5 },
      impact: -6.3,
      share: 66.7,
    });
  });

  it('lists a channel only when somebody used it', () => {
    const block = driverBlock(
      'nps',
      tallies(
        [3, 1],
        [
          ['channel:web', 1, 1],
          ['channel:app', 0, 0],
        ],
      ),
    );
    expect(block.drivers.map((d) => d.attribute)).toContain('channel:web');
    expect(block.drivers.map((d) => d.attribute)).not.toContain('channel:app');
  });
});

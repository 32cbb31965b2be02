import fc from 'fast-check';
import { cohortReport } from './cohorts';
import { orderFacts, type OrderFact } from './facts';
import { LEDGER } from './loyalty.fixtures';

const at = (iso: string) => Date.parse(iso);
let nextPosition = 1;
const order = (customerId: string, time: string): OrderFact => ({
  customerId,
  orderId: `o${nextPosition}`,
  amountMinor: 100,
  currency: 'EUR',
  channel: 'web',
  time: at(time),
  position: nextPosition++,
});

describe('cohortReport on the hand-built ledger', () => {
  // First purchases ever: carol 2025-08 (O3), dave 2025-09 (O4), alice 2025-12 (O1), bob 2026-01 (O2),
  // erin 2026-02 (O5), hank 2026-02 (O6), gina 2026-03 (O13), frank 2026-03 (O15).
  const orders = orderFacts(LEDGER);

  it('shows the cohorts from the month of `from`, each later month up to `to`', () => {
    // [2026-01-01, 2026-04-01): cohorts 2026-01, 02, 03 (alice's 2025-12 cohort is before `from`,
    // although she bought in the window). Later months run to March.
    // 2026-01 {bob}: Feb none → 0 / 1 = 0; Mar O10 → 1 / 1 = 100.
    // 2026-02 {erin, hank}: Mar erin (O11, O12), not hank (O16 is at `to`) → 1 / 2 = 50.
    // 2026-03 {frank, gina}: no later month before `to`.
    expect(cohortReport(orders, { from: at('2026-01-01T00:00:00Z'), to: at('2026-04-01T00:00:00Z') }).cohorts).toEqual([
      {
        cohort: '2026-01',
        customers: 1,
        months: [
          { month: '2026-02', offset: 1, customers: 0, percent: 0 },
          { month: '2026-03', offset: 2, customers: 1, percent: 100 },
        ],
      },
      { cohort: '2026-02', customers: 2, months: [{ month: '2026-03', offset: 1, customers: 1, percent: 50 }] },
      { cohort: '2026-03', customers: 2, months: [] },
    ]);
  });

  it('a `to` inside a month shows that month as far as it has come', () => {
    // to = 2026-04-15: April counts O16 (hank, Apr 1) and O17 (bob, Apr 10).
    // 2026-01 {bob}: Apr 100. 2026-02 {erin, hank}: Apr hank → 50. 2026-03 {frank, gina}: Apr 0.
    const report = cohortReport(orders, { from: at('2026-01-01T00:00:00Z'), to: at('2026-04-15T00:00:00Z') });
    expect(report.cohorts.map((c) => [c.cohort, c.months.map((m) => `${m.month}:${m.percent}`)])).toEqual([
      ['2026-01', ['2026-02:0', '2026-03:100', '2026-04:100']],
      ['2026-02', ['2026-03:50', '2026-04:50']],
      ['2026-03', ['2026-04:0']],
    ]);
  });

  it("a `from` inside a month shows that month's whole cohort", () => {
    // from = 2026-02-15: the February cohort keeps erin, whose first purchase was Feb 14.
    const report = cohortReport(orders, { from: at('2026-02-15T00:00:00Z'), to: at('2026-04-01T00:00:00Z') });
    expect(report.cohorts.map((c) => [c.cohort, c.customers])).toEqual([
      ['2026-02', 2],
      ['2026-03', 2],
    ]);
  });
});

describe('cohortReport', () => {
  it('rounds to 1 decimal and judges the first purchase ever, in UTC months', () => {
    const orders = [
      order('a', '2026-01-03T10:00:00Z'),
      order('b', '2026-01-10T10:00:00Z'),
      order('c', '2026-01-31T23:30:00-01:00'), // 2026-02-01T00:30Z: February, not January
      order('d', '2026-01-20T10:00:00Z'),
      order('x', '2025-12-01T10:00:00Z'), // x's first purchase is before the window:
      order('x', '2026-01-15T10:00:00Z'), // not in the January cohort
      order('a', '2026-02-05T10:00:00Z'),
      order('a', '2026-03-05T10:00:00Z'),
      order('a', '2026-03-06T10:00:00Z'), // twice in a month is still one customer
      order('b', '2026-03-07T10:00:00Z'),
    ];
    // January {a, b, d}: Feb a → 100/3 = 33.3; Mar a, b → 200/3 = 66.7.
    // February {c}: Mar none → 0.
    expect(cohortReport(orders, { from: at('2026-01-01T00:00:00Z'), to: at('2026-04-01T00:00:00Z') }).cohorts).toEqual([
      {
        cohort: '2026-01',
        customers: 3,
        months: [
          { month: '2026-02', offset: 1, customers: 1, percent: 33.3 },
          { month: '2026-03', offset: 2, customers: 2, percent: 66.7 },
        ],
      },
      { cohort: '2026-02', customers: 1, months: [{ month: '2026-03', offset: 1, customers: 0, percent: 0 }] },
    ]);
  });

  it('an empty window shows no cohort; a reversed one is rejected', () => {
    const orders = [order('a', '2026-01-03T10:00:00Z')];
    const t = at('2026-01-15T00:00:00Z');
    expect(cohortReport(orders, { from: t, to: t })).toEqual({ from: t, to: t, cohorts: [] });
    expect(() => cohortReport(orders, { from: t + 1, to: t })).toThrow(RangeError);
  });

  it('does not depend on the order of the orders', () => {
    const orders = orderFacts(LEDGER);
    const window = { from: at('2025-06-01T00:00:00Z'), to: at('2026-05-01T00:00:00Z') };
    const expected = cohortReport(orders, window);
    fc.assert(
      fc.property(fc.shuffledSubarray(orders, { minLength: orders.length, maxLength: orders.length }), (shuffled) => {
        expect(cohortReport(shuffled, window)).toEqual(expected);
      }),
      { numRuns: 30 },
    );
  });
});

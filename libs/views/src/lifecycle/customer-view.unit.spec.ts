import type { AnyLedgerEvent } from '@cx/events';
import { foldCustomer, initialCustomerState } from './customer-state';
import { customerView } from './customer-view';
import { CUSTOMER, day, EventMaker } from './lifecycle.fixtures';

describe('customerView', () => {
  let make: EventMaker;
  let story: AnyLedgerEvent[];
  beforeEach(() => {
    make = new EventMaker();
    story = [
      make.interaction(day(0), 'phone'), // p1
      make.interaction(day(1), 'chat'), // p2
      make.purchase(day(2), 1999, 'EUR', 'web'), // p3
      make.interaction(day(3), 'phone'), // p4
      make.purchase(day(4), 500, 'USD', 'store'), // p5
      make.survey(day(5), 'csat', 2), // p6
      make.survey(day(6), 'csat', 5), // p7
      make.survey(day(6), 'ces', 3), // p8
      make.nps(day(7), 10), // p9
      make.referral(day(8)), // p10
      make.profiled(day(9), 'gold'), // p11
      make.profiled(day(10)), // p12: no segment, gold still holds
      make.caseOpened(day(11), 'k1', 'inquiry'), // p13
      make.caseOpened(day(11), 'k2', 'complaint'), // p14
      make.caseResolved(day(12), 'k1'), // p15
      make.purchase(day(13), 1, 'EUR', 'web'), // p16
      make.event('cx.customer.merged.v1', day(30), { into: { id: 'c-9' } }), // p17: not "seen"
    ];
  });

  it('shows everything as of asOf', () => {
    const view = customerView(foldCustomer(CUSTOMER, story), day(14));
    expect(view).toEqual({
      customerId: CUSTOMER,
      asOf: day(14),
      // day 14: 3 purchases; NPS 10 (day 7) within 90 d and a referral → advocate;
      // complaint k2 opened day 11 is 3 d old, not > 7 d.
      stage: 'advocate',
      stageHistory: [
        { stage: 'prospect', since: day(0) },
        { stage: 'new', since: day(2) },
        { stage: 'active', since: day(4) },
        { stage: 'advocate', since: day(8) }, // NPS 10 on day 7, referral on day 8
      ],
      wonBack: false,
      firstSeen: day(0),
      lastSeen: day(13),
      interactions: { count: 3, byChannel: { phone: 2, chat: 1 } },
      purchases: { count: 3, revenueMinor: { EUR: 1999 + 1, USD: 500 } },
      openCases: 1, // k2
      nps: { score: 10, time: day(7) },
      csat: { score: 5, time: day(6) },
      ces: { score: 3, time: day(6) },
      segment: 'gold',
      referrals: 1,
    });
  });

  it('the complaint ages to at_risk one millisecond after 7 days', () => {
    const state = foldCustomer(CUSTOMER, story);
    // k2 opened day 11 → 11 + 7 = day 18; strictly more than 7 d from day 18 + 1 ms.
    expect(customerView(state, day(18)).stage).toBe('advocate');
    const view = customerView(state, day(18) + 1);
    expect(view.stage).toBe('at_risk');
    expect(view.stageHistory.at(-1)).toEqual({ stage: 'at_risk', since: day(18) + 1 });
  });

  it('an earlier asOf leaves later events out', () => {
    const view = customerView(foldCustomer(CUSTOMER, story), day(5));
    expect(view).toMatchObject({
      stage: 'active',
      lastSeen: day(5),
      interactions: { count: 3, byChannel: { phone: 2, chat: 1 } }, // days 0, 1, 3
      purchases: { count: 2, revenueMinor: { EUR: 1999, USD: 500 } },
      openCases: 0,
      nps: null,
      csat: { score: 2, time: day(5) },
      ces: null,
      segment: null,
      referrals: 0,
    });
  });

  it('an asOf before the first event shows an empty prospect', () => {
    const view = customerView(foldCustomer(CUSTOMER, story), day(0) - 1);
    expect(view).toEqual({
      customerId: CUSTOMER,
      asOf: day(0) - 1,
      stage: 'prospect',
      stageHistory: [],
      wonBack: false,
      firstSeen: null,
      lastSeen: null,
      interactions: { count: 0, byChannel: {} },
      purchases: { count: 0, revenueMinor: {} },
      openCases: 0,
      nps: null,
      csat: null,
      ces: null,
      segment: null,
      referrals: 0,
    });
    expect(customerView(initialCustomerState(CUSTOMER), day(0) - 1)).toEqual(view);
  });

  it('the same view from any arrival order, with duplicates, and after a JSON round trip', () => {
    const expected = customerView(foldCustomer(CUSTOMER, story), day(400));
    const messy = [...story].reverse().concat(story.slice(3, 9));
    const state = foldCustomer(CUSTOMER, messy);
    expect(customerView(state, day(400))).toEqual(expected);
    expect(customerView(JSON.parse(JSON.stringify(state)), day(400))).toEqual(expected);
  });

  it('reports wonBack after a purchase that follows a churn', () => {
    const state = foldCustomer(CUSTOMER, [...story, make.churn(day(20)), make.purchase(day(21), 100, 'EUR')]);
    const view = customerView(state, day(22));
    expect(view.wonBack).toBe(true);
    expect(view.stageHistory.slice(-2)).toEqual([
      { stage: 'churned', since: day(20) },
      { stage: 'at_risk', since: day(21) }, // complaint k2 still open, opened 10 d before
    ]);
  });

  it('counts orphan cases as open, as the case view does (SPEC §2.1 openCases, §2.3)', () => {
    const handoffOnly = make.event('cx.case.handoff.requested.v1', day(15), { caseId: 'k3', fromTeam: 'support', toTeam: 'billing' });
    const reopenedOnly = make.caseReopened(day(16), 'k4');
    const resolvedOnly = make.caseResolved(day(16), 'k5');
    const state = foldCustomer(CUSTOMER, [...story, handoffOnly, reopenedOnly, resolvedOnly]);
    // k2 (complaint, still open), k3 seen only through a handoff, k4 only through a reopening;
    // k5 only through its resolution is closed.
    expect(customerView(state, day(14)).openCases).toBe(1);
    expect(customerView(state, day(15)).openCases).toBe(2);
    expect(customerView(state, day(16)).openCases).toBe(3);
    // A handoff of a case already resolved does not open it again.
    const late = make.event('cx.case.handoff.accepted.v1', day(17), { caseId: 'k1', team: 'billing' });
    expect(customerView(foldCustomer(CUSTOMER, [...story, late]), day(17)).openCases).toBe(1);
    // No stage changes: an orphan has no category, so it is never a complaint.
    expect(customerView(state, day(400)).stageHistory).toEqual(customerView(foldCustomer(CUSTOMER, story), day(400)).stageHistory);
  });
});

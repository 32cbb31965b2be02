import type { AnyLedgerEvent } from '@cx/events';
import { foldCustomer, initialCustomerState, type CustomerState } from './customer-state';
import { CUSTOMER, DAY, day, EventMaker } from './lifecycle.fixtures';
import { DEFAULT_LIFECYCLE_SETTINGS } from './lifecycle-settings';
import { nextStageChangeAfter, stageHistory, wonBack, type StageChange } from './stage-history';
import { stageAt } from './stage-rules';

const fold = (...events: AnyLedgerEvent[]) => foldCustomer(CUSTOMER, events);

/** Each change holds from its `since`, and not one millisecond before. */
function expectConsistent(state: CustomerState, history: StageChange[]): void {
  history.forEach((change, i) => {
    expect(stageAt(state, change.since)).toBe(change.stage);
    if (i > 0) expect(stageAt(state, change.since - 1)).toBe(history[i - 1].stage);
  });
}

describe('stageHistory', () => {
  let make: EventMaker;
  beforeEach(() => (make = new EventMaker()));

  it('is empty for a customer without events', () => {
    expect(stageHistory(initialCustomerState(CUSTOMER), day(100))).toEqual([]);
  });

  it('starts at the first event and follows purchases; staying loyal is not a change', () => {
    const state = fold(
      make.interaction(day(0)),
      make.purchase(day(1)),
      make.purchase(day(2)),
      make.purchase(day(3)),
      make.purchase(day(4)),
    );
    expect(stageHistory(state, day(5))).toEqual([
      { stage: 'prospect', since: day(0) },
      { stage: 'new', since: day(1) },
      { stage: 'active', since: day(2) },
      { stage: 'loyal', since: day(3) },
    ]);
  });

  it('inactivity: at_risk at last + 90 d + 1 ms, churned at last + 180 d + 1 ms', () => {
    // last purchase day 10: 90 d later is day 100, 180 d later is day 190.
    const state = fold(make.interaction(day(0)), make.purchase(day(10)));
    const history = stageHistory(state, day(400));
    expect(history).toEqual([
      { stage: 'prospect', since: day(0) },
      { stage: 'new', since: day(10) },
      { stage: 'at_risk', since: day(100) + 1 },
      { stage: 'churned', since: day(190) + 1 },
    ]);
    expectConsistent(state, history);
  });

  it('inactivity thresholds follow the settings', () => {
    const settings = { ...DEFAULT_LIFECYCLE_SETTINGS, atRiskInactivityMs: 30 * DAY, churnInactivityMs: 60 * DAY };
    const state = fold(make.purchase(day(0)));
    expect(stageHistory(state, day(100), settings)).toEqual([
      { stage: 'new', since: day(0) },
      { stage: 'at_risk', since: day(30) + 1 },
      { stage: 'churned', since: day(60) + 1 },
    ]);
  });

  it('stops at asOf: a threshold reached after asOf is not listed', () => {
    const state = fold(make.purchase(day(10)));
    expect(stageHistory(state, day(100))).toEqual([{ stage: 'new', since: day(10) }]);
    expect(stageHistory(state, day(100) + 1)).toEqual([
      { stage: 'new', since: day(10) },
      { stage: 'at_risk', since: day(100) + 1 },
    ]);
  });

  it('a detractor answer makes the customer at_risk until it is more than 90 days old', () => {
    // purchases days 0, 60, 120 keep inactivity away; NPS 3 on day 30 counts through day 120.
    const state = fold(make.purchase(day(0)), make.nps(day(30), 3), make.purchase(day(60)), make.purchase(day(120)));
    const history = stageHistory(state, day(150));
    expect(history).toEqual([
      { stage: 'new', since: day(0) },
      { stage: 'at_risk', since: day(30) },
      { stage: 'loyal', since: day(120) + 1 }, // 3 purchases by then
    ]);
    expectConsistent(state, history);
  });

  it('an advocate falls back when the promoter answer expires after 90 days', () => {
    // NPS 10 on day 5 counts through day 95; purchases on days 0 and 50 keep inactivity to day 140.
    const state = fold(make.purchase(day(0)), make.referral(day(1)), make.nps(day(5), 10), make.purchase(day(50)));
    const history = stageHistory(state, day(130));
    expect(history).toEqual([
      { stage: 'new', since: day(0) },
      { stage: 'advocate', since: day(5) },
      { stage: 'active', since: day(95) + 1 },
    ]);
    expectConsistent(state, history);
  });

  it('a complaint ages past 7 days, then is resolved', () => {
    // opened day 2 → at_risk at day 9 + 1 ms; resolved day 12 → back to new.
    const state = fold(make.purchase(day(0)), make.caseOpened(day(2), 'k1'), make.caseResolved(day(12), 'k1'));
    const history = stageHistory(state, day(20));
    expect(history).toEqual([
      { stage: 'new', since: day(0) },
      { stage: 'at_risk', since: day(9) + 1 },
      { stage: 'new', since: day(12) },
    ]);
    expectConsistent(state, history);
  });

  it('a complaint resolved within 7 days never makes the customer at_risk', () => {
    const state = fold(make.purchase(day(0)), make.caseOpened(day(2), 'k1'), make.caseResolved(day(9), 'k1'));
    expect(stageHistory(state, day(20))).toEqual([{ stage: 'new', since: day(0) }]);
  });

  it('an explicit churn, then a purchase', () => {
    const state = fold(make.purchase(day(0)), make.churn(day(20)), make.purchase(day(30)));
    expect(stageHistory(state, day(40))).toEqual([
      { stage: 'new', since: day(0) },
      { stage: 'churned', since: day(20) },
      { stage: 'active', since: day(30) },
    ]);
  });

  it('no transient stage when a purchase and a churn share one millisecond', () => {
    // churn appended before the purchase at the same time: the purchase is the later one.
    const state = fold(make.purchase(day(0)), make.churn(day(5)), make.purchase(day(5)));
    expect(stageHistory(state, day(10))).toEqual([
      { stage: 'new', since: day(0) },
      { stage: 'active', since: day(5) },
    ]);
  });
});

describe('wonBack', () => {
  let make: EventMaker;
  beforeEach(() => (make = new EventMaker()));

  it('after inactivity churn: true once a purchase follows, not before', () => {
    // purchase day 0 → churned from day 180 + 1 ms; next purchase day 200.
    const state = fold(make.purchase(day(0)), make.purchase(day(200)));
    expect(wonBack(state, day(199))).toBe(false);
    expect(wonBack(state, day(200))).toBe(true);
    expect(stageAt(state, day(200))).toBe('active');
  });

  it('after an explicit churn', () => {
    const state = fold(make.purchase(day(0)), make.churn(day(10)), make.purchase(day(11)));
    expect(wonBack(state, day(10))).toBe(false);
    expect(wonBack(state, day(11))).toBe(true);
  });

  it('a purchase at exactly last + 180 d + 1 ms is not a win-back: the customer was never churned before it', () => {
    // At day 180 + 1 ms the new purchase is already "last", so no instant was churned.
    const state = fold(make.purchase(day(0)), make.purchase(day(180) + 1));
    expect(stageHistory(state, day(181)).map((c) => c.stage)).toEqual(['new', 'at_risk', 'active']);
    expect(wonBack(state, day(181))).toBe(false);
  });

  it('one millisecond later it is', () => {
    const state = fold(make.purchase(day(0)), make.purchase(day(180) + 2));
    expect(wonBack(state, day(181))).toBe(true);
  });

  it('stays true when the customer churns again', () => {
    const state = fold(make.purchase(day(0)), make.churn(day(1)), make.purchase(day(2)), make.churn(day(3)));
    expect(stageAt(state, day(4))).toBe('churned');
    expect(wonBack(state, day(4))).toBe(true);
  });

  it('false for a churned customer who has not bought since', () => {
    const state = fold(make.purchase(day(0)), make.churn(day(1)));
    expect(wonBack(state, day(400))).toBe(false);
  });
});

describe('nextStageChangeAfter', () => {
  it('names the next threshold crossing, or null when none is left', () => {
    const make = new EventMaker();
    const state = fold(make.purchase(day(10)));
    expect(nextStageChangeAfter(state, day(20))).toEqual({ stage: 'at_risk', since: day(100) + 1 });
    expect(nextStageChangeAfter(state, day(100) + 1)).toEqual({ stage: 'churned', since: day(190) + 1 });
    expect(nextStageChangeAfter(state, day(190) + 1)).toBeNull();
  });
});

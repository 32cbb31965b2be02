import type { AnyLedgerEvent } from '@cx/events';
import { foldCustomer, initialCustomerState } from './customer-state';
import { CUSTOMER, DAY, day, EventMaker } from './lifecycle.fixtures';
import { DEFAULT_LIFECYCLE_SETTINGS } from './lifecycle-settings';
import { openCaseIdsAt, stageAt } from './stage-rules';

const fold = (...events: AnyLedgerEvent[]) => foldCustomer(CUSTOMER, events);

describe('stageAt (SPEC §2.1)', () => {
  let make: EventMaker;
  beforeEach(() => (make = new EventMaker()));

  describe('rule 1: no purchase is prospect', () => {
    it('a customer with no events at all', () => {
      expect(stageAt(initialCustomerState(CUSTOMER), day(0))).toBe('prospect');
    });

    it('a customer who only talked to us', () => {
      expect(stageAt(fold(make.interaction(day(0))), day(1))).toBe('prospect');
    });

    it('prospect wins over everything else: detractor, churn event, aged complaint', () => {
      const state = fold(make.nps(day(0), 0), make.churn(day(1)), make.caseOpened(day(0), 'k1'));
      expect(stageAt(state, day(30))).toBe('prospect');
    });

    it('a purchase after T does not count at T', () => {
      const state = fold(make.interaction(day(0)), make.purchase(day(10)));
      expect(stageAt(state, day(10) - 1)).toBe('prospect');
      expect(stageAt(state, day(10))).toBe('new');
    });
  });

  describe('rule 5: counting purchases', () => {
    it('one purchase is new, two active, three or more loyal', () => {
      const events = [make.purchase(day(0)), make.purchase(day(1)), make.purchase(day(2)), make.purchase(day(3))];
      expect(stageAt(fold(events[0]), day(3))).toBe('new');
      expect(stageAt(fold(...events.slice(0, 2)), day(3))).toBe('active');
      expect(stageAt(fold(...events.slice(0, 3)), day(3))).toBe('loyal');
      expect(stageAt(fold(...events), day(3))).toBe('loyal');
    });
  });

  describe('rule 2: churned', () => {
    it('a churned event after the last purchase', () => {
      const state = fold(make.purchase(day(0)), make.churn(day(5)));
      expect(stageAt(state, day(5) - 1)).toBe('new');
      expect(stageAt(state, day(5))).toBe('churned');
    });

    it('a churned event before the last purchase does not count', () => {
      const state = fold(make.purchase(day(0)), make.churn(day(5)), make.purchase(day(6)));
      expect(stageAt(state, day(6))).toBe('active');
    });

    it('a churned event at the same time as the last purchase counts only when appended after it', () => {
      const churnAfter = fold(make.purchase(day(0), 1000, 'EUR', 'web'), make.churn(day(0)));
      expect(stageAt(churnAfter, day(0))).toBe('churned');
      const churnBefore = new EventMaker();
      const churnFirst = fold(churnBefore.churn(day(0)), churnBefore.purchase(day(0)));
      expect(stageAt(churnFirst, day(0))).toBe('new');
    });

    it('a churned event after T does not count at T', () => {
      const state = fold(make.purchase(day(0)), make.churn(day(20)));
      expect(stageAt(state, day(19))).toBe('new');
    });

    it('churn inactivity is strict: exactly 180 days after the last purchase is still at_risk', () => {
      // last = day 0; T - last = 180 d = 15,552,000,000 ms, not > 180 d → rule 3 (180 d > 90 d) applies.
      const state = fold(make.purchase(day(0)));
      expect(stageAt(state, day(180))).toBe('at_risk');
      // T - last = 180 d + 1 ms > 180 d → churned.
      expect(stageAt(state, day(180) + 1)).toBe('churned');
    });

    it('churned wins over at_risk and advocate', () => {
      const state = fold(make.purchase(day(0)), make.nps(day(1), 10), make.referral(day(1)), make.nps(day(2), 3), make.churn(day(3)));
      expect(stageAt(state, day(3))).toBe('churned');
    });
  });

  describe('rule 3: at_risk', () => {
    it('inactivity is strict: exactly 90 days after the last purchase is not at_risk', () => {
      // last = day 10; at day 100, T - last = 90 d, not > 90 d.
      const state = fold(make.purchase(day(0)), make.purchase(day(10)));
      expect(stageAt(state, day(100))).toBe('active');
      // at day 100 + 1 ms, T - last = 90 d + 1 ms > 90 d.
      expect(stageAt(state, day(100) + 1)).toBe('at_risk');
    });

    it('inactivity counts from the latest purchase, whatever order they arrived in', () => {
      const state = fold(make.purchase(day(50)), make.purchase(day(0)));
      // last = day 50: day 140 = last + 90 d → active; day 91 would be at_risk if day 0 were "last".
      expect(stageAt(state, day(140))).toBe('active');
    });

    it.each([
      [0, 'at_risk'],
      [6, 'at_risk'],
      [7, 'new'],
      [8, 'new'],
    ])('latest NPS %i within 90 days gives %s', (score, stage) => {
      const state = fold(make.purchase(day(0)), make.nps(day(1), score));
      expect(stageAt(state, day(2))).toBe(stage);
    });

    it('a detractor answer counts through answer + 90 days, then expires', () => {
      // answer at day 5: T - answer = 90 d at day 95 → still "in the 90 days up to T".
      // The purchase is at day 80 so inactivity (last + 90 d = day 170) plays no part.
      const state = fold(make.purchase(day(80)), make.nps(day(5), 2));
      expect(stageAt(state, day(95))).toBe('at_risk');
      // day 95 + 1 ms: T - answer = 90 d + 1 ms > 90 d → out of the window.
      expect(stageAt(state, day(95) + 1)).toBe('new');
    });

    it('only the latest NPS answer counts', () => {
      const recovered = fold(make.purchase(day(0)), make.nps(day(1), 3), make.nps(day(2), 8));
      expect(stageAt(recovered, day(3))).toBe('new');
      const soured = fold(make.purchase(day(0)), make.nps(day(2), 3), make.nps(day(1), 8));
      expect(stageAt(soured, day(3))).toBe('at_risk');
    });

    it('NPS answers at the same time: the later appended is the latest', () => {
      const state = fold(make.purchase(day(0)), make.nps(day(1), 8), make.nps(day(1), 4));
      expect(stageAt(state, day(1))).toBe('at_risk');
    });

    it('an NPS answer after T does not count at T', () => {
      const state = fold(make.purchase(day(0)), make.nps(day(10), 1));
      expect(stageAt(state, day(10) - 1)).toBe('new');
    });

    it('a complaint open for exactly 7 days is not yet at_risk; 1 ms later it is', () => {
      // opened at day 3: T - opened = 7 d at day 10, not > 7 d.
      const state = fold(make.purchase(day(0)), make.caseOpened(day(3), 'k1'));
      expect(stageAt(state, day(10))).toBe('new');
      expect(stageAt(state, day(10) + 1)).toBe('at_risk');
    });

    it('a complaint resolved by T does not count; reopened it counts again', () => {
      const state = fold(
        make.purchase(day(0)),
        make.caseOpened(day(1), 'k1'),
        make.caseResolved(day(20), 'k1'),
        make.caseReopened(day(30), 'k1'),
      );
      expect(stageAt(state, day(19))).toBe('at_risk'); // opened day 1, 18 d > 7 d, open
      expect(stageAt(state, day(20))).toBe('new'); // resolved at T counts ("as of T")
      expect(stageAt(state, day(30))).toBe('at_risk'); // reopened; opened 29 d before T
    });

    it('a complaint resolved after T is still open at T', () => {
      const state = fold(make.purchase(day(0)), make.caseOpened(day(1), 'k1'), make.caseResolved(day(40), 'k1'));
      expect(stageAt(state, day(39))).toBe('at_risk');
      expect(stageAt(state, day(40))).toBe('new');
    });

    it('an old open case that is not a complaint does not count', () => {
      const state = fold(make.purchase(day(0)), make.caseOpened(day(1), 'k1', 'inquiry'));
      expect(stageAt(state, day(30))).toBe('new');
    });

    it('a complaint age setting is honoured', () => {
      const settings = { ...DEFAULT_LIFECYCLE_SETTINGS, complaintAtRiskAgeMs: 2 * DAY };
      const state = fold(make.purchase(day(0)), make.caseOpened(day(1), 'k1'));
      expect(stageAt(state, day(3), settings)).toBe('new'); // 2 d, not > 2 d
      expect(stageAt(state, day(3) + 1, settings)).toBe('at_risk');
    });

    it('at_risk wins over advocate', () => {
      // Promoter and referrer, but last purchase day 0 and T = day 91: 91 d > 90 d.
      const state = fold(make.purchase(day(0)), make.referral(day(50)), make.nps(day(90), 10));
      expect(stageAt(state, day(91))).toBe('at_risk');
    });
  });

  describe('rule 4: advocate', () => {
    it.each([9, 10])('latest NPS %i within 90 days and a referral made', (score) => {
      const state = fold(make.purchase(day(0)), make.nps(day(1), score), make.referral(day(2)));
      expect(stageAt(state, day(2))).toBe('advocate');
    });

    it('a passive (8) who referred is not an advocate', () => {
      const state = fold(make.purchase(day(0)), make.nps(day(1), 8), make.referral(day(2)));
      expect(stageAt(state, day(3))).toBe('new');
    });

    it('a promoter without a referral is not an advocate', () => {
      const state = fold(make.purchase(day(0)), make.purchase(day(1)), make.purchase(day(2)), make.nps(day(3), 10));
      expect(stageAt(state, day(4))).toBe('loyal');
    });

    it('the referral must be made at or before T', () => {
      const state = fold(make.purchase(day(0)), make.nps(day(1), 10), make.referral(day(5)));
      expect(stageAt(state, day(5) - 1)).toBe('new');
      expect(stageAt(state, day(5))).toBe('advocate');
    });

    it('a referral made long before still counts; the promoter answer must be recent', () => {
      // referral day 0; NPS 10 at day 2 counts through day 92; purchase day 60 keeps inactivity away.
      const state = fold(make.referral(day(0)), make.nps(day(2), 10), make.purchase(day(60)));
      expect(stageAt(state, day(92))).toBe('advocate');
      expect(stageAt(state, day(92) + 1)).toBe('new');
    });
  });
});

describe('openCaseIdsAt', () => {
  it('follows opened, resolved and reopened by time', () => {
    const make = new EventMaker();
    const state = fold(
      make.caseOpened(day(1), 'k1'),
      make.caseOpened(day(2), 'k2', 'inquiry'),
      make.caseResolved(day(3), 'k1'),
      make.caseReopened(day(5), 'k1'),
      make.caseResolved(day(4), 'k2'),
    );
    expect(openCaseIdsAt(state, day(2))).toEqual(['k1', 'k2']);
    expect(openCaseIdsAt(state, day(3))).toEqual(['k2']);
    expect(openCaseIdsAt(state, day(4))).toEqual([]);
    expect(openCaseIdsAt(state, day(5))).toEqual(['k1']);
  });
});

import fc from 'fast-check';
import type { AnyLedgerEvent } from '@cx/events';
import { DEFAULT_LIFECYCLE_SETTINGS } from '../lifecycle';
import { day, EventMaker } from '../lifecycle/lifecycle.fixtures';
import { alertId } from './alert';
import { DEFAULT_ALERT_SETTINGS } from './alert-settings';
import { isDetractorAnswer } from './customer-signals';
import { ledgerAlerts } from './ledger-alerts';
import { present } from '../testing/present';

const alertsOf = (events: readonly AnyLedgerEvent[]) => ledgerAlerts(events, DEFAULT_ALERT_SETTINGS, DEFAULT_LIFECYCLE_SETTINGS);
/** [signal, raisedAt, follow-up time] by raisedAt, then signal. */
const summary = (events: readonly AnyLedgerEvent[]) =>
  alertsOf(events)
    .map((a) => [a.signal, a.raisedAt, a.followUp?.at ?? null] as const)
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));

describe('customer signals', () => {
  it('detractors: NPS 0–6, CSAT 1–2, CES 1–2', () => {
    expect([0, 6, 7, 10].map((s) => isDetractorAnswer('nps', s))).toEqual([true, true, false, false]);
    expect([1, 2, 3, 5].map((s) => isDetractorAnswer('csat', s))).toEqual([true, true, false, false]);
    expect([1, 2, 3, 7].map((s) => isDetractorAnswer('ces', s))).toEqual([true, true, false, false]);
  });

  it('a detractor answer raises detractor and at_risk; inactivity churns; an outbound call follows both up', () => {
    const make = new EventMaker();
    const events = [
      make.purchase(day(0)), // new from day 0
      make.nps(day(10), 3), // detractor; at_risk (NPS <= 6 in the last 90 days)
      make.event('cx.interaction.recorded.v1', day(11), { channel: 'phone', direction: 'outbound', team: 'care' }),
      make.interaction(day(12)), // inbound: no follow-up
    ];
    expect(summary(events)).toEqual([
      ['at_risk', day(10), day(11)],
      ['detractor', day(10), day(11)],
      // Last purchase day 0: churned from day 180 + 1 ms; nothing after it follows it up.
      ['churned', day(180) + 1, null],
    ]);
    const detractor = present(alertsOf(events).find((a) => a.signal === 'detractor'));
    expect(detractor).toMatchObject({
      id: alertId('detractor', 'c-1', day(10)),
      subject: 'c-1',
      customerId: 'c-1',
      caseId: null,
      raisedBy: 2,
      team: null,
      detail: { survey: 'nps', score: 3 },
      followUp: { at: day(11), position: 3, team: 'care' },
    });
  });

  it('an at_risk by inactivity is raised one millisecond past 90 days, and a new stage entry raises another', () => {
    const make = new EventMaker();
    const events = [make.purchase(day(0)), make.purchase(day(120)), make.nps(day(121), 9)];
    expect(summary(events).filter(([signal]) => signal !== 'detractor')).toEqual([
      ['at_risk', day(90) + 1, null],
      ['at_risk', day(210) + 1, null],
      ['churned', day(300) + 1, null],
    ]);
  });

  it('a follow-up at the raising instant does not count: it must come after', () => {
    const make = new EventMaker();
    const events = [
      make.event('cx.interaction.recorded.v1', day(5), { channel: 'email', direction: 'outbound' }),
      make.survey(day(5), 'csat', 1),
      make.event('cx.interaction.recorded.v1', day(5) + 1, { channel: 'email', direction: 'outbound' }),
    ];
    expect(summary(events)).toEqual([['detractor', day(5), day(5) + 1]]);
  });

  it('answers of one millisecond raise one alert, the first by position', () => {
    const make = new EventMaker();
    const events = [make.survey(day(1), 'csat', 2), make.survey(day(1), 'ces', 1)];
    const alerts = alertsOf(events);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ raisedBy: 1, detail: { survey: 'csat', score: 2 } });
  });

  it('the team is the survey’s, or the owner of the case it names when raised', () => {
    const make = new EventMaker();
    const events = [
      make.event('cx.survey.answered.v1', day(1), { survey: 'nps', score: 2, team: 'survey-team' }),
      make.event('cx.case.opened.v1', day(2), { caseId: 'k1', category: 'inquiry', channel: 'phone', team: 'billing' }),
      make.event('cx.survey.answered.v1', day(3), { survey: 'nps', score: 1, team: 'survey-team', caseId: 'k1' }),
    ];
    expect(
      alertsOf(events)
        .filter((a) => a.signal === 'detractor')
        .map((a) => [a.team, a.caseId]),
    ).toEqual([
      ['survey-team', null],
      ['billing', 'k1'],
    ]);
  });
});

describe('customer signals in any arrival order (property)', () => {
  const time = fc.oneof(
    fc.integer({ min: 0, max: 400 }).map((d) => day(d)),
    fc.integer({ min: day(0), max: day(400) }),
  );
  const spec = fc.oneof(
    fc.record({ kind: fc.constant('purchase' as const), time }),
    fc.record({
      kind: fc.constant('survey' as const),
      time,
      survey: fc.constantFrom('nps' as const, 'csat' as const, 'ces' as const),
      score: fc.integer({ min: 1, max: 7 }),
    }),
    fc.record({ kind: fc.constant('outbound' as const), time }),
    fc.record({ kind: fc.constant('churn' as const), time }),
    fc.record({ kind: fc.constant('complaint' as const), time, caseId: fc.constantFrom('k1', 'k2') }),
    fc.record({ kind: fc.constant('resolved' as const), time, caseId: fc.constantFrom('k1', 'k2') }),
  );

  it('gives the same alerts, with the same ids and follow-ups', () => {
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 25 }), fc.integer(), (specs, seed) => {
        const make = new EventMaker();
        const events = specs.map((s) => {
          switch (s.kind) {
            case 'purchase':
              return make.purchase(s.time);
            case 'survey':
              return make.survey(s.time, s.survey, s.score);
            case 'outbound':
              return make.event('cx.interaction.recorded.v1', s.time, { channel: 'phone', direction: 'outbound' });
            case 'churn':
              return make.churn(s.time);
            case 'complaint':
              return make.caseOpened(s.time, s.caseId);
            case 'resolved':
              return make.caseResolved(s.time, s.caseId);
          }
        });
        const shuffled = [...events].sort((a, b) => ((a.position * 7919 + seed) % 101) - ((b.position * 7919 + seed) % 101));
        expect(alertsOf(shuffled)).toEqual(alertsOf(events));
      }),
      { numRuns: 200 },
    );
  });
});

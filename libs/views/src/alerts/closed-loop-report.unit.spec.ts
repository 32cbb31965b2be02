import { day } from '../lifecycle/lifecycle.fixtures';
import { alertId, type Alert, type AlertSignal } from './alert';
import { closedLoopReport, nextNpsAnswer, type ClosedLoopOptions } from './closed-loop-report';

const HOUR = 3_600_000;

function alert(signal: AlertSignal, customerId: string, raisedAt: number, extra: Partial<Alert> = {}): Alert {
  return {
    id: alertId(signal, customerId, raisedAt),
    signal,
    subject: customerId,
    customerId,
    caseId: null,
    raisedAt,
    raisedBy: null,
    team: null,
    detail: {},
    followUp: null,
    ...extra,
  };
}

const ALERTS: Alert[] = [
  alert('detractor', 'c-1', day(1), {
    raisedBy: 1,
    team: 'care',
    detail: { survey: 'nps', score: 3 },
    followUp: { at: day(1) + 2 * HOUR, position: 2, team: 'care' },
  }),
  alert('detractor', 'c-2', day(2), {
    raisedBy: 3,
    detail: { survey: 'nps', score: 5 },
    followUp: { at: day(5), position: 7, team: null },
  }),
  alert('at_risk', 'c-3', day(3)),
  alert('churned', 'c-1', day(9)),
  alert('ping_pong', 'k-1', day(4), {
    customerId: 'c-3',
    caseId: 'k-1',
    team: 'billing',
    followUp: { at: day(10), position: 20, team: 'billing' },
  }),
  alert('detractor', 'c-3', day(10), { detail: { survey: 'nps', score: 0 } }), // at `to`: outside
  alert('detractor', 'c-3', day(0) - 1, { detail: { survey: 'nps', score: 0 } }), // before `from`: outside
];

const OPTIONS: ClosedLoopOptions = {
  from: day(0),
  to: day(10),
  followUpSlaMs: 48 * HOUR,
  churnedAtTo: (id) => id === 'c-1',
  segmentAtTo: (id) => ({ 'c-1': 'gold', 'c-2': 'gold' })[id] ?? null,
  npsAnswers: (id) =>
    ({
      'c-1': [
        { time: day(1), position: 1, score: 3 },
        { time: day(6), position: 9, score: 8 },
        { time: day(7), position: 10, score: 2 },
      ],
      'c-2': [
        { time: day(2), position: 3, score: 5 },
        { time: day(12), position: 30, score: 10 },
      ],
    })[id] ?? [],
};

describe('closedLoopReport', () => {
  it('counts the window’s alerts as known before `to` (hand-worked)', () => {
    const report = closedLoopReport(ALERTS, OPTIONS);
    expect(report.totals).toEqual({
      raised: 5,
      followedUp: 2, // the ping-pong's follow-up comes at `to`: not yet
      followedUpWithinSla: { count: 1, percent: 20 },
      medianFollowUpMinutes: 2220, // (120 + 4,320) / 2
      overdueNow: 2, // at_risk of day 3 and the ping-pong; the churn of day 9 is 1 day old
      detractorNps: {
        // c-1 answered 8 after 3 (+5), c-2's next answer comes after `to`; c-1 is churned.
        followedUp: { alerts: 2, answeredAgain: 1, meanNpsChange: 5, churned: 1, churnedPercent: 50 },
        notFollowedUp: { alerts: 0, answeredAgain: 0, meanNpsChange: null, churned: 0, churnedPercent: null },
      },
    });
    expect(report.groups).toEqual({});
  });

  it('groups by signal, team (owner, else survey, else follow-up) and segment at `to`', () => {
    const raisedBy = (groupBy: 'signal' | 'team' | 'segment') =>
      Object.fromEntries(
        Object.entries(closedLoopReport(ALERTS, { ...OPTIONS, groupBy }).groups).map(([key, block]) => [key, block.raised]),
      );
    expect(raisedBy('signal')).toEqual({ at_risk: 1, churned: 1, detractor: 2, ping_pong: 1 });
    expect(raisedBy('team')).toEqual({ billing: 1, care: 1, unknown: 3 });
    expect(raisedBy('segment')).toEqual({ gold: 3, unknown: 2 });
    expect(Object.keys(closedLoopReport(ALERTS, { ...OPTIONS, groupBy: 'signal' }).groups)).toEqual([
      'at_risk',
      'churned',
      'detractor',
      'ping_pong',
    ]);
  });

  it('the next NPS answer comes after the raising one in (time, position) order', () => {
    const answers = [
      { time: day(1), position: 5, score: 1 },
      { time: day(1), position: 4, score: 9 },
      { time: day(1), position: 6, score: 7 },
    ];
    expect(nextNpsAnswer(answers, { raisedAt: day(1), raisedBy: 5 }, day(2))).toEqual({ time: day(1), position: 6, score: 7 });
    expect(nextNpsAnswer(answers, { raisedAt: day(1), raisedBy: 6 }, day(2))).toBeNull();
  });
});

import { medianMinutes } from '../cases/rounding';
import { meanOrNull, percentOrNull } from '../loyalty/rounding';
import type { Alert, AlertDetail, AlertSignal, FollowUp } from './alert';

export const CLOSED_LOOP_GROUP_BYS = ['signal', 'team', 'segment'] as const;
export type ClosedLoopGroupBy = (typeof CLOSED_LOOP_GROUP_BYS)[number];
export const UNKNOWN_ALERT_GROUP = 'unknown';

/** What an NPS detractor's alerts led to: the next answer, and churn at `to`. */
export interface NpsOutcome {
  /** Detractor alerts raised by an NPS answer, in this group and on this side. */
  alerts: number;
  /** Of those, how many customers answered NPS again before `to`. */
  answeredAgain: number;
  /** Mean of (next answer - the answer that raised the alert), to 2 decimals; null over none. */
  meanNpsChange: number | null;
  /** Of the alerts, how many customers are `churned` at `to`. */
  churned: number;
  churnedPercent: number | null;
}

export interface ClosedLoopBlock {
  raised: number;
  /** Followed up before `to`. */
  followedUp: number;
  /** Followed up before `to` and within the follow-up SLA; percent of `raised`. */
  followedUpWithinSla: { count: number; percent: number | null };
  /** Of the follow-ups before `to`, minutes to 1 decimal. */
  medianFollowUpMinutes: number | null;
  /** Not followed up before `to` and open longer than the SLA at `to`. */
  overdueNow: number;
  detractorNps: { followedUp: NpsOutcome; notFollowedUp: NpsOutcome };
}

/** What the report reads of an alert (a report in SQL reads no more than this). */
export type ClosedLoopAlert = Pick<Alert, 'signal' | 'customerId' | 'raisedAt' | 'raisedBy' | 'team'> & {
  detail: Pick<AlertDetail, 'survey' | 'score'>;
  followUp: Pick<FollowUp, 'at' | 'team'> | null;
};

export interface ClosedLoopReport {
  from: number;
  to: number;
  groupBy: ClosedLoopGroupBy | null;
  totals: ClosedLoopBlock;
  /** Per group key, sorted by key; empty without groupBy. */
  groups: Record<string, ClosedLoopBlock>;
}

export interface NpsAnswerMoment {
  time: number;
  position: number;
  score: number;
}

export interface ClosedLoopOptions {
  from: number;
  to: number;
  groupBy?: ClosedLoopGroupBy | null;
  followUpSlaMs: number;
  /** Whether the customer is `churned` at `to` (from the events before it). */
  churnedAtTo: (customerId: string) => boolean;
  /** The customer's latest segment at `to`; needed when grouping by segment. */
  segmentAtTo?: (customerId: string) => string | null;
  /** The customer's NPS answers (any order): the next one after a detractor's. */
  npsAnswers: (customerId: string) => readonly NpsAnswerMoment[];
}

/**
 * SPEC §2.4 closed-loop report over the alerts raised in [from, to). "At `to`" means from
 * the events before `to`: a follow-up at `to` or later does not count.
 */
export function closedLoopReport(alerts: readonly ClosedLoopAlert[], options: ClosedLoopOptions): ClosedLoopReport {
  const { from, to } = options;
  const inWindow = alerts.filter((alert) => alert.raisedAt >= from && alert.raisedAt < to).map((alert) => knownBefore(alert, to));
  const groupBy = options.groupBy ?? null;
  const groups: Record<string, ClosedLoopAlert[]> = {};
  if (groupBy) {
    for (const alert of inWindow) (groups[groupKey(alert, groupBy, options)] ??= []).push(alert);
  }
  const sortedKeys = Object.keys(groups).sort();
  return {
    from,
    to,
    groupBy,
    totals: closedLoopBlock(inWindow, options),
    groups: Object.fromEntries(sortedKeys.map((key) => [key, closedLoopBlock(groups[key], options)])),
  };
}

/** The alert as known from the events before `to`. */
const knownBefore = (alert: ClosedLoopAlert, to: number): ClosedLoopAlert =>
  alert.followUp && alert.followUp.at >= to ? { ...alert, followUp: null } : alert;

/**
 * SPEC §2.4 team: the case's owner when raised (case signals), else the survey's team
 * (detractor), else the team of the interaction that followed it up; segment: the
 * customer's latest at `to`.
 */
export function groupKey(alert: ClosedLoopAlert, groupBy: ClosedLoopGroupBy, options: Pick<ClosedLoopOptions, 'segmentAtTo'>): string {
  if (groupBy === 'signal') return alert.signal;
  if (groupBy === 'team') return alert.team ?? alert.followUp?.team ?? UNKNOWN_ALERT_GROUP;
  return options.segmentAtTo?.(alert.customerId) ?? UNKNOWN_ALERT_GROUP;
}

/**
 * What a block is counted from: sums any store can add up per group, and the middle of the
 * follow-up delays. The pure report tallies alerts into it; a report in SQL sums the same in
 * the database; `closedLoopBlockOf` rounds both the same way.
 */
export interface ClosedLoopTally {
  raised: number;
  followedUp: number;
  withinSla: number;
  overdueNow: number;
  /** The middle value of the sorted follow-up delays (ms), or the two middle ones of an even count; none without follow-ups. */
  middleDelaysMs: readonly number[];
  detractorNps: { followedUp: NpsTally; notFollowedUp: NpsTally };
}

/** An NPS outcome before rounding: `changeSum` is the sum of (next answer - the detractor's) over the `answeredAgain`. */
export interface NpsTally {
  alerts: number;
  answeredAgain: number;
  changeSum: number;
  churned: number;
}

export function closedLoopBlockOf(tally: ClosedLoopTally): ClosedLoopBlock {
  return {
    raised: tally.raised,
    followedUp: tally.followedUp,
    followedUpWithinSla: { count: tally.withinSla, percent: percentOrNull(tally.withinSla, tally.raised) },
    medianFollowUpMinutes: medianMinutes(tally.middleDelaysMs),
    overdueNow: tally.overdueNow,
    detractorNps: {
      followedUp: npsOutcomeOf(tally.detractorNps.followedUp),
      notFollowedUp: npsOutcomeOf(tally.detractorNps.notFollowedUp),
    },
  };
}

const npsOutcomeOf = ({ alerts, answeredAgain, changeSum, churned }: NpsTally): NpsOutcome => ({
  alerts,
  answeredAgain,
  meanNpsChange: meanOrNull(changeSum, answeredAgain),
  churned,
  churnedPercent: percentOrNull(churned, alerts),
});

const closedLoopBlock = (alerts: readonly ClosedLoopAlert[], options: ClosedLoopOptions): ClosedLoopBlock =>
  closedLoopBlockOf(closedLoopTally(alerts, options));

function closedLoopTally(alerts: readonly ClosedLoopAlert[], options: ClosedLoopOptions): ClosedLoopTally {
  const delays = alerts.flatMap((alert) => (alert.followUp ? [alert.followUp.at - alert.raisedAt] : []));
  const npsDetractors = alerts.filter((alert) => alert.signal === ('detractor' satisfies AlertSignal) && alert.detail.survey === 'nps');
  return {
    raised: alerts.length,
    followedUp: delays.length,
    withinSla: delays.filter((ms) => ms <= options.followUpSlaMs).length,
    overdueNow: alerts.filter((alert) => alert.followUp === null && options.to - alert.raisedAt > options.followUpSlaMs).length,
    middleDelaysMs: middleValues(delays),
    detractorNps: {
      followedUp: npsTally(
        npsDetractors.filter((alert) => alert.followUp !== null),
        options,
      ),
      notFollowedUp: npsTally(
        npsDetractors.filter((alert) => alert.followUp === null),
        options,
      ),
    },
  };
}

/** The one or two values a median is taken of. */
function middleValues(values: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return [];
  return sorted.length % 2 === 1 ? [sorted[middle]] : [sorted[middle - 1], sorted[middle]];
}

function npsTally(alerts: readonly ClosedLoopAlert[], options: ClosedLoopOptions): NpsTally {
  const changes = alerts.flatMap((alert) => {
    const next = nextNpsAnswer(options.npsAnswers(alert.customerId), alert, options.to);
    return next === null ? [] : [next.score - (alert.detail.score ?? 0)];
  });
  return {
    alerts: alerts.length,
    answeredAgain: changes.length,
    changeSum: changes.reduce((sum, change) => sum + change, 0),
    churned: alerts.filter((alert) => options.churnedAtTo(alert.customerId)).length,
  };
}

/** The customer's first NPS answer after the one that raised the alert (SPEC §2 order), before `to`. */
export function nextNpsAnswer(
  answers: readonly NpsAnswerMoment[],
  alert: Pick<Alert, 'raisedAt' | 'raisedBy'>,
  to: number,
): NpsAnswerMoment | null {
  const raisedBy = alert.raisedBy ?? Number.MAX_SAFE_INTEGER;
  const after = answers.filter((a) => a.time < to && (a.time > alert.raisedAt || (a.time === alert.raisedAt && a.position > raisedBy)));
  return after.sort((a, b) => a.time - b.time || a.position - b.position)[0] ?? null;
}

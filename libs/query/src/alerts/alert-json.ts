import { alertAsOf, alertData, alertStatusAt, type Alert, type ClosedLoopBlock, type ClosedLoopReport } from '@cx/views';
import { iso } from '../query-params';

/** An alert as of `asOf`: its status then, and its follow-up only if it had happened by then. */
export function alertJson(alert: Alert, asOf: number, followUpSlaMs: number) {
  const known = alertAsOf(alert, asOf);
  return { ...alertData(known), status: alertStatusAt(known, asOf, followUpSlaMs) };
}

export const ALERT_CSV_COLUMNS = [
  'id',
  'signal',
  'status',
  'subject',
  'customerId',
  'caseId',
  'raisedAt',
  'team',
  'survey',
  'score',
  'fromTeam',
  'toTeam',
  'followUpAt',
  'followUpTeam',
  'followUpMinutes',
];

export function alertCsvRow(json: ReturnType<typeof alertJson>): Record<string, unknown> {
  const { detail, followUp, ...rest } = json;
  return { ...rest, ...detail, followUpAt: followUp?.at ?? null, followUpTeam: followUp?.team ?? null };
}

export function closedLoopJson(report: ClosedLoopReport, followUpSlaMs: number) {
  return {
    from: iso(report.from),
    to: iso(report.to),
    groupBy: report.groupBy,
    followUpSlaHours: followUpSlaMs / 3_600_000,
    totals: report.totals,
    groups: report.groups,
  };
}

export const CLOSED_LOOP_CSV_COLUMNS = [
  'scope',
  'group',
  'raised',
  'followedUp',
  'followedUpWithinSla',
  'followedUpWithinSlaPercent',
  'medianFollowUpMinutes',
  'overdueNow',
  ...(['followedUp', 'notFollowedUp'] as const).flatMap((side) =>
    ['alerts', 'answeredAgain', 'meanNpsChange', 'churned', 'churnedPercent'].map((k) => `npsDetractors_${side}_${k}`),
  ),
];

/** One row for the totals, then one per group. */
export function closedLoopCsv(report: ClosedLoopReport) {
  const row = (scope: string, group: string | null, block: ClosedLoopBlock): Record<string, unknown> => ({
    scope,
    group,
    raised: block.raised,
    followedUp: block.followedUp,
    followedUpWithinSla: block.followedUpWithinSla.count,
    followedUpWithinSlaPercent: block.followedUpWithinSla.percent,
    medianFollowUpMinutes: block.medianFollowUpMinutes,
    overdueNow: block.overdueNow,
    ...Object.fromEntries(
      (['followedUp', 'notFollowedUp'] as const).flatMap((side) =>
        Object.entries(block.detractorNps[side]).map(([k, v]) => [`npsDetractors_${side}_${k}`, v]),
      ),
    ),
  });
  return {
    columns: CLOSED_LOOP_CSV_COLUMNS,
    rows: [row('totals', null, report.totals), ...Object.entries(report.groups).map(([group, block]) => row('group', group, block))],
  };
}

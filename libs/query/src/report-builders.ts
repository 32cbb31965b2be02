import type { Settings } from '@cx/settings';
import type { ViewStore } from '@cx/projection';
import { ApiError } from '@cx/http';
import { closedLoopCsv, closedLoopJson } from './alerts/alert-json';
import { ClosedLoopQueries } from './alerts/closed-loop-queries';
import { handoffReportCsv, handoffReportJson } from './cases/case-json';
import { HandoffReportQueries } from './cases/handoff-report-queries';
import { LifecycleQueries } from './lifecycle-queries';
import { driversReportBuilder } from './drivers/drivers-report.builder';
import { cohortReportBuilder, loyaltyReportBuilder } from './loyalty/loyalty-report.builders';
import { iso } from './query-params';

export interface ReportRequest {
  asOf: number;
  from?: number;
  to?: number;
  groupBy?: string;
  /** The drivers report's outcome and value-tier currency. */
  outcome?: string;
  currency?: string;
}

export interface BuiltReport {
  json: unknown;
  csv: () => { columns: string[]; rows: Array<Record<string, unknown>> };
}

export type ReportBuilder = (views: ViewStore, request: ReportRequest, settings: Settings) => Promise<BuiltReport>;

/** SPEC §3 `GET /v1/reports/lifecycle`: customers per stage at `asOf`. */
export const lifecycleReport: ReportBuilder = async (views, { asOf }) => {
  const stages = await new LifecycleQueries(views).customersPerStage(asOf);
  const total = Object.values(stages).reduce((sum, n) => sum + n, 0);
  return {
    json: { asOf: iso(asOf), total, stages },
    csv: () => ({
      columns: ['asOf', 'stage', 'customers'],
      rows: Object.entries(stages).map(([stage, customers]) => ({ asOf: iso(asOf), stage, customers })),
    }),
  };
};

/** SPEC §2.3's handoff report over [from, to). */
export const handoffReport: ReportBuilder = async (views, { from, to }, settings) => {
  if (from === undefined || to === undefined) throw new ApiError(400, 'invalid_parameter', 'the handoff report needs from and to');
  if (from > to) throw new ApiError(400, 'invalid_parameter', 'from must not be after to');
  const report = await new HandoffReportQueries(views).report({ from, to, slaMs: settings.thresholds.handoffAcceptanceSlaMs });
  return { json: handoffReportJson(report), csv: () => handoffReportCsv(report) };
};

/** SPEC §2.4's closed-loop report over [from, to), `groupBy` signal, team or segment. */
export const closedLoopReportBuilder: ReportBuilder = async (views, { from, to, groupBy }, settings) => {
  if (from === undefined || to === undefined) throw new ApiError(400, 'invalid_parameter', 'the closed-loop report needs from and to');
  if (from > to) throw new ApiError(400, 'invalid_parameter', 'from must not be after to');
  if (groupBy !== undefined && !['signal', 'team', 'segment', 'none'].includes(groupBy))
    throw new ApiError(400, 'invalid_parameter', 'groupBy must be one of none, signal, team, segment');
  const followUpSlaMs = settings.alerts.followUpSlaMs;
  const report = await new ClosedLoopQueries(views).report({
    from,
    to,
    groupBy: groupBy === undefined || groupBy === 'none' ? null : (groupBy as 'signal' | 'team' | 'segment'),
    followUpSlaMs,
  });
  return { json: closedLoopJson(report, followUpSlaMs), csv: () => closedLoopCsv(report) };
};

/** A report: how it is built, and the projections whose tables it reads (its own, and the segments, stages or aliases it borrows). */
export interface ReportKind {
  build: ReportBuilder;
  /** What `cx report --known-at` folds into a scratch store, and nothing more. */
  sources: readonly string[];
  /**
   * False for a report that reads its tables once in full: a scratch store answers it sooner
   * by that scan than by first building the read indexes a rebuild's snapshot lacks.
   */
  readIndexes?: false;
}

/**
 * Every report by name, over any view store: the live one for the API, a scratch one
 * built from the events recorded by a time for `cx report --known-at`.
 */
export const REPORTS: ReadonlyMap<string, ReportKind> = new Map([
  ['lifecycle', { build: lifecycleReport, sources: ['lifecycle'], readIndexes: false }],
  ['loyalty', { build: loyaltyReportBuilder, sources: ['loyalty', 'lifecycle'] }],
  ['cohorts', { build: cohortReportBuilder, sources: ['loyalty'] }],
  ['handoffs', { build: handoffReport, sources: ['cases', 'lifecycle', 'loyalty'] }],
  ['closed-loop', { build: closedLoopReportBuilder, sources: ['alerts'] }],
  ['drivers', { build: driversReportBuilder, sources: ['drivers', 'loyalty', 'lifecycle', 'alerts'] }],
]);

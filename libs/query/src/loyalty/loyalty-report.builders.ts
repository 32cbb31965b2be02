import { ApiError } from '@cx/http';
import type { Settings } from '@cx/settings';
import type { ViewStore } from '@cx/projection';
import type { CohortReport, LoyaltyBlocks, LoyaltyGroupBlocks, LoyaltyReport } from '@cx/views';
import { iso } from '../query-params';
import { cohortReportInSql } from './cohort-sql';
import { groupByParam } from './loyalty-params';
import { inSnapshot } from '../report-snapshot';
import { loyaltyReportInSql } from './loyalty-report-sql';

/** A report as JSON and as CSV rows with the same numbers (the shape of `ReportBuilder` in report-builders.ts). */
export interface LoyaltyBuiltReport {
  json: unknown;
  csv: () => { columns: string[]; rows: Array<Record<string, unknown>> };
}

/** What the API and `cx report` pass: a parsed window, and groupBy as given. */
export interface LoyaltyReportRequest {
  from?: number;
  to?: number;
  groupBy?: string;
  /** The cohort report's segment filter. */
  segment?: string;
}

function windowOf(request: LoyaltyReportRequest): { from: number; to: number } {
  const { from, to } = request;
  if (from === undefined || to === undefined || !Number.isFinite(from) || !Number.isFinite(to))
    throw new ApiError(400, 'invalid_parameter', 'from and to are required');
  if (from > to) throw new ApiError(400, 'invalid_parameter', 'from must not be after to');
  return { from, to };
}

/** The report with RFC 3339 times; otherwise exactly the pure report's shape. */
export const loyaltyJson = (report: LoyaltyReport) => ({ ...report, from: iso(report.from), to: iso(report.to) });

export const LOYALTY_CSV_COLUMNS = ['from', 'to', 'groupBy', 'group', 'block', 'metric', 'value'];

/** One CSV row per group, block and metric; revenue per currency is metric `revenueMinor.<currency>`; a null block has no rows. */
export function loyaltyCsvRows(report: LoyaltyReport): Array<Record<string, unknown>> {
  const common = { from: iso(report.from), to: iso(report.to), groupBy: report.groupBy ?? 'none' };
  const groups: Array<[string, LoyaltyGroupBlocks | LoyaltyBlocks]> =
    report.groupBy === null ? [['', report.blocks]] : Object.entries(report.groups);
  return groups.flatMap(([group, blocks]) =>
    Object.entries(blocks).flatMap(([block, values]) => {
      if (values === null) return [];
      return Object.entries(values as Record<string, unknown>).flatMap(([metric, value]) => {
        if (value !== null && typeof value === 'object') {
          return Object.entries(value as Record<string, unknown>).map(([currency, amount]) => ({
            ...common,
            group,
            block,
            metric: `${metric}.${currency}`,
            value: amount,
          }));
        }
        return [{ ...common, group, block, metric, value }];
      });
    }),
  );
}

/** SPEC §3 `GET /v1/reports/loyalty`. */
export async function loyaltyReportBuilder(
  views: ViewStore,
  request: LoyaltyReportRequest,
  settings: Settings,
): Promise<LoyaltyBuiltReport> {
  const report = await loyaltyReportInSql(views, { ...windowOf(request), groupBy: groupByParam(request.groupBy) }, settings.thresholds);
  return { json: loyaltyJson(report), csv: () => ({ columns: LOYALTY_CSV_COLUMNS, rows: loyaltyCsvRows(report) }) };
}

export const cohortJson = (report: CohortReport) => ({ ...report, from: iso(report.from), to: iso(report.to) });

export const COHORT_CSV_COLUMNS = ['from', 'to', 'cohort', 'cohortCustomers', 'month', 'offset', 'customers', 'percent'];

/** One CSV row per cohort and later month; a cohort with no later month yet gets one row with the month columns empty. */
export function cohortCsvRows(report: CohortReport): Array<Record<string, unknown>> {
  const common = { from: iso(report.from), to: iso(report.to) };
  return report.cohorts.flatMap((cohort) => {
    const head = { ...common, cohort: cohort.cohort, cohortCustomers: cohort.customers };
    if (cohort.months.length === 0) return [head];
    return cohort.months.map((m) => ({ ...head, month: m.month, offset: m.offset, customers: m.customers, percent: m.percent }));
  });
}

/** SPEC §3 `GET /v1/reports/cohorts`. */
export async function cohortReportBuilder(views: ViewStore, request: LoyaltyReportRequest): Promise<LoyaltyBuiltReport> {
  const report = await inSnapshot(views, (read) => cohortReportInSql(read, { ...windowOf(request), segment: request.segment }));
  return { json: cohortJson(report), csv: () => ({ columns: COHORT_CSV_COLUMNS, rows: cohortCsvRows(report) }) };
}

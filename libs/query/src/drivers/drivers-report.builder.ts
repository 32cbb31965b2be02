import type { ViewStore } from '@cx/projection';
import type { Settings } from '@cx/settings';
import type { DriverBlock, DriverRow, DriverSide, DriversReport } from '@cx/views';
import { iso } from '../query-params';
import type { BuiltReport } from '../report-builders';
import { driversRequest, type DriversParams } from './drivers-params';
import { driversReportInSql } from './drivers-report-sql';

/** The report with RFC 3339 times; otherwise exactly the pure report's shape. */
export const driversJson = (report: DriversReport) => ({ ...report, from: iso(report.from), to: iso(report.to), asOf: iso(report.asOf) });

export const DRIVERS_CSV_COLUMNS = [
  'from',
  'to',
  'asOf',
  'outcome',
  'groupBy',
  'currency',
  'group',
  'allCount',
  'allScore',
  'rank',
  'attribute',
  'withCount',
  'withScore',
  'withoutCount',
  'withoutScore',
  'impact',
  'share',
];

/** Responses or customers, and the score or rate, whichever the outcome has. */
const countOf = (side: DriverSide) => ('responses' in side ? side.responses : side.customers);
const scoreOf = (side: DriverSide) => ('responses' in side ? side.score : side.rate);

/** One CSV row per group and attribute, in rank order, with the group's overall count and score on each. */
export function driversCsvRows(report: DriversReport): Array<Record<string, unknown>> {
  const common = {
    from: iso(report.from),
    to: iso(report.to),
    asOf: iso(report.asOf),
    outcome: report.outcome,
    groupBy: report.groupBy ?? 'none',
    currency: report.currency,
  };
  const groups: Array<[string, DriverBlock]> = report.groupBy === null ? [['', report]] : Object.entries(report.groups);
  return groups.flatMap(([group, block]) =>
    block.drivers.map((row: DriverRow, i) => ({
      ...common,
      group,
      allCount: countOf(block.overall),
      allScore: scoreOf(block.overall),
      rank: i + 1,
      attribute: row.attribute,
      withCount: countOf(row.with),
      withScore: scoreOf(row.with),
      withoutCount: countOf(row.without),
      withoutScore: scoreOf(row.without),
      impact: row.impact,
      share: row.share,
    })),
  );
}

/** SPEC §3 `GET /v1/reports/drivers` (and `cx report drivers`). */
export async function driversReportBuilder(views: ViewStore, params: DriversParams, settings: Settings): Promise<BuiltReport> {
  const report = await driversReportInSql(views, driversRequest(params), settings);
  return { json: driversJson(report), csv: () => ({ columns: DRIVERS_CSV_COLUMNS, rows: driversCsvRows(report) }) };
}

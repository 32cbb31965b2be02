import type { Settings } from '@cx/settings';
import type { ViewStore } from '@cx/view-store';
import { LifecycleQueries } from './lifecycle-queries';
import { iso } from './query-params';

export interface ReportRequest {
  asOf: number;
  from?: number;
  to?: number;
  groupBy?: string;
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
    csv: () => ({ columns: ['asOf', 'stage', 'customers'], rows: Object.entries(stages).map(([stage, customers]) => ({ asOf: iso(asOf), stage, customers })) }),
  };
};

/**
 * Every report by name, over any view store: the live one for the API, a scratch one
 * built from the events recorded by a time for `cx report --known-at`.
 */
export const REPORT_BUILDERS: Record<string, ReportBuilder> = {
  lifecycle: lifecycleReport,
};

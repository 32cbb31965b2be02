import {
  roundRatio,
  type CasesBlock,
  type CesBlock,
  type ChurnBlock,
  type CsatBlock,
  type LoyaltyBlocks,
  type NpsBlock,
  type PurchasesBlock,
} from '@cx/views';
import type { ChurnCounts } from './churn-sql';
import type { Row } from './loyalty-sql';

/**
 * The blocks of SPEC §2.2 from the exact integers SQL returns, rounded like the pure report:
 * the exact rational, half away from zero (`roundRatio`); a ratio over zero is null.
 */

const HOUR_MS = 3_600_000;
const int = (value: unknown): number => Number(value ?? 0);
const percentOrNull = (part: number, whole: number): number | null => (whole === 0 ? null : roundRatio(100 * part, whole, 1));

/** The SQL rows of one group, by block. */
export interface GroupRows {
  surveys: Row[];
  purchases?: Row;
  revenue: Row[];
  referrals?: Row;
  churn?: ChurnCounts;
  opened?: Row;
  resolved?: Row;
}

export const emptyGroupRows = (): GroupRows => ({ surveys: [], revenue: [] });

const surveyRow = (rows: readonly Row[], survey: string): Row | undefined => rows.find((r) => r.survey === survey);

export function npsBlock(rows: readonly Row[]): NpsBlock {
  const row = surveyRow(rows, 'nps');
  const [responses, promoters, detractors] = [int(row?.responses), int(row?.promoters), int(row?.detractors)];
  const score = responses === 0 ? null : roundRatio(100 * (promoters - detractors), responses, 1);
  return { responses, promoters, passives: responses - promoters - detractors, detractors, score };
}

export function csatBlock(rows: readonly Row[]): CsatBlock {
  const row = surveyRow(rows, 'csat');
  const [responses, satisfied] = [int(row?.responses), int(row?.satisfied)];
  return { responses, satisfied, score: percentOrNull(satisfied, responses) };
}

export function cesBlock(rows: readonly Row[]): CesBlock {
  const row = surveyRow(rows, 'ces');
  const [responses, total] = [int(row?.responses), int(row?.total)];
  return { responses, mean: responses === 0 ? null : roundRatio(total, responses, 2) };
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function purchasesBlock(row: Row | undefined, revenue: readonly Row[]): PurchasesBlock {
  const [customers, repeatCustomers] = [int(row?.customers), int(row?.repeaters)];
  const currencies = revenue.map((r) => [r.currency as string, int(r.total)] as const).sort(([a], [b]) => byCodeUnits(a, b));
  return {
    orders: int(row?.orders),
    customers,
    repeatCustomers,
    repeatRate: percentOrNull(repeatCustomers, customers),
    revenueMinor: Object.fromEntries(currencies),
  };
}

export function churnBlock(counts: ChurnCounts | undefined): ChurnBlock {
  const { atStart, churned } = counts ?? { atStart: 0, churned: 0 };
  return { customersAtStart: atStart, churned, rate: percentOrNull(churned, atStart) };
}

export function casesBlock(opened: Row | undefined, resolved: Row | undefined): CasesBlock {
  const [resolvedCount, timed] = [int(resolved?.n), int(resolved?.timed)];
  return {
    opened: int(opened?.n),
    resolved: resolvedCount,
    firstContactResolution: percentOrNull(int(resolved?.first_contact), resolvedCount),
    // Exact milliseconds over (cases × 3,600,000): hours rounded once, never a float mean.
    meanResolutionHours: timed === 0 ? null : roundRatio(int(resolved?.total_ms), timed * HOUR_MS, 2),
  };
}

export const blocksOf = (rows: GroupRows): LoyaltyBlocks => ({
  nps: npsBlock(rows.surveys),
  csat: csatBlock(rows.surveys),
  ces: cesBlock(rows.surveys),
  purchases: purchasesBlock(rows.purchases, rows.revenue),
  referrals: { count: int(rows.referrals?.n) },
  churn: churnBlock(rows.churn),
  cases: casesBlock(rows.opened, rows.resolved),
});

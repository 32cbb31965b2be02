import type { CaseFact } from './case-facts';
import type { OrderFact, ReferralFact, SurveyFact } from './facts';
import { meanOrNull, percentOrNull, roundRatio } from './rounding';

/** The blocks of SPEC §2.2, each computed from the facts already chosen for one window (and group). */

export interface NpsBlock {
  responses: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** 100 × (promoters − detractors) / responses, 1 decimal; null without responses. */
  score: number | null;
}

export interface CsatBlock {
  responses: number;
  satisfied: number;
  /** 100 × satisfied / responses, 1 decimal. */
  score: number | null;
}

export interface CesBlock {
  responses: number;
  /** Mean score, 2 decimals. */
  mean: number | null;
}

export interface PurchasesBlock {
  orders: number;
  customers: number;
  /** Customers with 2 or more orders in the window (and in the group). */
  repeatCustomers: number;
  repeatRate: number | null;
  /** Sum of amountMinor per currency, currencies in code order. */
  revenueMinor: Record<string, number>;
}

export interface ReferralsBlock {
  count: number;
}

export interface ChurnBlock {
  customersAtStart: number;
  churned: number;
  rate: number | null;
}

export interface CasesBlock {
  opened: number;
  resolved: number;
  firstContactResolution: number | null;
  meanResolutionHours: number | null;
}

/** A customer counted at the window's start, and whether it was churned at its end. */
export interface ChurnCandidate {
  customerId: string;
  churned: boolean;
}

const HOUR_MS = 3_600_000;

const count = <T>(items: readonly T[], test: (item: T) => boolean): number => items.reduce((n, item) => (test(item) ? n + 1 : n), 0);

const scoresOf = (surveys: readonly SurveyFact[], kind: SurveyFact['survey']): number[] =>
  surveys.filter((s) => s.survey === kind).map((s) => s.score);

export function npsBlock(surveys: readonly SurveyFact[]): NpsBlock {
  const scores = scoresOf(surveys, 'nps');
  const promoters = count(scores, (s) => s >= 9);
  const detractors = count(scores, (s) => s <= 6);
  const score = scores.length === 0 ? null : roundRatio(100 * (promoters - detractors), scores.length, 1);
  return { responses: scores.length, promoters, passives: scores.length - promoters - detractors, detractors, score };
}

export function csatBlock(surveys: readonly SurveyFact[]): CsatBlock {
  const scores = scoresOf(surveys, 'csat');
  const satisfied = count(scores, (s) => s >= 4);
  return { responses: scores.length, satisfied, score: percentOrNull(satisfied, scores.length) };
}

export function cesBlock(surveys: readonly SurveyFact[]): CesBlock {
  const scores = scoresOf(surveys, 'ces');
  const sum = scores.reduce((a, b) => a + b, 0);
  return { responses: scores.length, mean: meanOrNull(sum, scores.length) };
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function revenueByCurrency(orders: readonly OrderFact[]): Record<string, number> {
  const totals = new Map<string, number>();
  for (const o of orders) totals.set(o.currency, (totals.get(o.currency) ?? 0) + o.amountMinor);
  return Object.fromEntries([...totals].sort(([a], [b]) => byCodeUnits(a, b)));
}

export function purchasesBlock(orders: readonly OrderFact[]): PurchasesBlock {
  const ordersPerCustomer = new Map<string, number>();
  for (const o of orders) ordersPerCustomer.set(o.customerId, (ordersPerCustomer.get(o.customerId) ?? 0) + 1);
  const repeatCustomers = count([...ordersPerCustomer.values()], (n) => n >= 2);
  return {
    orders: orders.length,
    customers: ordersPerCustomer.size,
    repeatCustomers,
    repeatRate: percentOrNull(repeatCustomers, ordersPerCustomer.size),
    revenueMinor: revenueByCurrency(orders),
  };
}

export const referralsBlock = (referrals: readonly ReferralFact[]): ReferralsBlock => ({ count: referrals.length });

export function churnBlock(atStart: readonly ChurnCandidate[]): ChurnBlock {
  const churned = count(atStart, (c) => c.churned);
  return { customersAtStart: atStart.length, churned, rate: percentOrNull(churned, atStart.length) };
}

/** Opening to last resolution; none for an orphan, or when the opening came after the resolution. */
function resolutionMs(fact: CaseFact): number | null {
  if (fact.openedAt === null || fact.lastResolvedAt === null || fact.lastResolvedAt < fact.openedAt) return null;
  return fact.lastResolvedAt - fact.openedAt;
}

export function casesBlock(opened: readonly CaseFact[], resolved: readonly CaseFact[]): CasesBlock {
  const firstContact = count(resolved, (c) => c.handoffs === 0 && c.reopens === 0);
  const durations = resolved.map(resolutionMs).filter((ms): ms is number => ms !== null);
  const totalMs = durations.reduce((a, b) => a + b, 0);
  return {
    opened: opened.length,
    resolved: resolved.length,
    firstContactResolution: percentOrNull(firstContact, resolved.length),
    // Rounded on exact milliseconds: sum / (n × 3,600,000) hours.
    meanResolutionHours: durations.length === 0 ? null : roundRatio(totalMs, durations.length * HOUR_MS, 2),
  };
}

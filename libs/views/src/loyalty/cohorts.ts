import type { OrderFact } from './facts';
import { roundRatio } from './rounding';

/** One later month of a cohort: how many of its customers bought in it. */
export interface CohortMonth {
  /** UTC month, `YYYY-MM`. */
  month: string;
  /** Months after the cohort month: 1 for the next one. */
  offset: number;
  customers: number;
  /** 100 × customers / cohort size, 1 decimal. */
  percent: number;
}

export interface Cohort {
  /** UTC month of the customers' first purchase ever, `YYYY-MM`. */
  cohort: string;
  customers: number;
  months: CohortMonth[];
}

export interface CohortReport {
  from: number;
  to: number;
  cohorts: Cohort[];
}

/** Months since year 0, so that consecutive months are consecutive integers. */
const monthIndex = (time: number): number => {
  const date = new Date(time);
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
};

const monthLabel = (index: number): string =>
  `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;

/** Each customer's first purchase month, and who bought in each month, from orders before `to`. */
function purchaseMonths(orders: readonly OrderFact[], to: number) {
  const firstMonth = new Map<string, number>();
  const buyersByMonth = new Map<number, Set<string>>();
  for (const order of orders) {
    if (order.time >= to) continue;
    const month = monthIndex(order.time);
    firstMonth.set(order.customerId, Math.min(month, firstMonth.get(order.customerId) ?? month));
    const buyers = buyersByMonth.get(month) ?? new Set<string>();
    buyersByMonth.set(month, buyers.add(order.customerId));
  }
  return { firstMonth, buyersByMonth };
}

function cohortRow(cohortMonth: number, members: readonly string[], lastMonth: number, buyersByMonth: Map<number, Set<string>>): Cohort {
  const months: CohortMonth[] = [];
  for (let month = cohortMonth + 1; month <= lastMonth; month++) {
    const buyers = buyersByMonth.get(month);
    const customers = buyers ? members.filter((id) => buyers.has(id)).length : 0;
    months.push({
      month: monthLabel(month),
      offset: month - cohortMonth,
      customers,
      percent: roundRatio(100 * customers, members.length, 1),
    });
  }
  return { cohort: monthLabel(cohortMonth), customers: members.length, months };
}

/**
 * Retention cohorts (SPEC §2.2): customers by the UTC month of their first purchase ever.
 * A cohort is shown when its month overlaps [from, to), whole (first purchases earlier in that
 * month than `from` included); its later months run up to the month holding `to`'s last instant,
 * which may be partial. Pass every order (not only the window's): an earlier first purchase
 * moves a customer to an earlier cohort.
 */
export function cohortReport(orders: readonly OrderFact[], { from, to }: { from: number; to: number }): CohortReport {
  if (!Number.isFinite(from) || !Number.isFinite(to) || from > to) {
    throw new RangeError(`cohort report needs finite from <= to, got [${from}, ${to})`);
  }
  if (from === to) return { from, to, cohorts: [] };
  const { firstMonth, buyersByMonth } = purchaseMonths(orders, to);
  const lastMonth = monthIndex(to - 1);
  const members = new Map<number, string[]>();
  for (const [customerId, month] of firstMonth) {
    if (month < monthIndex(from)) continue;
    const cohort = members.get(month);
    if (cohort) cohort.push(customerId);
    else members.set(month, [customerId]);
  }
  const cohorts = [...members.keys()].sort((a, b) => a - b);
  return { from, to, cohorts: cohorts.map((m) => cohortRow(m, members.get(m) ?? [], lastMonth, buyersByMonth)) };
}

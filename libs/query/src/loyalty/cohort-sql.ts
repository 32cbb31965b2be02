import { Kysely, sql } from 'kysely';
import type { Cohort, CohortMonth, CohortReport } from '@cx/views';
import { roundRatio } from '@cx/views';
import { monthOf, type SnapshotRead } from '@cx/projection';
import { inLanes } from '../report-snapshot';
import { segmentAt, type Row, type Window } from './loyalty-sql';

/**
 * SPEC §2.2 cohorts, in SQL over `orders` (one row per order id, with its UTC `month`): each
 * customer's cohort is the month of its first order before `to`; cohorts from the month of
 * `from` on are shown whole; for each later month up to the one holding `to - 1 ms`, how many
 * of the cohort bought in it. The same numbers as the pure `cohortReport`.
 */

/** The window, and optionally one segment: only the customers whose segment at `to` is it (`unknown`: none), as the loyalty report groups them. */
export interface CohortWindow extends Window {
  segment?: string;
}

/** Each customer's first month of purchase before `to`, of the segment if one is given. */
const firstMonths = ({ to, segment }: CohortWindow) => {
  const all = sql`SELECT customer_id, MIN(month) AS cohort FROM orders WHERE time < ${to} GROUP BY customer_id`;
  return segment === undefined
    ? all
    : sql`SELECT g.customer_id, g.cohort FROM (${all}) g WHERE ${segmentAt(sql.ref('g.customer_id'), to)} = ${segment}`;
};

async function cohortSizes(db: Kysely<any>, window: CohortWindow): Promise<Row[]> {
  const { from } = window;
  const query = sql<Row>`
    SELECT f.cohort AS cohort, COUNT(*) AS customers FROM (${firstMonths(window)}) f
    WHERE f.cohort >= ${monthOf(from)} GROUP BY f.cohort`;
  return (await query.execute(db)).rows;
}

/** Per cohort and later month: the cohort's customers who bought in it (a month label sorts as text: `YYYY-MM`). */
async function monthlyBuyers(db: Kysely<any>, window: CohortWindow): Promise<Row[]> {
  const { from, to } = window;
  const query = sql<Row>`
    SELECT f.cohort AS cohort, o.month AS month, COUNT(DISTINCT o.customer_id) AS customers
    FROM orders o JOIN (${firstMonths(window)}) f ON f.customer_id = o.customer_id
    WHERE o.time < ${to} AND f.cohort >= ${monthOf(from)} AND o.month > f.cohort
    GROUP BY f.cohort, o.month`;
  return (await query.execute(db)).rows;
}

/** `YYYY-MM` to a month count (consecutive months, consecutive integers) and back. */
const monthIndex = (label: string): number => Number(label.slice(0, 4)) * 12 + Number(label.slice(5, 7)) - 1;
const monthLabel = (index: number): string =>
  `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;

function cohortRow(cohort: string, size: number, lastMonth: number, buyers: Map<string, number>): Cohort {
  const months: CohortMonth[] = [];
  for (let month = monthIndex(cohort) + 1; month <= lastMonth; month++) {
    const label = monthLabel(month);
    const customers = buyers.get(`${cohort} ${label}`) ?? 0;
    months.push({ month: label, offset: month - monthIndex(cohort), customers, percent: roundRatio(100 * customers, size, 1) });
  }
  return { cohort, customers: size, months };
}

/** The two statements read one snapshot; on PostgreSQL the monthly buyers `beside` the cohorts' sizes. */
export async function cohortReportInSql(read: SnapshotRead, window: CohortWindow): Promise<CohortReport> {
  const { from, to } = window;
  if (from === to) return { from, to, cohorts: [] };
  const [buyerRows, sizes] = await inLanes(read, [(db) => monthlyBuyers(db, window), (db) => cohortSizes(db, window)]);
  const buyers = new Map(buyerRows.map((r) => [`${String(r.cohort)} ${String(r.month)}`, Number(r.customers)]));
  const lastMonth = monthIndex(monthOf(to - 1));
  const cohorts = sizes
    .map((r) => ({ cohort: r.cohort as string, size: Number(r.customers) }))
    .sort((a, b) => (a.cohort < b.cohort ? -1 : a.cohort > b.cohort ? 1 : 0));
  return { from, to, cohorts: cohorts.map((c) => cohortRow(c.cohort, c.size, lastMonth, buyers)) };
}

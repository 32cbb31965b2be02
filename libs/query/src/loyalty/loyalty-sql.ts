import { Kysely, RawBuilder, sql } from 'kysely';
import type { LoyaltyGroupBy } from '@cx/views';

/**
 * The loyalty report's aggregates, in SQL over the loyalty fact tables (docs/read-models.md).
 * Every query returns exact integer counts and sums per group; the report rounds them in
 * TypeScript with the pure `roundRatio`, so SQLite and PostgreSQL give the same numbers as the
 * reference whatever their division and rounding rules.
 */

export interface Window {
  from: number;
  to: number;
}

/** What a fact row groups by: a column of the row, or the customer's segment at `to`. */
export type KeySource = { column: string } | 'segment';

/** A grouping of one query: none (the whole window) or a key expression named `grp`. */
interface Grouping {
  select: RawBuilder<unknown>;
  groupBy: RawBuilder<unknown>;
}

/**
 * The customer's latest segment from its profile updates with `time < to` (SPEC §2.2 "at `to`").
 * A correlated lookup on the (customer_id, time, position) index: one index probe per fact row,
 * whatever the planner knows about the tables (a window-function join was planned as a nested
 * loop on PostgreSQL tables not analyzed yet).
 */
const segmentAt = (to: number) => sql`(
  SELECT s.segment FROM customer_segments s
  WHERE s.customer_id = f.customer_id AND s.time < ${to}
  ORDER BY s.time DESC, s.position DESC LIMIT 1
)`;

/** Missing keys group as 'unknown', as in the pure report. */
export function grouping(key: KeySource | null, to: number): Grouping {
  const none = sql``;
  if (key === null) return { select: none, groupBy: none };
  const expression = key === 'segment' ? segmentAt(to) : sql.ref(`f.${key.column}`);
  return { select: sql`COALESCE(${expression}, 'unknown') AS grp,`, groupBy: sql`GROUP BY grp` };
}

const inWindow = (column: string, { from, to }: Window) => sql`${sql.ref(column)} >= ${from} AND ${sql.ref(column)} < ${to}`;

/** Rows of one query: `grp` is absent without grouping; numbers may come back as strings (PostgreSQL bigint/numeric). */
export type Row = Record<string, unknown> & { grp?: string };

async function rows(db: Kysely<any>, query: RawBuilder<Row>): Promise<Row[]> {
  return (await query.execute(db)).rows;
}

export function surveyCounts(db: Kysely<any>, window: Window, key: KeySource | null): Promise<Row[]> {
  const g = grouping(key, window.to);
  return rows(
    db,
    sql<Row>`
    SELECT ${g.select} f.survey AS survey, COUNT(*) AS responses,
      SUM(CASE WHEN f.score >= 9 THEN 1 ELSE 0 END) AS promoters,
      SUM(CASE WHEN f.score <= 6 THEN 1 ELSE 0 END) AS detractors,
      SUM(CASE WHEN f.score >= 4 THEN 1 ELSE 0 END) AS satisfied,
      SUM(f.score) AS total
    FROM survey_answers f
    WHERE ${inWindow('f.time', window)}
    ${key === null ? sql`GROUP BY f.survey` : sql`GROUP BY grp, f.survey`}`,
  );
}

/** Orders, customers and repeat customers (2+ orders in the group) per group. */
export function purchaseCounts(db: Kysely<any>, window: Window, key: KeySource | null): Promise<Row[]> {
  const g = grouping(key, window.to);
  const perCustomer = sql`
    SELECT ${g.select} f.customer_id, COUNT(*) AS n
    FROM orders f
    WHERE ${inWindow('f.time', window)}
    ${key === null ? sql`GROUP BY f.customer_id` : sql`GROUP BY grp, f.customer_id`}`;
  return rows(
    db,
    sql<Row>`
    SELECT ${key === null ? sql`` : sql`grp,`} COUNT(*) AS customers, SUM(n) AS orders, SUM(CASE WHEN n >= 2 THEN 1 ELSE 0 END) AS repeaters
    FROM (${perCustomer}) per_customer
    ${key === null ? sql`` : sql`GROUP BY grp`}`,
  );
}

export function revenue(db: Kysely<any>, window: Window, key: KeySource | null): Promise<Row[]> {
  const g = grouping(key, window.to);
  return rows(
    db,
    sql<Row>`
    SELECT ${g.select} f.currency AS currency, SUM(f.amount_minor) AS total
    FROM orders f
    WHERE ${inWindow('f.time', window)}
    ${key === null ? sql`GROUP BY f.currency` : sql`GROUP BY grp, f.currency`}`,
  );
}

export function referralCounts(db: Kysely<any>, window: Window, key: KeySource | null): Promise<Row[]> {
  const g = grouping(key, window.to);
  return rows(
    db,
    sql<Row>`
    SELECT ${g.select} COUNT(*) AS n
    FROM referrals f
    WHERE ${inWindow('f.time', window)}
    ${g.groupBy}`,
  );
}

/** The version of each case folded from its events before `to` (see LoyaltyCaseFactsTable). */
const caseAtTo = (to: number) => sql`f.since < ${to} AND (f.until IS NULL OR f.until >= ${to})`;

/** Cases opened in the window, as they stood at `to`. */
export function openedCases(db: Kysely<any>, window: Window, key: KeySource | null): Promise<Row[]> {
  const g = grouping(key, window.to);
  return rows(
    db,
    sql<Row>`
    SELECT ${g.select} COUNT(*) AS n
    FROM loyalty_case_facts f
    WHERE ${caseAtTo(window.to)} AND ${inWindow('f.opened_at', window)}
    ${g.groupBy}`,
  );
}

/**
 * Cases last resolved in the window and not reopened at `to`; first-contact ones (no handoff,
 * no reopen); and the exact milliseconds from opening to last resolution of those that have
 * both in that order (an orphan has no opening to time from).
 */
export function resolvedCases(db: Kysely<any>, window: Window, key: KeySource | null): Promise<Row[]> {
  const g = grouping(key, window.to);
  const timed = sql`f.opened_at IS NOT NULL AND f.last_resolved_at >= f.opened_at`;
  return rows(
    db,
    sql<Row>`
    SELECT ${g.select} COUNT(*) AS n,
      SUM(CASE WHEN f.handoffs = 0 AND f.reopens = 0 THEN 1 ELSE 0 END) AS first_contact,
      SUM(CASE WHEN ${timed} THEN 1 ELSE 0 END) AS timed,
      SUM(CASE WHEN ${timed} THEN f.last_resolved_at - f.opened_at ELSE 0 END) AS total_ms
    FROM loyalty_case_facts f
    WHERE ${caseAtTo(window.to)} AND f.resolved = 1 AND ${inWindow('f.last_resolved_at', window)}
    ${g.groupBy}`,
  );
}

/** Where each block's facts take their group key from (SPEC §2.2; null: the block has no key). */
export interface BlockKeys {
  surveys: KeySource | null;
  orders: KeySource | null;
  referrals: KeySource | null;
  churn: KeySource | null;
  opened: KeySource | null;
  resolved: KeySource | null;
}

export function blockKeys(groupBy: LoyaltyGroupBy): BlockKeys {
  switch (groupBy) {
    case 'channel':
      return {
        surveys: { column: 'channel' },
        orders: { column: 'channel' },
        referrals: { column: 'channel' },
        churn: null,
        opened: { column: 'channel' },
        resolved: { column: 'channel' },
      };
    case 'team':
      return {
        surveys: { column: 'team' },
        orders: null,
        referrals: null,
        churn: null,
        opened: { column: 'open_team' },
        resolved: { column: 'resolved_team' },
      };
    case 'segment':
      return { surveys: 'segment', orders: 'segment', referrals: 'segment', churn: 'segment', opened: 'segment', resolved: 'segment' };
  }
}

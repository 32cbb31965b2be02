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

/**
 * The latest segment from the profile updates of the customer in `customer` with `time < to`
 * (SPEC §2.2 "at `to`"), 'unknown' without one: a correlated lookup on the (customer_id, time,
 * position) index, one index probe per row it is evaluated for. It is evaluated once per
 * customer (see `bySegment`), never per fact row: a customer with many facts in the window
 * costs one probe, and no probe reads more of the history than its own index range.
 */
export const segmentAt = (customer: RawBuilder<unknown>, to: number) => sql`COALESCE((
  SELECT s.segment FROM customer_segments s
  WHERE s.customer_id = ${customer} AND s.time < ${to}
  ORDER BY s.time DESC, s.position DESC LIMIT 1
), 'unknown')`;

/**
 * `<key of row f> AS grp,` for a select list, or nothing without grouping. Missing keys group
 * as 'unknown', as in the pure report. By segment only for rows that stand for one customer
 * each (a `GROUP BY f.customer_id` group, a buyer), so the segment is looked up once per customer.
 */
export function groupKey(key: KeySource | null, to: number): RawBuilder<unknown> {
  if (key === null) return sql``;
  const expression = key === 'segment' ? segmentAt(sql.ref('f.customer_id'), to) : sql`COALESCE(${sql.ref(`f.${key.column}`)}, 'unknown')`;
  return sql`${expression} AS grp,`;
}

const inWindow = (column: string, { from, to }: Window) => sql`${sql.ref(column)} >= ${from} AND ${sql.ref(column)} < ${to}`;

/** Rows of one query: `grp` is absent without grouping; numbers may come back as strings (PostgreSQL bigint/numeric). */
export type Row = Record<string, unknown> & { grp?: string };

async function rows(db: Kysely<any>, query: RawBuilder<Row>): Promise<Row[]> {
  return (await query.execute(db)).rows;
}

/** Additive aggregates of fact rows `f` (COUNT and SUM only), split by `columns` of `f` and by a group key. */
interface Aggregate {
  /** `FROM <table> f WHERE ...`: the fact rows counted. */
  facts: RawBuilder<unknown>;
  columns: readonly string[];
  /** Name → aggregate expression over `f`. */
  sums: Readonly<Record<string, RawBuilder<unknown>>>;
}

const refs = (alias: string, columns: readonly string[]) => columns.map((column) => sql.ref(`${alias}.${column}`));
const selected = (alias: string, columns: readonly string[]) => (columns.length === 0 ? sql`` : sql`${sql.join(refs(alias, columns))},`);
const totals = (sums: Aggregate['sums'], of: (name: string, expression: RawBuilder<unknown>) => RawBuilder<unknown>) =>
  sql.join(Object.entries(sums).map(([name, expression]) => sql`${of(name, expression)} AS ${sql.ref(name)}`));

/** Without grouping or by a column of the fact rows: one GROUP BY over them. */
function byColumn({ facts, columns, sums }: Aggregate, key: { column: string } | null, to: number): RawBuilder<Row> {
  const groups = [...(key === null ? [] : [sql.ref('grp')]), ...refs('f', columns)];
  const groupBy = groups.length === 0 ? sql`` : sql`GROUP BY ${sql.join(groups)}`;
  return sql<Row>`SELECT ${groupKey(key, to)} ${selected('f', columns)} ${totals(sums, (_, e) => e)} ${facts} ${groupBy}`;
}

/**
 * By segment: the facts summed per customer first, with the customer's segment looked up once
 * per customer (in customer order, so successive lookups read neighbouring index pages), then
 * those sums summed per segment (every aggregate is additive). The lookups follow the
 * customers with facts in the window, not their fact rows.
 */
function bySegment({ facts, columns, sums }: Aggregate, to: number): RawBuilder<Row> {
  const perCustomer = sql`SELECT ${groupKey('segment', to)} ${selected('f', columns)} ${totals(sums, (_, e) => e)} ${facts}
    GROUP BY ${sql.join([sql.ref('f.customer_id'), ...refs('f', columns)])}`;
  return sql<Row>`SELECT c.grp AS grp, ${selected('c', columns)} ${totals(sums, (name) => sql`SUM(${sql.ref(`c.${name}`)})`)}
    FROM (${perCustomer}) c GROUP BY ${sql.join([sql.ref('c.grp'), ...refs('c', columns)])}`;
}

/** One query of a block, grouped by `key`. */
const aggregate = (db: Kysely<any>, query: Aggregate, key: KeySource | null, to: number): Promise<Row[]> =>
  rows(db, key === 'segment' ? bySegment(query, to) : byColumn(query, key, to));

export function surveyCounts(db: Kysely<any>, window: Window, key: KeySource | null): Promise<Row[]> {
  const sums = {
    responses: sql`COUNT(*)`,
    promoters: sql`SUM(CASE WHEN f.score >= 9 THEN 1 ELSE 0 END)`,
    detractors: sql`SUM(CASE WHEN f.score <= 6 THEN 1 ELSE 0 END)`,
    satisfied: sql`SUM(CASE WHEN f.score >= 4 THEN 1 ELSE 0 END)`,
    total: sql`SUM(f.score)`,
  };
  return aggregate(
    db,
    { facts: sql`FROM survey_answers f WHERE ${inWindow('f.time', window)}`, columns: ['survey'], sums },
    key,
    window.to,
  );
}

/**
 * Orders, customers and repeat customers (2+ orders in the group) per group, from one row per
 * customer (and key): by segment, the key is evaluated once per customer's row.
 */
export function purchaseCounts(db: Kysely<any>, window: Window, key: KeySource | null): Promise<Row[]> {
  const perCustomer = sql`
    SELECT ${groupKey(key, window.to)} f.customer_id, COUNT(*) AS n
    FROM orders f
    WHERE ${inWindow('f.time', window)}
    ${key === null || key === 'segment' ? sql`GROUP BY f.customer_id` : sql`GROUP BY grp, f.customer_id`}`;
  return rows(
    db,
    sql<Row>`
    SELECT ${key === null ? sql`` : sql`grp,`} COUNT(*) AS customers, SUM(n) AS orders, SUM(CASE WHEN n >= 2 THEN 1 ELSE 0 END) AS repeaters
    FROM (${perCustomer}) per_customer
    ${key === null ? sql`` : sql`GROUP BY grp`}`,
  );
}

export function revenue(db: Kysely<any>, window: Window, key: KeySource | null): Promise<Row[]> {
  const facts = sql`FROM orders f WHERE ${inWindow('f.time', window)}`;
  return aggregate(db, { facts, columns: ['currency'], sums: { total: sql`SUM(f.amount_minor)` } }, key, window.to);
}

export function referralCounts(db: Kysely<any>, window: Window, key: KeySource | null): Promise<Row[]> {
  const facts = sql`FROM referrals f WHERE ${inWindow('f.time', window)}`;
  return aggregate(db, { facts, columns: [], sums: { n: sql`COUNT(*)` } }, key, window.to);
}

/** The version of each case folded from its events before `to` (see LoyaltyCaseFactsTable). */
const caseAtTo = (to: number) => sql`f.since < ${to} AND (f.until IS NULL OR f.until >= ${to})`;

/** Cases opened in the window, as they stood at `to`. */
export function openedCases(db: Kysely<any>, window: Window, key: KeySource | null): Promise<Row[]> {
  const facts = sql`FROM loyalty_case_facts f WHERE ${caseAtTo(window.to)} AND ${inWindow('f.opened_at', window)}`;
  return aggregate(db, { facts, columns: [], sums: { n: sql`COUNT(*)` } }, key, window.to);
}

/**
 * Cases last resolved in the window and not reopened at `to`; first-contact ones (no handoff,
 * no reopen); and the exact milliseconds from opening to last resolution of those that have
 * both in that order (an orphan has no opening to time from).
 */
export function resolvedCases(db: Kysely<any>, window: Window, key: KeySource | null): Promise<Row[]> {
  const timed = sql`f.opened_at IS NOT NULL AND f.last_resolved_at >= f.opened_at`;
  const facts = sql`FROM loyalty_case_facts f WHERE ${caseAtTo(window.to)} AND f.resolved = 1 AND ${inWindow('f.last_resolved_at', window)}`;
  const sums = {
    n: sql`COUNT(*)`,
    first_contact: sql`SUM(CASE WHEN f.handoffs = 0 AND f.reopens = 0 THEN 1 ELSE 0 END)`,
    timed: sql`SUM(CASE WHEN ${timed} THEN 1 ELSE 0 END)`,
    total_ms: sql`SUM(CASE WHEN ${timed} THEN f.last_resolved_at - f.opened_at ELSE 0 END)`,
  };
  return aggregate(db, { facts, columns: [], sums }, key, window.to);
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

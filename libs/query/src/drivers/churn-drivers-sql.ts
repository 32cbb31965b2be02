import { Kysely, sql, type RawBuilder } from 'kysely';
import { CHANNELS } from '@cx/events';
import type { ViewDialect } from '@cx/projection';
import type { Thresholds } from '@cx/settings';
import {
  CASE_ATTRIBUTES,
  channelAttribute,
  FOLLOW_UP_SIGNALS,
  FOLLOWED_UP_ALERT,
  SLOW_RESOLUTION_MS,
  UNOWNED_LIMIT_MS,
  type DriverAttribute,
  type DriverGroupBy,
  type DriverTallies,
  type Tally,
} from '@cx/views';
import { boundaryChurnCustomers, churnCustomerRows, countedCustomers, type ChurnCustomer } from '../loyalty/churn-sql';
import { segmentOf, tierRows } from './value-tier-sql';

/**
 * The churn outcome of SPEC §2.5 in SQL: the churn block's customers (SPEC §2.2) split by the
 * attributes they had over the window [from, until), tallied in one statement. The case rows of
 * the drivers projection hold every time a rule needs (acceptances, request closures, unowned
 * stretches, resolutions), so each attribute is a range query over the window; the customer of
 * a case is the one of its opening when the opening came before `until`, else of its first event.
 *
 * The parts meet by `UNION ALL` and `GROUP BY` key (case, then customer), with each part's own
 * columns and 0 in the others, never by joins: joined, SQLite scanned a whole part once per
 * customer at the window's start (tens of seconds at 1,000,000 events) and read stalled requests
 * and unowned stretches in key order instead of the window's index range. Only the tallies per
 * group come back, not a row per customer.
 */

export interface ChurnQuery {
  dialect: ViewDialect;
  from: number;
  until: number;
  groupBy: DriverGroupBy | null;
  currency: string | null;
  slaMs: number;
  followUpSlaMs: number;
}

/** Named columns of a union: each branch gives some, the others are 0 (or NULL for text). */
type Columns = Readonly<Record<string, RawBuilder<unknown>>>;

const branch = (key: string, names: readonly string[], given: Columns, from: RawBuilder<unknown>) =>
  sql`SELECT ${sql.raw(key)} AS k, ${sql.join(names.map((name) => sql`${given[name] ?? sql`0`} AS ${sql.ref(name)}`))} ${from}`;

const CASE_COLUMNS = ['in_window', 'complaint', 'handoff', 'ping_pong', 'stalled', 'unowned_ms', 'resolved', 'first_contact', 'slow'];

/**
 * The cases of the window: started before its end, and not resolved for good before its start.
 * A case resolved now ended at or after its last resolution before `from`, so `ended_at` (open, or
 * from `from` on) is the range to read, on the index that holds every column read here. The
 * customer is a text column, given by this branch only (NULL in the others).
 */
const casesInWindow = ({ from, until }: ChurnQuery) => {
  const customer = sql`CASE WHEN c.opened_at IS NOT NULL AND c.opened_at < ${until} THEN c.customer_id ELSE c.first_customer_id END`;
  return branch(
    'c.case_id',
    CASE_COLUMNS,
    {
      in_window: sql`1`,
      complaint: sql`CASE WHEN c.complaint = 1 AND c.opened_at IS NOT NULL AND c.opened_at < ${until} THEN 1 ELSE 0 END`,
    },
    sql`, ${customer} AS customer_id
    FROM driver_cases c
    WHERE (c.ended_at IS NULL OR c.ended_at >= ${from}) AND c.started_at < ${until} AND ${atStart(customer)}
      AND NOT EXISTS (
        SELECT 1 FROM driver_case_resolutions r
        WHERE r.case_id = c.case_id AND r.resolved_at < ${from} AND (r.reopened_at IS NULL OR r.reopened_at >= ${until}))`,
  );
};

const noCustomer = sql`, NULL AS customer_id`;

/**
 * Whether a customer is one at the window's start (the statement's `at_start`). Only their rows
 * are gathered: a case open for years, or the contacts of customers already churned, fall in
 * every window but count for nobody in it.
 */
function atStart(customer: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`${customer} IN (SELECT s.customer_id FROM at_start s)`;
}

/** The handoffs accepted in the window, each with whether it was a ping-pong. */
const handoffsInWindow = ({ from, until }: ChurnQuery) =>
  branch(
    'h.case_id',
    CASE_COLUMNS,
    { handoff: sql`1`, ping_pong: sql`h.ping_pong` },
    sql`${noCustomer} FROM driver_case_handoffs h WHERE h.accepted_at >= ${from} AND h.accepted_at < ${until}`,
  );

/**
 * Requests stalled at some instant x of the window: pending at x (closed after x, as known
 * before `until`) and x − requested_at > SLA, i.e. x in [requested_at + SLA + 1, closed_at − 1]
 * ∩ [from, until − 1]. Such a request was closed after `from` or is pending: that range of the
 * (closed_at, requested_at, case_id) index is read, not every request before `until`. An empty
 * window has no instant, so no stalled request.
 */
const stalledInWindow = ({ from, until, slaMs }: ChurnQuery) =>
  branch(
    'h.case_id',
    CASE_COLUMNS,
    { stalled: sql`1` },
    sql`${noCustomer} FROM driver_case_handoffs h
    WHERE ${from < until ? sql`1 = 1` : sql`1 = 0`} AND (h.closed_at IS NULL OR h.closed_at > ${from})
      AND h.requested_at IS NOT NULL AND h.requested_at + ${slaMs + 1} <= ${until - 1}
      AND (h.closed_at IS NULL OR h.closed_at >= ${until}
        OR (h.closed_at - 1 >= ${from} AND h.closed_at - 1 >= h.requested_at + ${slaMs + 1}))`,
  );

/**
 * Unowned stretches running or ended after `from` (a range of the (ended_at, started_at,
 * case_id) index), each clipped to the window (a stretch running at `until` runs to it).
 */
const unownedInWindow = ({ from, until }: ChurnQuery) =>
  branch(
    'u.case_id',
    CASE_COLUMNS,
    {
      unowned_ms: sql`CASE WHEN u.ended_at IS NULL OR u.ended_at > ${until} THEN ${until} ELSE u.ended_at END
        - CASE WHEN u.started_at > ${from} THEN u.started_at ELSE ${from} END`,
    },
    sql`${noCustomer} FROM driver_case_unowned u WHERE (u.ended_at IS NULL OR u.ended_at > ${from}) AND u.started_at < ${until}`,
  );

/** The resolution in the window that holds (last resolved in it, not reopened before `until`): first contact, and slow. */
const resolvedInWindow = ({ from, until }: ChurnQuery) =>
  branch(
    'r.case_id',
    CASE_COLUMNS,
    {
      resolved: sql`1`,
      first_contact: sql`r.first_contact`,
      slow: sql`CASE WHEN r.opened_at IS NOT NULL AND r.resolved_at - r.opened_at > ${SLOW_RESOLUTION_MS} THEN 1 ELSE 0 END`,
    },
    sql`${noCustomer} FROM driver_case_resolutions r
    WHERE r.resolved_at >= ${from} AND r.resolved_at < ${until} AND (r.reopened_at IS NULL OR r.reopened_at >= ${until})`,
  );

/** Per case of the window, its customer and its attributes (the rules of @cx/views `caseAttributes`). */
const windowCases = (query: ChurnQuery) => sql`
  SELECT MAX(p.customer_id) AS customer_id, MAX(p.complaint) AS complaint, MAX(p.handoff) AS handoff, MAX(p.ping_pong) AS ping_pong,
    MAX(p.stalled) AS stalled, CASE WHEN SUM(p.unowned_ms) > ${UNOWNED_LIMIT_MS} THEN 1 ELSE 0 END AS unowned,
    MAX(p.resolved) AS resolved, MAX(p.first_contact) AS first_contact, MAX(p.slow) AS slow
  FROM (
    ${casesInWindow(query)} UNION ALL ${handoffsInWindow(query)} UNION ALL ${stalledInWindow(query)}
    UNION ALL ${unownedInWindow(query)} UNION ALL ${resolvedInWindow(query)}
  ) p
  GROUP BY p.k HAVING MAX(p.in_window) = 1`;

/** Customer columns: at the start (`counted`), churned, resolutions and first-contact ones, and a flag per attribute (a<i>); the tier is a text column of its own. */
const flagName = (i: number) => `a${i}`;

/** Each attribute's flag in the customer branch that gives it, in the report's attribute order. */
const ATTRIBUTES: ReadonlyArray<[DriverAttribute, string]> = [
  ...CASE_ATTRIBUTES.map((attribute, i): [DriverAttribute, string] => [attribute, flagName(i)]),
  [FOLLOWED_UP_ALERT, flagName(CASE_ATTRIBUTES.length)],
  ...CHANNELS.map((channel, i): [DriverAttribute, string] => [channelAttribute(channel), flagName(CASE_ATTRIBUTES.length + 1 + i)]),
];
const flagOf = new Map(ATTRIBUTES);
const flag = (attribute: DriverAttribute) => flagOf.get(attribute) as string;

const CUSTOMER_COLUMNS = ['counted', 'churned', 'resolved', 'first_contact', ...ATTRIBUTES.map(([, name]) => name)];

const customerBranch = (given: Columns, tier: RawBuilder<unknown>, from: RawBuilder<unknown>) =>
  branch('x.customer_id', CUSTOMER_COLUMNS, given, sql`, ${tier} AS tier ${from}`);

/** The customers' case attributes: one row per customer and case of the window. */
const caseFlags = (query: ChurnQuery) =>
  customerBranch(
    {
      [flag('hadCase')]: sql`1`,
      [flag('hadComplaint')]: sql`x.complaint`,
      [flag('hadHandoff')]: sql`x.handoff`,
      [flag('hadPingPong')]: sql`x.ping_pong`,
      [flag('hadStalledHandoff')]: sql`x.stalled`,
      [flag('unownedOver4h')]: sql`x.unowned`,
      [flag('slowResolution')]: sql`x.slow`,
      // `firstContactResolution`: every resolution of the window at first contact, and one at least.
      resolved: sql`x.resolved`,
      first_contact: sql`x.first_contact`,
    },
    sql`NULL`,
    sql`FROM (${windowCases(query)}) x`,
  );

/** The customers' contacts in the window, a flag for the channel of each. */
const contactFlags = ({ from, until }: ChurnQuery) =>
  customerBranch(
    Object.fromEntries(
      CHANNELS.map((channel) => [flag(channelAttribute(channel)), sql`CASE WHEN x.channel = ${channel} THEN 1 ELSE 0 END`]),
    ),
    sql`NULL`,
    sql`FROM driver_contacts x WHERE x.time >= ${from} AND x.time < ${until} AND ${atStart(sql.ref('x.customer_id'))}`,
  );

/**
 * `detractor` or `at_risk` alerts followed up in the window, within the follow-up SLA, of the
 * customers at the start: per customer, a seek of the alerts' (customer_id, followed_up_at)
 * index over the window (on SQLite and PostgreSQL alike). The signal and raise conditions are
 * written so no index can serve them (a CASE, `+ 0`): without statistics SQLite preferred the
 * (signal, raised_at) index, which holds every alert of those signals ever raised (a read that
 * grew with the history: 40 → 145 ms at 1,000,000 events, and 77 of 425 ms with a fixed one).
 */
const followUpFlags = ({ from, until, followUpSlaMs }: ChurnQuery) =>
  customerBranch(
    { [flag(FOLLOWED_UP_ALERT)]: sql`1` },
    sql`NULL`,
    sql`FROM alerts x
    WHERE x.followed_up_at >= ${from} AND x.followed_up_at < ${until}
      AND CASE WHEN x.signal IN (${sql.join(FOLLOW_UP_SIGNALS)}) THEN 1 ELSE 0 END = 1
      AND x.raised_at + 0 < ${until} AND x.followed_up_at - x.raised_at <= ${followUpSlaMs}
      AND ${atStart(sql.ref('x.customer_id'))}`,
  );

/** The customers at the start, with whether each churned. */
const countedFlags = () => customerBranch({ counted: sql`1`, churned: sql`x.churned` }, sql`NULL`, sql`FROM at_start x`);

/** The value tiers at `until` in the currency (valueTier grouping only). */
const tierFlags = (currency: string, until: number) =>
  customerBranch({}, sql`x.tier`, sql`FROM (${tierRows(currency, until)}) x WHERE ${atStart(sql.ref('x.customer_id'))}`);

/** The group of a customer `c` (a row of `perCustomer`): '' without grouping, its segment at `until`, or its value tier. */
function groupOf(query: ChurnQuery): RawBuilder<unknown> {
  if (query.groupBy === 'segment') return segmentOf(sql.ref('c.customer_id'), query.until);
  if (query.groupBy === 'valueTier') return sql`COALESCE(c.tier, 'none')`;
  return sql`''`;
}

/** Per customer at the start (`at_start`): churned, tier, and each attribute as 1 or 0. */
function perCustomer(query: ChurnQuery): RawBuilder<unknown> {
  const branches = [countedFlags(), caseFlags(query), contactFlags(query), followUpFlags(query)];
  if (query.groupBy === 'valueTier' && query.currency !== null) branches.push(tierFlags(query.currency, query.until));
  const fcr = flag('firstContactResolution');
  const attributes = ATTRIBUTES.map(([, name]) =>
    name === fcr
      ? sql`CASE WHEN SUM(u.resolved) > 0 AND SUM(u.first_contact) = SUM(u.resolved) THEN 1 ELSE 0 END AS ${sql.ref(name)}`
      : sql`MAX(u.${sql.ref(name)}) AS ${sql.ref(name)}`,
  );
  return sql`
    SELECT u.k AS customer_id, MAX(u.churned) AS churned, MAX(u.tier) AS tier, ${sql.join(attributes)}
    FROM (${sql.join(branches, sql` UNION ALL `)}) u
    GROUP BY u.k HAVING MAX(u.counted) = 1`;
}

type Row = Record<string, string | number | null> & { grp: string };

/**
 * Per group, the customers and churned ones, in all and with each attribute (flag a<i> is c<i>/p<i>).
 *
 * PostgreSQL reads `at_start` as 200 distinct customers (its guess for a CTE), so it probed the
 * contacts and the follow-ups once per customer at the start (25,316 at 1,000,000 events) where
 * one read of the window's rows, hashed against the customers, takes a fifth of the time
 * (contacts 135 → 30 ms). Nested loops are off for this statement only (the last of the
 * report's transaction): its per-customer probes are subqueries, which the setting leaves alone,
 * while the boundary customers' look-ups before it are seeks that a hash join would make scans.
 */
async function talliesOf(db: Kysely<any>, atStart: RawBuilder<unknown>, query: ChurnQuery): Promise<Map<string, DriverTallies>> {
  const sums = sql.join(
    ATTRIBUTES.map(
      ([, name], i) => sql`SUM(g.${sql.ref(name)}) AS ${sql.ref(`c${i}`)}, SUM(g.${sql.ref(name)} * g.churned) AS ${sql.ref(`p${i}`)}`,
    ),
  );
  if (query.dialect === 'postgres') await sql`SET LOCAL enable_nestloop = off`.execute(db);
  const { rows } = await sql<Row>`
    WITH ${countedCustomers({ from: query.from, to: query.until })}, at_start AS MATERIALIZED (${atStart})
    SELECT g.grp, COUNT(*) AS n, SUM(g.churned) AS p, ${sums}
    FROM (SELECT ${groupOf(query)} AS grp, c.* FROM (${perCustomer(query)}) c) g
    GROUP BY g.grp`.execute(db);
  const tally = (c: unknown, p: unknown): Tally => ({ count: Number(c ?? 0), points: Number(p ?? 0) });
  return new Map(
    rows.map((row) => [
      row.grp,
      { overall: tally(row.n, row.p), with: new Map(ATTRIBUTES.map(([attribute], i) => [attribute, tally(row[`c${i}`], row[`p${i}`])])) },
    ]),
  );
}

/**
 * The boundary customers as rows of their own (VALUES columns are column1, column2 in SQLite and
 * PostgreSQL alike; `churned` a literal, as PostgreSQL would take a parameter there for text).
 */
const boundaryRowsOf = (customers: readonly ChurnCustomer[]) =>
  sql`SELECT v.column1 AS customer_id, v.column2 AS churned FROM (VALUES ${sql.join(
    customers.map(({ customerId, churned }) => sql`(${customerId}, ${sql.lit(churned ? 1 : 0)})`),
  )}) v`;

/**
 * Tallies per group ('' without grouping) of the customers at start: 1 point each that churned.
 * The customers with an event at the window's very edges (the boundary customers of the churn
 * block, never among those counted in SQL) are judged in code first and join the others as a
 * list of their own, so the window is read once.
 */
export async function churnTallies(db: Kysely<any>, query: ChurnQuery, thresholds: Thresholds): Promise<Map<string, DriverTallies>> {
  const window = { from: query.from, to: query.until };
  const boundary = await boundaryChurnCustomers(db, window, thresholds);
  const counted = churnCustomerRows(window);
  return talliesOf(db, boundary.length === 0 ? counted : sql`${counted} UNION ALL ${boundaryRowsOf(boundary)}`, query);
}

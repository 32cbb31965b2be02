import { Kysely, sql, type RawBuilder } from 'kysely';
import type { Channel } from '@cx/events';
import type { SnapshotRead, ViewDialect } from '@cx/projection';
import type { Thresholds } from '@cx/settings';
import {
  CASE_ATTRIBUTES,
  channelAttribute,
  DRIVER_ATTRIBUTES,
  FOLLOW_UP_SIGNALS,
  FOLLOWED_UP_ALERT,
  SLOW_RESOLUTION_MS,
  UNOWNED_LIMIT_MS,
  type CaseAttribute,
  type DriverAttribute,
  type DriverGroupBy,
  type DriverTallies,
  type Tally,
} from '@cx/views';
import {
  boundaryChurnCustomers,
  buyerReading,
  churnCustomerRows,
  countedCustomers,
  type BuyerReading,
  type ChurnCustomer,
} from '../loyalty/churn-sql';
import { segmentOf, tierOf, valueTierTables } from './value-tier-sql';
import { inLanes } from '../report-snapshot';

/**
 * The churn outcome of SPEC §2.5 in SQL: the churn block's customers (SPEC §2.2) split by the
 * attributes they had over the window [from, until), tallied in one statement.
 *
 * A case of the window is read from one row of `driver_cases` when the projection kept it
 * whole (`whole_*`, @cx/views `wholeCase`): a window holding all its instants sees the whole
 * case, and one starting after an open case went quiet sees it dormant (its customer and
 * opening only). Only the others (open across the window's start or end, or with something
 * still running) have their handoffs, stretches and resolutions read, per case. Each source is
 * then tallied per group apart (cases per customer, distinct customers per channel, followed-up
 * customers) against the customers at the start: never one wide row per customer and source,
 * whose grouping cost most of the statement.
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

/** A query over live views that keep whole cases, or not (`keepsWholeCases`), and first orders, or not (`buyerReading`). */
type CasesQuery = ChurnQuery & { wholeCases: boolean; buyers: BuyerReading };

/** The case `c` is kept whole and the window holds all its instants. */
const heldWhole = ({ from, until }: CasesQuery) => sql`(c.whole_from >= ${from} AND c.whole_to < ${until})`;

/** The case `c` is open, kept whole, and quiet since before the window. */
const dormant = ({ from }: CasesQuery) => sql`(c.ended_at IS NULL AND c.whole_to < ${from})`;

/** A case attribute of `c` as 1 or 0: the kept one when held whole, 0 when dormant, else `exact` (an integer) from its own rows. */
const caseFlag = (query: CasesQuery, column: string, exact: RawBuilder<unknown>) =>
  !query.wholeCases
    ? exact
    : sql`CASE WHEN ${heldWhole(query)} THEN ${sql.ref(`c.${column}`)} WHEN ${dormant(query)} THEN 0 ELSE ${exact} END`;

const bit = (condition: RawBuilder<unknown>) => sql`CASE WHEN ${condition} THEN 1 ELSE 0 END`;

/**
 * Whether `rows` (a FROM clause with its WHERE, about the case `c`) has a row: a probe of the
 * case's own rows that stops at the first, asked only of the cases that need it. Written as
 * EXISTS, PostgreSQL hashed each instead: one read of every row of the window (all the window's
 * handoffs, and a scan of the whole table for stalled requests) for the 1,000 or so cases cut by
 * the window, 20 of the drivers' churn cases' 230 ms at 1,000,000 events.
 */
const hasRow = (rows: RawBuilder<unknown>) => sql`(SELECT 1 ${rows} LIMIT 1) IS NOT NULL`;

/** Handoffs of `c` accepted in the window. */
const acceptedInWindow = ({ from, until }: ChurnQuery, also: RawBuilder<unknown> = sql``) =>
  hasRow(sql`FROM driver_case_handoffs h WHERE h.case_id = c.case_id AND h.accepted_at >= ${from} AND h.accepted_at < ${until} ${also}`);

/**
 * A request of `c` stalled at some instant x of the window: pending at x (closed after x, as
 * known before `until`) and x − requested_at > SLA, i.e. x in [requested_at + SLA + 1,
 * closed_at − 1] ∩ [from, until − 1]. An empty window has no instant, so no stalled request.
 */
const stalledInWindow = ({ from, until, slaMs }: ChurnQuery) =>
  sql`${from < until ? sql`1 = 1` : sql`1 = 0`} AND ${hasRow(sql`
  FROM driver_case_handoffs h WHERE h.case_id = c.case_id AND (h.closed_at IS NULL OR h.closed_at > ${from})
    AND h.requested_at IS NOT NULL AND h.requested_at + ${slaMs + 1} <= ${until - 1}
    AND (h.closed_at IS NULL OR h.closed_at >= ${until}
      OR (h.closed_at - 1 >= ${from} AND h.closed_at - 1 >= h.requested_at + ${slaMs + 1}))`)}`;

/** The stretches of `c` without owner, each clipped to the window (one running at `until` runs to it), add up to more than the limit. */
const unownedInWindow = ({ from, until }: ChurnQuery) => sql`COALESCE((
  SELECT SUM(CASE WHEN u.ended_at IS NULL OR u.ended_at > ${until} THEN ${until} ELSE u.ended_at END
    - CASE WHEN u.started_at > ${from} THEN u.started_at ELSE ${from} END)
  FROM driver_case_unowned u WHERE u.case_id = c.case_id AND (u.ended_at IS NULL OR u.ended_at > ${from}) AND u.started_at < ${until}
), 0) > ${UNOWNED_LIMIT_MS}`;

/** The resolutions of `c` in the window that hold (not reopened before `until`), as a FROM clause. */
const resolutionsInWindow = ({ from, until }: ChurnQuery) =>
  sql`FROM driver_case_resolutions r WHERE r.case_id = c.case_id AND r.resolved_at >= ${from} AND r.resolved_at < ${until}
    AND (r.reopened_at IS NULL OR r.reopened_at >= ${until})`;

const slow = sql`CASE WHEN r.opened_at IS NOT NULL AND r.resolved_at - r.opened_at > ${SLOW_RESOLUTION_MS} THEN 1 ELSE 0 END`;

/**
 * The window's cases of the customers at the start, one row each with its customer and its
 * attributes (the rules of @cx/views `caseAttributes`): started before the window's end and
 * not resolved for good before its start (open now, or ended since `from`, is the index range
 * read). The customer is the opening's when it came before `until`, else the first event's.
 *
 * "Not resolved for good before the window" is a probe of the case's own resolutions, asked
 * only of the few cases neither held whole nor dormant (an OR stops at its first true). Written
 * as NOT EXISTS, PostgreSQL hashed it instead: a read of every resolution before the window
 * (69,000 at 1,000,000 events, a read that grew with the history) for about 1,000 cases that
 * needed it; the scalar probe took the window's cases from 105 to 50 ms.
 */
function windowCases(query: CasesQuery): RawBuilder<unknown> {
  const { from, until } = query;
  const customer = sql`CASE WHEN c.opened_at IS NOT NULL AND c.opened_at < ${until} THEN c.customer_id ELSE c.first_customer_id END`;
  const resolutions = resolutionsInWindow(query);
  return sql`SELECT w.* FROM (
    SELECT ${customer} AS customer_id,
      ${bit(sql`c.complaint = 1 AND c.opened_at IS NOT NULL AND c.opened_at < ${until}`)} AS complaint,
      ${caseFlag(query, 'whole_handoff', bit(acceptedInWindow(query)))} AS handoff,
      ${caseFlag(query, 'whole_ping_pong', bit(acceptedInWindow(query, sql`AND h.ping_pong = 1`)))} AS ping_pong,
      ${caseFlag(query, 'whole_stalled', bit(stalledInWindow(query)))} AS stalled,
      ${caseFlag(query, 'whole_unowned', bit(unownedInWindow(query)))} AS unowned,
      ${caseFlag(query, 'whole_resolved', bit(hasRow(resolutions)))} AS resolved,
      ${caseFlag(query, 'whole_first_contact', sql`COALESCE((SELECT MAX(r.first_contact) ${resolutions}), 0)`)} AS first_contact,
      ${caseFlag(query, 'whole_slow', sql`COALESCE((SELECT MAX(${slow}) ${resolutions}), 0)`)} AS slow
    FROM driver_cases c
    WHERE (c.ended_at IS NULL OR c.ended_at >= ${from}) AND c.started_at < ${until}
      AND (${query.wholeCases ? sql`(c.whole_to IS NOT NULL AND (${heldWhole(query)} OR ${dormant(query)})) OR` : sql``} (
        SELECT 1 FROM driver_case_resolutions r
        WHERE r.case_id = c.case_id AND r.resolved_at < ${from} AND (r.reopened_at IS NULL OR r.reopened_at >= ${until}) LIMIT 1) IS NULL)
  ) w WHERE w.customer_id IN (SELECT s.customer_id FROM at_start s)`;
}

/** Per customer with a case in the window, whether it had each case attribute (`firstContactResolution`: every resolution of the window at first contact, and one at least). */
const CASE_CUSTOMERS = sql`SELECT w.customer_id, MAX(w.complaint) AS complaint, MAX(w.handoff) AS handoff, MAX(w.ping_pong) AS ping_pong,
  MAX(w.stalled) AS stalled, MAX(w.unowned) AS unowned, MAX(w.slow) AS slow,
  CASE WHEN SUM(w.resolved) > 0 AND SUM(w.first_contact) = SUM(w.resolved) THEN 1 ELSE 0 END AS first_contact_resolution
  FROM window_cases w GROUP BY w.customer_id`;

/** Each case attribute's column of `case_customers` (`hadCase`: every customer there). */
const CASE_COLUMN: Readonly<Record<CaseAttribute, string | null>> = {
  hadCase: null,
  hadComplaint: 'complaint',
  hadHandoff: 'handoff',
  hadPingPong: 'ping_pong',
  hadStalledHandoff: 'stalled',
  unownedOver4h: 'unowned',
  firstContactResolution: 'first_contact_resolution',
  slowResolution: 'slow',
};

/** Per group, the customers and churned ones with each case attribute (n<i>, p<i>). */
const CASE_TALLIES = sql`SELECT s.grp, ${sql.join(
  CASE_ATTRIBUTES.map((attribute, i) => {
    const [n, p, column] = [sql.ref(`n${i}`), sql.ref(`p${i}`), CASE_COLUMN[attribute]];
    if (column === null) return sql`COUNT(*) AS ${n}, SUM(s.churned) AS ${p}`;
    return sql`SUM(x.${sql.ref(column)}) AS ${n}, SUM(x.${sql.ref(column)} * s.churned) AS ${p}`;
  }),
)} FROM case_customers x JOIN at_start s ON s.customer_id = x.customer_id GROUP BY s.grp`;

/**
 * The distinct customers at the start (`s`) with a row `x` of `joined` (at_start joined to the
 * attribute's rows), per group and attribute (`attribute`), and the churned ones.
 */
const distinctTallies = (
  attribute: RawBuilder<unknown>,
  joined: RawBuilder<unknown>,
  where: RawBuilder<unknown>,
  by: RawBuilder<unknown> = sql``,
) =>
  sql`SELECT s.grp, ${attribute} AS attribute, COUNT(DISTINCT x.customer_id) AS n,
    COUNT(DISTINCT CASE WHEN s.churned = 1 THEN x.customer_id END) AS p
  FROM ${joined} WHERE ${where} GROUP BY s.grp ${by}`;

/** `channel:`, the prefix of a channel's attribute. */
const CHANNEL_PREFIX = sql.lit(channelAttribute('' as Channel));

/**
 * The customers' contacts in the window, per channel: each customer at the start seeks its own
 * (the covering (customer_id, time, channel) index). SQLite keeps a CROSS JOIN's order; led by
 * the window's contacts instead, it probed the customers at the start for each contact (the
 * whole statement 184–195 → 171 ms at 1,000,000 events). PostgreSQL plans either order itself.
 */
const contactTallies = ({ from, until }: ChurnQuery) =>
  distinctTallies(
    sql`${CHANNEL_PREFIX} || x.channel`,
    sql`at_start s CROSS JOIN driver_contacts x`,
    sql`s.customer_id = x.customer_id AND x.time >= ${from} AND x.time < ${until}`,
    sql`, x.channel`,
  );

/**
 * `detractor` or `at_risk` alerts followed up in the window, within the follow-up SLA: a range
 * of the `alerts_by_followed_up_at` index, which holds the rest of what is asked. The signal and
 * raise conditions are written so no other index can serve them (a CASE, `+ 0`): without
 * statistics SQLite preferred the (signal, raised_at) index, which holds every alert of those
 * signals ever raised (a read that grew with the history).
 */
const followUpTallies = ({ from, until, followUpSlaMs }: ChurnQuery) =>
  distinctTallies(
    sql.lit(FOLLOWED_UP_ALERT),
    sql`alerts x JOIN at_start s ON s.customer_id = x.customer_id`,
    sql`x.followed_up_at >= ${from} AND x.followed_up_at < ${until}
      AND CASE WHEN x.signal IN (${sql.join(FOLLOW_UP_SIGNALS)}) THEN 1 ELSE 0 END = 1
      AND x.raised_at + 0 < ${until} AND x.followed_up_at - x.raised_at <= ${followUpSlaMs}`,
  );

/** The group of a customer `a` at the start: '' without grouping, its segment at `until`, or its value tier (`tiers`). */
function groupOf(query: ChurnQuery): RawBuilder<unknown> {
  if (query.groupBy === 'segment') return segmentOf(sql.ref('a.customer_id'), query.until);
  if (query.groupBy === 'valueTier' && query.currency !== null)
    return sql`COALESCE((SELECT ${tierOf(sql`t.total`)} FROM value_revenue t WHERE t.customer_id = a.customer_id), 'none')`;
  if (query.groupBy === 'valueTier') return sql`'none'`;
  return sql`''`;
}

/** The tallies of the case attributes, one row each per group (from the one row per group of `case_tallies`). */
const caseTallyRows = () =>
  CASE_ATTRIBUTES.map(
    (attribute, i) =>
      sql`SELECT t.grp, ${sql.lit(attribute)} AS attribute, ${sql.ref(`t.n${i}`)} AS n, ${sql.ref(`t.p${i}`)} AS p FROM case_tallies t`,
  );

interface Row {
  grp: string;
  attribute: DriverAttribute | typeof OVERALL;
  n: number | string | null;
  p: number | string | null;
}

const OVERALL = 'overall';

/**
 * Per group, the customers at the start and churned ones, in all (`overall`) and with each
 * attribute, as rows (group, attribute, customers, churned).
 *
 * PostgreSQL reads `at_start` as 200 distinct customers (its guess for a CTE), so it probed the
 * contacts and the follow-ups once per customer at the start (25,316 at 1,000,000 events) where
 * one read of the window's rows, hashed against the customers, takes a fifth of the time
 * (contacts 135 → 30 ms). Nested loops are off for these statements only (the last of the
 * report's transaction): their per-case and per-customer probes are subqueries, which the
 * setting leaves alone, while the boundary customers' look-ups before them are seeks that a
 * hash join would make scans.
 *
 * Where the snapshot can be read `beside`, the cases' tallies and the contacts' and follow-ups'
 * run as two statements at once, each working out the customers at the start itself: 223 → 155
 * ms for the drivers' churn at 1,000,000 events on two cores on PostgreSQL, 211 → 186 ms on
 * SQLite (whose contacts' statement, 150 ms alone, is most of it). Otherwise one statement does
 * all, reading the customers at the start once.
 */
async function talliesOf(read: SnapshotRead, atStart: RawBuilder<unknown>, query: CasesQuery): Promise<Map<string, DriverTallies>> {
  const tiers = query.groupBy === 'valueTier' && query.currency !== null ? sql`, ${valueTierTables(query.currency, query.until)}` : sql``;
  const customers = sql`${countedCustomers({ from: query.from, to: query.until }, query.buyers)} ${tiers},
      at_start AS MATERIALIZED (SELECT a.customer_id, a.churned, ${groupOf(query)} AS grp FROM (${atStart}) a)`;
  const cases = sql`window_cases AS MATERIALIZED (${windowCases(query)}),
      case_customers AS (${CASE_CUSTOMERS}),
      case_tallies AS MATERIALIZED (${CASE_TALLIES})`;
  const overallAndCases = sql.join(
    [
      sql`SELECT a.grp, ${sql.lit(OVERALL)} AS attribute, COUNT(*) AS n, SUM(a.churned) AS p FROM at_start a GROUP BY a.grp`,
      ...caseTallyRows(),
    ],
    sql` UNION ALL `,
  );
  const contactsAndFollowUps = sql.join([contactTallies(query), followUpTallies(query)], sql` UNION ALL `);
  if (!read.beside) {
    await withoutNestedLoops(read.db, query.dialect);
    const { rows } = await sql<Row>`WITH ${customers}, ${cases} ${overallAndCases} UNION ALL ${contactsAndFollowUps}`.execute(read.db);
    return talliesByGroup(rows);
  }
  const rowsOf = (statement: RawBuilder<Row>) => async (on: Kysely<any>) => {
    await withoutNestedLoops(on, query.dialect);
    return (await statement.execute(on)).rows;
  };
  const [caseRows, contactRows] = await inLanes(read, [
    rowsOf(sql<Row>`WITH ${customers}, ${cases} ${overallAndCases}`),
    rowsOf(sql<Row>`WITH ${customers} ${contactsAndFollowUps}`),
  ]);
  return talliesByGroup([...caseRows, ...contactRows]);
}

async function withoutNestedLoops(db: Kysely<any>, dialect: ViewDialect): Promise<void> {
  if (dialect === 'postgres') await sql`SET LOCAL enable_nestloop = off`.execute(db);
}

/** The rows as tallies per group: every group with customers at the start, every attribute (0 when no row names it). */
function talliesByGroup(rows: readonly Row[]): Map<string, DriverTallies> {
  const tally = (row: Row): Tally => ({ count: Number(row.n ?? 0), points: Number(row.p ?? 0) });
  const withAttribute = new Map<string, Map<DriverAttribute, Tally>>();
  for (const row of rows)
    if (row.attribute !== OVERALL)
      withAttribute.set(row.grp, (withAttribute.get(row.grp) ?? new Map<DriverAttribute, Tally>()).set(row.attribute, tally(row)));
  const none: Tally = { count: 0, points: 0 };
  return new Map(
    rows
      .filter((row) => row.attribute === OVERALL)
      .map((row) => {
        const tallies = withAttribute.get(row.grp);
        return [row.grp, { overall: tally(row), with: new Map(DRIVER_ATTRIBUTES.map((a) => [a, tallies?.get(a) ?? none])) }];
      }),
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
export async function churnTallies(read: SnapshotRead, query: ChurnQuery, thresholds: Thresholds): Promise<Map<string, DriverTallies>> {
  const { db } = read;
  const window = { from: query.from, to: query.until };
  const boundary = await boundaryChurnCustomers(db, window, thresholds);
  const buyers = await buyerReading(db, query.dialect);
  const counted = churnCustomerRows(window, buyers);
  const wholeCases = await keepsWholeCases(db, query.dialect);
  return talliesOf(read, boundary.length === 0 ? counted : sql`${counted} UNION ALL ${boundaryRowsOf(boundary)}`, {
    ...query,
    wholeCases,
    buyers,
  });
}

/**
 * Whether the live `driver_cases` keeps whole cases (drivers version 4). Right after an
 * upgrade the generation before serves until the new one has caught up: its cases are then all
 * read from their own rows, slower but the same answer.
 */
async function keepsWholeCases(db: Kysely<any>, dialect: ViewDialect): Promise<boolean> {
  const { rows } = await WHOLE_CASES_COLUMN[dialect].execute(db);
  return rows.length > 0;
}

const WHOLE_CASES_COLUMN: Readonly<Record<ViewDialect, RawBuilder<unknown>>> = {
  sqlite: sql`SELECT 1 FROM pragma_table_info('driver_cases') WHERE name = 'whole_to'`,
  // The catalog itself: information_schema.columns took 3–11 ms to answer.
  postgres: sql`SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('driver_cases') AND attname = 'whole_to' AND NOT attisdropped`,
};

import { Kysely, sql, type RawBuilder } from 'kysely';
import { CHANNELS } from '@cx/events';
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
import { boundaryChurnCustomers, churnCustomerRows, type ChurnCustomer } from '../loyalty/churn-sql';
import { segmentOf, tierRows } from './value-tier-sql';

/**
 * The churn outcome of SPEC §2.5 in SQL: the churn block's customers (SPEC §2.2) split by the
 * attributes they had over the window [from, until), tallied in one statement per group. The
 * case rows of the drivers projection hold every time a rule needs (acceptances, request
 * closures, unowned stretches, resolutions), so each attribute is a range query over the
 * window, aggregated per customer in the database: only the tallies come back, not a row per
 * customer at the window's start (tens of thousands at 1,000,000 events). The customer of a
 * case is the one of its opening when the opening came before `until`, else of its first event.
 */

export interface ChurnQuery {
  from: number;
  until: number;
  groupBy: DriverGroupBy | null;
  currency: string | null;
  slaMs: number;
  followUpSlaMs: number;
}

/**
 * The cases of the window: started before its end, and not resolved for good before its start.
 * A case resolved now ended at or after its last resolution before `from`, so `ended_at` (open, or
 * from `from` on) is the range to read, on the index that holds every column read here.
 */
const casesInWindow = ({ from, until }: ChurnQuery) => sql`
  SELECT c.case_id,
    CASE WHEN c.opened_at IS NOT NULL AND c.opened_at < ${until} THEN c.customer_id ELSE c.first_customer_id END AS customer_id,
    CASE WHEN c.complaint = 1 AND c.opened_at IS NOT NULL AND c.opened_at < ${until} THEN 1 ELSE 0 END AS complaint
  FROM driver_cases c
  WHERE (c.ended_at IS NULL OR c.ended_at >= ${from}) AND c.started_at < ${until}
    AND NOT EXISTS (
      SELECT 1 FROM driver_case_resolutions r
      WHERE r.case_id = c.case_id AND r.resolved_at < ${from} AND (r.reopened_at IS NULL OR r.reopened_at >= ${until}))`;

/** Per case: a handoff accepted in the window, and whether one of those was a ping-pong. */
const handoffsInWindow = ({ from, until }: ChurnQuery) => sql`
  SELECT h.case_id, MAX(h.ping_pong) AS ping_pong FROM driver_case_handoffs h
  WHERE h.accepted_at >= ${from} AND h.accepted_at < ${until}
  GROUP BY h.case_id`;

/**
 * Cases with a request stalled at some instant x of the window: pending at x (closed after x,
 * as known before `until`) and x − requested_at > SLA, i.e. x in [requested_at + SLA + 1,
 * closed_at − 1] ∩ [from, until − 1]. Such a request was closed after `from` or is pending: that
 * range of the (closed_at, requested_at, case_id) index is read, not every request before `until`.
 * An empty window has no instant, so no stalled request.
 */
const stalledInWindow = ({ from, until, slaMs }: ChurnQuery) =>
  from >= until
    ? sql`SELECT h.case_id FROM driver_case_handoffs h WHERE 1 = 0`
    : sql`
  SELECT DISTINCT h.case_id FROM driver_case_handoffs h
  WHERE (h.closed_at IS NULL OR h.closed_at > ${from})
    AND h.requested_at IS NOT NULL AND h.requested_at + ${slaMs + 1} <= ${until - 1}
    AND (h.closed_at IS NULL OR h.closed_at >= ${until}
      OR (h.closed_at - 1 >= ${from} AND h.closed_at - 1 >= h.requested_at + ${slaMs + 1}))`;

/**
 * Cases unowned more than the limit inside the window (a stretch running at `until` runs to it):
 * the stretches running or ended after `from`, a range of the (ended_at, started_at, case_id)
 * index, each clipped to the window.
 */
const unownedInWindow = ({ from, until }: ChurnQuery) => sql`
  SELECT u.case_id FROM driver_case_unowned u
  WHERE (u.ended_at IS NULL OR u.ended_at > ${from}) AND u.started_at < ${until}
  GROUP BY u.case_id
  HAVING SUM(
    CASE WHEN u.ended_at IS NULL OR u.ended_at > ${until} THEN ${until} ELSE u.ended_at END
    - CASE WHEN u.started_at > ${from} THEN u.started_at ELSE ${from} END
  ) > ${UNOWNED_LIMIT_MS}`;

/** The cases resolved in the window (last resolved in it, not reopened before `until`): first contact, and slow. */
const resolvedInWindow = ({ from, until }: ChurnQuery) => sql`
  SELECT r.case_id, r.first_contact,
    CASE WHEN r.opened_at IS NOT NULL AND r.resolved_at - r.opened_at > ${SLOW_RESOLUTION_MS} THEN 1 ELSE 0 END AS slow
  FROM driver_case_resolutions r
  WHERE r.resolved_at >= ${from} AND r.resolved_at < ${until} AND (r.reopened_at IS NULL OR r.reopened_at >= ${until})`;

/** Per customer with a case in the window, its case attributes as 1 or 0 (the rules of @cx/views `caseAttributes`). */
const caseAttributesInWindow = (query: ChurnQuery) => sql`
  SELECT w.customer_id,
    MAX(w.complaint) AS complaint,
    MAX(CASE WHEN h.case_id IS NULL THEN 0 ELSE 1 END) AS handoff,
    MAX(COALESCE(h.ping_pong, 0)) AS ping_pong,
    MAX(CASE WHEN s.case_id IS NULL THEN 0 ELSE 1 END) AS stalled,
    MAX(CASE WHEN u.case_id IS NULL THEN 0 ELSE 1 END) AS unowned,
    SUM(CASE WHEN r.case_id IS NULL THEN 0 ELSE 1 END) AS resolved,
    SUM(COALESCE(r.first_contact, 0)) AS first_contact,
    MAX(COALESCE(r.slow, 0)) AS slow
  FROM (${casesInWindow(query)}) w
  LEFT JOIN (${handoffsInWindow(query)}) h ON h.case_id = w.case_id
  LEFT JOIN (${stalledInWindow(query)}) s ON s.case_id = w.case_id
  LEFT JOIN (${unownedInWindow(query)}) u ON u.case_id = w.case_id
  LEFT JOIN (${resolvedInWindow(query)}) r ON r.case_id = w.case_id
  GROUP BY w.customer_id`;

/** Per customer with a contact in the window, 1 or 0 per channel (column ch<i>, in the catalogue's order). */
const channelsInWindow = ({ from, until }: ChurnQuery) => sql`
  SELECT c.customer_id, ${sql.join(
    CHANNELS.map((channel, i) => sql`MAX(CASE WHEN c.channel = ${channel} THEN 1 ELSE 0 END) AS ${sql.ref(`ch${i}`)}`),
  )}
  FROM driver_contacts c WHERE c.time >= ${from} AND c.time < ${until}
  GROUP BY c.customer_id`;

/**
 * Customers with a `detractor` or `at_risk` alert followed up in the window, within the
 * follow-up SLA. Such an alert was raised in [`from` − SLA, `until`) (a follow-up comes after the
 * raise, SPEC §2.4), which bounds the range read on the (signal, raised_at) index; without it
 * every alert of those signals ever raised was read.
 */
const followedUpInWindow = ({ from, until, followUpSlaMs }: ChurnQuery) => sql`
  SELECT DISTINCT f.customer_id FROM alerts f
  WHERE f.followed_up_at >= ${from} AND f.followed_up_at < ${until}
    AND f.signal IN (${sql.join(FOLLOW_UP_SIGNALS)}) AND f.raised_at >= ${from - followUpSlaMs} AND f.raised_at < ${until}
    AND f.followed_up_at - f.raised_at <= ${followUpSlaMs}`;

const present = (column: RawBuilder<unknown>) => sql`CASE WHEN ${column} IS NULL THEN 0 ELSE 1 END`;

/** Each attribute of a customer `k` as 1 or 0, from the joins `pc` (cases), `ch` (channels) and `fu` (follow-ups). */
const ATTRIBUTE_FLAGS: ReadonlyArray<[DriverAttribute, RawBuilder<unknown>]> = [
  ...CASE_ATTRIBUTES.map((attribute): [DriverAttribute, RawBuilder<unknown>] => {
    const flags: Record<(typeof CASE_ATTRIBUTES)[number], RawBuilder<unknown>> = {
      hadCase: present(sql.ref('pc.customer_id')),
      hadComplaint: sql`COALESCE(pc.complaint, 0)`,
      hadHandoff: sql`COALESCE(pc.handoff, 0)`,
      hadPingPong: sql`COALESCE(pc.ping_pong, 0)`,
      hadStalledHandoff: sql`COALESCE(pc.stalled, 0)`,
      unownedOver4h: sql`COALESCE(pc.unowned, 0)`,
      firstContactResolution: sql`CASE WHEN pc.resolved > 0 AND pc.first_contact = pc.resolved THEN 1 ELSE 0 END`,
      slowResolution: sql`COALESCE(pc.slow, 0)`,
    };
    return [attribute, flags[attribute]];
  }),
  [FOLLOWED_UP_ALERT, present(sql.ref('fu.customer_id'))],
  ...CHANNELS.map((channel, i): [DriverAttribute, RawBuilder<unknown>] => [
    channelAttribute(channel),
    sql`COALESCE(ch.${sql.ref(`ch${i}`)}, 0)`,
  ]),
];

interface GroupKey {
  with: RawBuilder<unknown>;
  select: RawBuilder<unknown>;
  join: RawBuilder<unknown>;
}

/** The group of a customer `k` at `until`: its segment, or its value tier (worked out once and joined). */
function groupKey(query: ChurnQuery): GroupKey {
  const none = sql``;
  if (query.groupBy === 'segment') return { with: none, select: sql`${segmentOf(sql.ref('k.customer_id'), query.until)}`, join: none };
  if (query.groupBy === 'valueTier') {
    if (query.currency === null) return { with: none, select: sql`'none'`, join: none };
    return {
      with: sql`WITH tiers AS MATERIALIZED (${tierRows(query.currency, query.until)})`,
      select: sql`COALESCE(t.tier, 'none')`,
      join: sql`LEFT JOIN tiers t ON t.customer_id = k.customer_id`,
    };
  }
  return { with: none, select: sql`''`, join: none };
}

type Row = Record<string, string | number | null> & { grp: string };

/** Per group, the customers and churned ones, in all and with each attribute (flag i is c<i>/p<i>). */
async function talliesOf(db: Kysely<any>, customers: RawBuilder<unknown>, query: ChurnQuery): Promise<Map<string, DriverTallies>> {
  const key = groupKey(query);
  const flags = sql.join(ATTRIBUTE_FLAGS.map(([, flag], i) => sql`${flag} AS ${sql.ref(`a${i}`)}`));
  const sums = sql.join(
    ATTRIBUTE_FLAGS.map(
      (_, i) => sql`SUM(x.${sql.ref(`a${i}`)}) AS ${sql.ref(`c${i}`)}, SUM(x.${sql.ref(`a${i}`)} * x.churned) AS ${sql.ref(`p${i}`)}`,
    ),
  );
  const { rows } = await sql<Row>`
    ${key.with}
    SELECT x.grp, COUNT(*) AS n, SUM(x.churned) AS p, ${sums}
    FROM (
      SELECT ${key.select} AS grp, k.churned, ${flags}
      FROM (${customers}) k
      LEFT JOIN (${caseAttributesInWindow(query)}) pc ON pc.customer_id = k.customer_id
      LEFT JOIN (${channelsInWindow(query)}) ch ON ch.customer_id = k.customer_id
      LEFT JOIN (${followedUpInWindow(query)}) fu ON fu.customer_id = k.customer_id
      ${key.join}
    ) x
    GROUP BY x.grp`.execute(db);
  const tally = (c: unknown, p: unknown): Tally => ({ count: Number(c ?? 0), points: Number(p ?? 0) });
  return new Map(
    rows.map((row) => [
      row.grp,
      {
        overall: tally(row.n, row.p),
        with: new Map(ATTRIBUTE_FLAGS.map(([attribute], i) => [attribute, tally(row[`c${i}`], row[`p${i}`])])),
      },
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

function addTallies(into: Map<string, DriverTallies>, more: ReadonlyMap<string, DriverTallies>): void {
  const sum = (a: Tally | undefined, b: Tally | undefined): Tally => ({
    count: (a?.count ?? 0) + (b?.count ?? 0),
    points: (a?.points ?? 0) + (b?.points ?? 0),
  });
  for (const [group, tallies] of more) {
    const known = into.get(group);
    const attributes = new Set([...tallies.with.keys(), ...(known?.with.keys() ?? [])]);
    into.set(group, {
      overall: sum(known?.overall, tallies.overall),
      with: new Map([...attributes].map((attribute) => [attribute, sum(known?.with.get(attribute), tallies.with.get(attribute))])),
    });
  }
}

/**
 * Tallies per group ('' without grouping) of the customers at start: 1 point each that churned.
 * The customers with an event at the window's very edges (the boundary customers of the churn
 * block) are judged in code and tallied by the same statement over a list of their own.
 */
export async function churnTallies(db: Kysely<any>, query: ChurnQuery, thresholds: Thresholds): Promise<Map<string, DriverTallies>> {
  const window = { from: query.from, to: query.until };
  const groups = await talliesOf(db, churnCustomerRows(window), query);
  const boundary = await boundaryChurnCustomers(db, window, thresholds);
  if (boundary.length > 0) addTallies(groups, await talliesOf(db, boundaryRowsOf(boundary), query));
  return groups;
}

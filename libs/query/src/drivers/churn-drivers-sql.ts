import { Kysely, sql } from 'kysely';
import type { Channel } from '@cx/events';
import { toNumber } from '@cx/projection';
import type { Thresholds } from '@cx/settings';
import {
  addToTallies,
  channelAttribute,
  emptyTallies,
  FOLLOW_UP_SIGNALS,
  FOLLOWED_UP_ALERT,
  SLOW_RESOLUTION_MS,
  UNOWNED_LIMIT_MS,
  windowPeriod,
  overlapMs,
  type CaseAttribute,
  type DriverAttribute,
  type DriverGroupBy,
  type DriverTallies,
} from '@cx/views';
import { churnCustomers } from '../loyalty/churn-sql';
import { tiersInSql } from './value-tier-sql';

/**
 * The churn outcome of SPEC §2.5 in SQL: the churn block's customers (SPEC §2.2) split by the
 * attributes they had over the window [from, until). The case rows of the drivers projection
 * hold every time a rule needs (acceptances, request closures, unowned stretches,
 * resolutions), so each attribute is a range query over the window; the customer of a case is
 * the one of its opening when the opening came before `until`, else of its first event.
 */

export interface ChurnQuery {
  from: number;
  until: number;
  groupBy: DriverGroupBy | null;
  currency: string | null;
  slaMs: number;
  followUpSlaMs: number;
}

type Row = Record<string, unknown>;

/**
 * The cases of the window: started before its end, and not resolved for good before its start.
 * A case resolved now ended at or after its last resolution before `from`, so `ended_at` (open, or
 * from `from` on) is the range to read, on the index that holds every column read here.
 */
async function casesInWindow(
  db: Kysely<any>,
  { from, until }: ChurnQuery,
): Promise<Map<string, { customerId: string; complaint: boolean }>> {
  const { rows } = await sql<Row>`
    SELECT c.case_id, c.complaint,
      CASE WHEN c.opened_at IS NOT NULL AND c.opened_at < ${until} THEN c.customer_id ELSE c.first_customer_id END AS customer_id,
      CASE WHEN c.opened_at IS NOT NULL AND c.opened_at < ${until} THEN 1 ELSE 0 END AS opened
    FROM driver_cases c
    WHERE (c.ended_at IS NULL OR c.ended_at >= ${from}) AND c.started_at < ${until}
      AND NOT EXISTS (
        SELECT 1 FROM driver_case_resolutions r
        WHERE r.case_id = c.case_id AND r.resolved_at < ${from} AND (r.reopened_at IS NULL OR r.reopened_at >= ${until}))`.execute(db);
  return new Map(
    rows.map((r) => [
      r.case_id as string,
      { customerId: r.customer_id as string, complaint: Number(r.complaint) === 1 && Number(r.opened) === 1 },
    ]),
  );
}

/** Per case: a handoff accepted in the window, and whether one of those was a ping-pong. */
async function handoffsInWindow(db: Kysely<any>, { from, until }: ChurnQuery): Promise<Map<string, boolean>> {
  const { rows } = await sql<Row>`
    SELECT h.case_id, MAX(h.ping_pong) AS ping_pong FROM driver_case_handoffs h
    WHERE h.accepted_at >= ${from} AND h.accepted_at < ${until}
    GROUP BY h.case_id`.execute(db);
  return new Map(rows.map((r) => [r.case_id as string, Number(r.ping_pong) === 1]));
}

/**
 * Cases with a request stalled at some instant x of the window: pending at x (closed after x,
 * as known before `until`) and x − requested_at > SLA, i.e. x in [requested_at + SLA + 1,
 * closed_at − 1] ∩ [from, until − 1]. Such a request was closed after `from` or is pending: that
 * range of the (closed_at, requested_at, case_id) index is read, not every request before `until`.
 */
async function stalledInWindow(db: Kysely<any>, { from, until, slaMs }: ChurnQuery): Promise<Set<string>> {
  if (from >= until) return new Set();
  const { rows } = await sql<Row>`
    SELECT h.case_id FROM driver_case_handoffs h
    WHERE (h.closed_at IS NULL OR h.closed_at > ${from})
      AND h.requested_at IS NOT NULL AND h.requested_at + ${slaMs + 1} <= ${until - 1}
      AND (h.closed_at IS NULL OR h.closed_at >= ${until}
        OR (h.closed_at - 1 >= ${from} AND h.closed_at - 1 >= h.requested_at + ${slaMs + 1}))`.execute(db);
  return new Set(rows.map((r) => r.case_id as string));
}

/**
 * Per case, its unowned milliseconds inside the window (a stretch running at `until` runs to it).
 * The stretches running or ended after `from` are a range of the (ended_at, started_at, case_id) index.
 */
async function unownedInWindow(db: Kysely<any>, { from, until }: ChurnQuery): Promise<Map<string, number>> {
  const { rows } = await sql<Row>`
    SELECT u.case_id, u.started_at, u.ended_at FROM driver_case_unowned u
    WHERE (u.ended_at IS NULL OR u.ended_at > ${from}) AND u.started_at < ${until}`.execute(db);
  const period = windowPeriod(from, until);
  const totals = new Map<string, number>();
  for (const r of rows) {
    const end = toNumber(r.ended_at);
    const ms = overlapMs(period, Number(r.started_at), end === null || end > until ? until : end);
    totals.set(r.case_id as string, (totals.get(r.case_id as string) ?? 0) + ms);
  }
  return totals;
}

/** Per case resolved in the window (last resolved in it, not reopened before `until`): first contact, and slow. */
async function resolvedInWindow(
  db: Kysely<any>,
  { from, until }: ChurnQuery,
): Promise<Map<string, { firstContact: boolean; slow: boolean }>> {
  const { rows } = await sql<Row>`
    SELECT r.case_id, r.first_contact, r.opened_at, r.resolved_at FROM driver_case_resolutions r
    WHERE r.resolved_at >= ${from} AND r.resolved_at < ${until} AND (r.reopened_at IS NULL OR r.reopened_at >= ${until})`.execute(db);
  return new Map(
    rows.map((r) => {
      const openedAt = toNumber(r.opened_at);
      const slow = openedAt !== null && Number(r.resolved_at) - openedAt > SLOW_RESOLUTION_MS;
      return [r.case_id as string, { firstContact: Number(r.first_contact) === 1, slow }];
    }),
  );
}

/** Per customer, the channels of its contacts in the window. */
async function channelsInWindow(db: Kysely<any>, { from, until }: ChurnQuery): Promise<Map<string, DriverAttribute[]>> {
  const { rows } = await sql<Row>`
    SELECT DISTINCT c.customer_id, c.channel FROM driver_contacts c WHERE c.time >= ${from} AND c.time < ${until}`.execute(db);
  const channels = new Map<string, DriverAttribute[]>();
  for (const r of rows) {
    const id = r.customer_id as string;
    channels.set(id, [...(channels.get(id) ?? []), channelAttribute(r.channel as Channel)]);
  }
  return channels;
}

/**
 * Customers with a `detractor` or `at_risk` alert followed up in the window, within the
 * follow-up SLA. Such an alert was raised in [`from` − SLA, `until`) (a follow-up comes after the
 * raise, SPEC §2.4), which bounds the range read on the (signal, raised_at) index; without it
 * every alert of those signals ever raised was read.
 */
async function followedUpInWindow(db: Kysely<any>, { from, until, followUpSlaMs }: ChurnQuery): Promise<Set<string>> {
  const { rows } = await sql<Row>`
    SELECT DISTINCT f.customer_id FROM alerts f
    WHERE f.followed_up_at >= ${from} AND f.followed_up_at < ${until}
      AND f.signal IN (${sql.join(FOLLOW_UP_SIGNALS)}) AND f.raised_at >= ${from - followUpSlaMs} AND f.raised_at < ${until}
      AND f.followed_up_at - f.raised_at <= ${followUpSlaMs}`.execute(db);
  return new Set(rows.map((r) => r.customer_id as string));
}

/** Per customer, its case attributes over the window (the rules of @cx/views `caseAttributes`). */
async function caseAttributesInWindow(db: Kysely<any>, query: ChurnQuery): Promise<Map<string, Set<CaseAttribute>>> {
  const cases = await casesInWindow(db, query);
  const handoffs = await handoffsInWindow(db, query);
  const stalled = await stalledInWindow(db, query);
  const unowned = await unownedInWindow(db, query);
  const resolved = await resolvedInWindow(db, query);
  const byCustomer = new Map<string, { attributes: Set<CaseAttribute>; resolved: number; firstContact: number }>();
  for (const [caseId, { customerId, complaint }] of cases) {
    const entry = byCustomer.get(customerId) ?? { attributes: new Set<CaseAttribute>(['hadCase']), resolved: 0, firstContact: 0 };
    byCustomer.set(customerId, entry);
    const add = (attribute: CaseAttribute, yes: boolean) => yes && entry.attributes.add(attribute);
    add('hadComplaint', complaint);
    add('hadHandoff', handoffs.has(caseId));
    add('hadPingPong', handoffs.get(caseId) === true);
    add('hadStalledHandoff', stalled.has(caseId));
    add('unownedOver4h', (unowned.get(caseId) ?? 0) > UNOWNED_LIMIT_MS);
    const resolution = resolved.get(caseId);
    if (resolution) {
      entry.resolved += 1;
      if (resolution.firstContact) entry.firstContact += 1;
      add('slowResolution', resolution.slow);
    }
  }
  const attributes = new Map<string, Set<CaseAttribute>>();
  for (const [customerId, entry] of byCustomer) {
    if (entry.resolved > 0 && entry.firstContact === entry.resolved) entry.attributes.add('firstContactResolution');
    attributes.set(customerId, entry.attributes);
  }
  return attributes;
}

/** Each customer's segment at `until` (SPEC §2.2), for those asked about. */
async function segmentsAt(db: Kysely<any>, until: number): Promise<Map<string, string>> {
  const { rows } = await sql<Row>`
    SELECT ranked.customer_id, ranked.segment FROM (
      SELECT s.customer_id, s.segment, ROW_NUMBER() OVER (PARTITION BY s.customer_id ORDER BY s.time DESC, s.position DESC) AS n
      FROM customer_segments s WHERE s.time < ${until}
    ) ranked WHERE ranked.n = 1`.execute(db);
  return new Map(rows.map((r) => [r.customer_id as string, r.segment as string]));
}

async function groupOf(db: Kysely<any>, query: ChurnQuery): Promise<(customerId: string) => string> {
  if (query.groupBy === 'segment') {
    const segments = await segmentsAt(db, query.until);
    return (id) => segments.get(id) ?? 'unknown';
  }
  if (query.groupBy === 'valueTier') {
    const tiers = await tiersInSql(db, query.currency, query.until);
    return (id) => tiers.get(id) ?? 'none';
  }
  return () => '';
}

/** Tallies per group ('' without grouping) of the customers at start: 1 point each that churned. */
export async function churnTallies(db: Kysely<any>, query: ChurnQuery, thresholds: Thresholds): Promise<Map<string, DriverTallies>> {
  const customers = await churnCustomers(db, { from: query.from, to: query.until }, thresholds);
  if (customers.length === 0) return new Map();
  const cases = await caseAttributesInWindow(db, query);
  const channels = await channelsInWindow(db, query);
  const followedUp = await followedUpInWindow(db, query);
  const keyOf = await groupOf(db, query);
  const groups = new Map<string, ReturnType<typeof emptyTallies>>();
  for (const { customerId, churned } of customers) {
    const key = keyOf(customerId);
    const tallies = groups.get(key) ?? emptyTallies();
    groups.set(key, tallies);
    const attributes: DriverAttribute[] = [...(cases.get(customerId) ?? []), ...(channels.get(customerId) ?? [])];
    if (followedUp.has(customerId)) attributes.push(FOLLOWED_UP_ALERT);
    addToTallies(tallies, churned ? 1 : 0, attributes);
  }
  return groups;
}

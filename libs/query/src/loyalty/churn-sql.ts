import { Kysely, sql } from 'kysely';
import type { Thresholds } from '@cx/settings';
import { CustomerState, LifecycleStage, stageAt } from '@cx/views';
import { inChunks } from '@cx/projection';
import { grouping, KeySource, Row, Window } from './loyalty-sql';

/**
 * SPEC §2.2 churn block: customers neither `prospect` nor `churned` at `from`, and which of them
 * are `churned` at `to`, where the stage at T is judged from the events before T (the pure
 * report's `stageOf`). Only a customer with an order before `from` can be past `prospect`.
 *
 * `customer_stages` (lifecycle) answers "stage at T" with events at exactly T included. The
 * two readings differ only for a customer with an event at exactly `from` or `to` (a purchase
 * at `to` is not "before `to`"; querying at T - 1 ms would instead miss a threshold crossing
 * at exactly T). So SQL counts everyone else from `customer_stages`, and the few customers with
 * an event at a boundary have their stage worked out from their folded state with the pure rules.
 */

const buyersBefore = (from: number) => sql`SELECT DISTINCT customer_id FROM orders WHERE time < ${from}`;

/** Buyers before `from` with a stage-feeding event at exactly `from` or `to`. */
const boundaryCustomers = ({ from, to }: Window) => sql`
  SELECT DISTINCT m.customer_id FROM loyalty_stage_moments m
  WHERE (m.time = ${from} OR m.time = ${to}) AND m.customer_id IN (${buyersBefore(from)})`;

const stageAtJoin = (alias: string, at: number) => sql`
  LEFT JOIN customer_stages ${sql.raw(alias)} ON ${sql.raw(alias)}.customer_id = f.customer_id
    AND ${sql.raw(alias)}.since <= ${at} AND (${sql.raw(alias)}.until IS NULL OR ${sql.raw(alias)}.until > ${at})`;

/** Counts per group over every buyer before `from` except the boundary customers. */
async function churnCountsInSql(db: Kysely<any>, window: Window, key: KeySource | null): Promise<Row[]> {
  const g = grouping(key, window.to);
  const counted = sql`sf.stage IS NOT NULL AND sf.stage NOT IN ('prospect', 'churned')`;
  const query = sql<Row>`
    SELECT ${g.select}
      SUM(CASE WHEN ${counted} THEN 1 ELSE 0 END) AS at_start,
      SUM(CASE WHEN ${counted} AND st.stage = 'churned' THEN 1 ELSE 0 END) AS churned
    FROM (${buyersBefore(window.from)}) f
    ${stageAtJoin('sf', window.from)}
    ${stageAtJoin('st', window.to)}
    WHERE f.customer_id NOT IN (${boundaryCustomers(window)})
    ${g.groupBy}`;
  return (await query.execute(db)).rows;
}

/** The boundary customers, with their group key. */
async function boundaryRows(db: Kysely<any>, window: Window, key: KeySource | null): Promise<Row[]> {
  const g = grouping(key, window.to);
  const query = sql<Row>`SELECT ${g.select} f.customer_id AS customer_id FROM (${boundaryCustomers(window)}) f`;
  return (await query.execute(db)).rows;
}

/** The state with only the facts before `at`: what "from the events before `at`" folds. */
function stateBefore(state: CustomerState, at: number): CustomerState {
  const before = <F extends { time: number }>(facts: readonly F[]) => facts.filter((f) => f.time < at);
  return {
    customerId: state.customerId,
    purchases: before(state.purchases),
    surveys: { nps: before(state.surveys.nps), csat: before(state.surveys.csat), ces: before(state.surveys.ces) },
    churns: before(state.churns),
    referrals: before(state.referrals),
    caseChanges: before(state.caseChanges),
    interactions: before(state.interactions),
    profiles: before(state.profiles),
    otherActivity: before(state.otherActivity),
  };
}

async function loadStates(db: Kysely<any>, ids: readonly string[]): Promise<Map<string, CustomerState>> {
  const states = new Map<string, CustomerState>();
  for (const chunk of inChunks(ids)) {
    const found = await db.selectFrom('customers').select(['customer_id', 'state']).where('customer_id', 'in', chunk).execute();
    for (const row of found) states.set(row.customer_id as string, JSON.parse(row.state as string) as CustomerState);
  }
  return states;
}

export interface ChurnCounts {
  atStart: number;
  churned: number;
}

const addTo = (groups: Map<string, ChurnCounts>, key: string, atStart: number, churned: number) => {
  const counts = groups.get(key) ?? { atStart: 0, churned: 0 };
  groups.set(key, { atStart: counts.atStart + atStart, churned: counts.churned + churned });
};

/** One customer at the start of the window, and whether it is `churned` at its end. */
export interface ChurnCustomer {
  customerId: string;
  churned: boolean;
}

/**
 * The churn block's customers one by one (the drivers report splits them by attribute):
 * the same rules as `churnCounts`, customer ids in code-unit order.
 */
export async function churnCustomers(db: Kysely<any>, window: Window, thresholds: Thresholds): Promise<ChurnCustomer[]> {
  const { rows } = await sql<{ customer_id: string; churned: number | string }>`
    SELECT f.customer_id AS customer_id, CASE WHEN st.stage = 'churned' THEN 1 ELSE 0 END AS churned
    FROM (${buyersBefore(window.from)}) f
    ${stageAtJoin('sf', window.from)}
    ${stageAtJoin('st', window.to)}
    WHERE f.customer_id NOT IN (${boundaryCustomers(window)}) AND sf.stage IS NOT NULL AND sf.stage NOT IN ('prospect', 'churned')`.execute(db);
  const customers = rows.map((row) => ({ customerId: row.customer_id, churned: Number(row.churned) === 1 }));
  const boundary = (await boundaryRows(db, window, null)).map((row) => row.customer_id as string);
  const states = await loadStates(db, boundary);
  const stage = (id: string, at: number): LifecycleStage => {
    const state = states.get(id);
    return state ? stageAt(stateBefore(state, at), at, thresholds) : 'prospect';
  };
  for (const id of boundary) {
    if (['prospect', 'churned'].includes(stage(id, window.from))) continue;
    customers.push({ customerId: id, churned: stage(id, window.to) === 'churned' });
  }
  return customers.sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));
}

/** Churn counts per group ('' without grouping); a group only appears with a customer at the start. */
export async function churnCounts(db: Kysely<any>, window: Window, key: KeySource | null, thresholds: Thresholds): Promise<Map<string, ChurnCounts>> {
  const groups = new Map<string, ChurnCounts>();
  for (const row of await churnCountsInSql(db, window, key)) addTo(groups, row.grp ?? '', Number(row.at_start ?? 0), Number(row.churned ?? 0));
  const boundary = await boundaryRows(db, window, key);
  const states = await loadStates(db, boundary.map((row) => row.customer_id as string));
  const stage = (id: string, at: number): LifecycleStage => {
    const state = states.get(id);
    return state ? stageAt(stateBefore(state, at), at, thresholds) : 'prospect';
  };
  for (const row of boundary) {
    const id = row.customer_id as string;
    if (['prospect', 'churned'].includes(stage(id, window.from))) continue;
    addTo(groups, row.grp ?? '', 1, stage(id, window.to) === 'churned' ? 1 : 0);
  }
  for (const [group, counts] of groups) if (counts.atStart === 0) groups.delete(group);
  return groups;
}

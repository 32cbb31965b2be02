import { Kysely, sql, type RawBuilder } from 'kysely';
import type { Thresholds } from '@cx/settings';
import { LIFECYCLE_STAGES, LifecycleStage, stageAt } from '@cx/views';
import { customerStageFactsFrom, type LifecycleTables, type ViewDialect } from '@cx/projection';
import { groupKey, KeySource, Row, Window } from './loyalty-sql';

/**
 * SPEC §2.2 churn block: customers neither `prospect` nor `churned` at `from`, and which of them
 * are `churned` at `to`, where the stage at T is judged from the events before T (the pure
 * report's `stageOf`). Only a customer with an order before `from` can be past `prospect`.
 *
 * `customer_stages` (lifecycle) answers "stage at T" with events at exactly T included. The
 * two readings differ only for a customer with an event at exactly `from` or `to` (a purchase
 * at `to` is not "before `to`"; querying at T - 1 ms would instead miss a threshold crossing
 * at exactly T). So SQL counts everyone else from `customer_stages`, and the few customers with
 * an event at a boundary have their stage worked out with the pure rules from the facts that
 * decide it (`customerStageFactsFrom`).
 */

/** The stages whose customers count at a window's start: neither `prospect` nor `churned`. */
const COUNTED = LIFECYCLE_STAGES.filter((stage) => stage !== 'prospect' && stage !== 'churned');

/**
 * Customers whose stage interval holds `at` in one of the counted stages: per stage, the
 * running intervals and those ended after `at`, two ranges of the covering (stage, until,
 * since, customer_id) index. Led by `until` alone, the running range held every customer
 * ever churned, so its cost grew with the history rather than with the customers at `at`.
 */
const countedAt = (at: number) => {
  const stages = sql.join(COUNTED.map((stage) => sql.lit(stage)));
  return sql`
  SELECT s.customer_id AS customer_id, s.until AS until FROM customer_stages s
  WHERE s.stage IN (${stages}) AND s.until IS NULL AND s.since <= ${at}
  UNION ALL
  SELECT s.customer_id AS customer_id, s.until AS until FROM customer_stages s
  WHERE s.stage IN (${stages}) AND s.until > ${at} AND s.since <= ${at}`;
};

/**
 * How a statement reads the buyers before `from`: from `loyalty_first_orders` once the live
 * loyalty generation keeps each customer's first order (loyalty version 3; right after an
 * upgrade the generation before serves until the new one has caught up, and the orders are
 * probed meanwhile, slower but the same answer).
 */
export interface BuyerReading {
  dialect: ViewDialect;
  firstOrders: boolean;
}

export async function buyerReading(db: Kysely<any>, dialect: ViewDialect): Promise<BuyerReading> {
  const kept =
    dialect === 'postgres'
      ? sql`SELECT 1 WHERE to_regclass('loyalty_first_orders') IS NOT NULL`
      : sql`SELECT 1 FROM sqlite_master WHERE name = 'loyalty_first_orders'`;
  return { dialect, firstOrders: (await kept.execute(db)).rows.length > 0 };
}

/**
 * `counted` and `churned_at_end`, for a statement's WITH list: the customers counted at `from`,
 * in customer order, and the customers `churned` at `to` that were not churned at `from`.
 * Each counted customer is then probed (its orders) by customer: in that order successive
 * probes read neighbouring index pages, where the order of the stage index scattered them (a
 * third of the churn block's time at 1,000,000 events). PostgreSQL sorts the ids by their
 * bytes: under the database's collation (glibc's, even C.UTF-8) the sort took 17 of the
 * drivers' churn statement's 170 ms at 1,000,000 events, in byte order a few.
 */
export const countedCustomers = ({ from, to }: Window, { dialect }: BuyerReading): RawBuilder<unknown> =>
  sql`counted AS MATERIALIZED (SELECT c.customer_id, c.until FROM (${countedAt(from)}) c ORDER BY c.customer_id${dialect === 'postgres' ? sql` COLLATE "C"` : sql``}),
  churned_at_end AS MATERIALIZED (${churnedSince(from, to)})`;

/**
 * The customer `f` bought before `from`. On PostgreSQL with first orders (`buyerReading`), the
 * first orders before `from` are one index range, hashed against the customers: a probe per
 * customer cost PostgreSQL 40 of the drivers' churn statement's 190 ms at 1,000,000 events, each
 * a subplan run. On SQLite, which has no hash join, a probe of the customer's first order: one
 * descent of that table's b-tree (kept in its key's order since loyalty version 4), half the time
 * of a probe of the customer's orders (14 against 31 ms for the 25,000 customers at the start of
 * a quarter at 1,000,000 events). Without first orders a probe of the customer's own orders (a
 * scalar subquery with LIMIT 1: written as EXISTS, PostgreSQL made it a hash join over every
 * order before `from`, a read that grew with the history).
 */
function boughtBefore(from: number, { dialect, firstOrders }: BuyerReading): RawBuilder<unknown> {
  if (firstOrders && dialect === 'postgres')
    return sql`f.customer_id IN (SELECT b.customer_id FROM loyalty_first_orders b WHERE b.first_at < ${from})`;
  if (firstOrders) return sql`(SELECT b.first_at FROM loyalty_first_orders b WHERE b.customer_id = f.customer_id) < ${from}`;
  return sql`(SELECT 1 FROM orders o WHERE o.customer_id = f.customer_id AND o.time < ${from} LIMIT 1) IS NOT NULL`;
}

/**
 * The customers at start counted in SQL (one row each, `f.customer_id`, with its group key
 * `grp` when grouped), from `counted` (`countedCustomers`): counted at `from`, a buyer before `from` (the pure report's reading;
 * the lifecycle counts every purchase event, the orders table an order id once, so a customer
 * past `prospect` may have no order of its own: 116 of 25,432 in the bench's 1,000,000 events),
 * and no stage-feeding event at exactly `from` or `to` (those are the boundary customers).
 */
const countedAtStart = ({ from, to }: Window, reading: BuyerReading, key: RawBuilder<unknown> = sql``) => sql`
  SELECT ${key} f.customer_id AS customer_id, f.until AS until FROM counted f
  WHERE ${boughtBefore(from, reading)}
    AND f.customer_id NOT IN (SELECT m.customer_id FROM loyalty_stage_moments m WHERE m.time = ${from} OR m.time = ${to})`;

/**
 * The customers whose stage interval holding `to` is `churned` and began after `from`: a
 * customer counted at `from` (in a counted stage then) is `churned` at `to` exactly when it is
 * one of them, as stage intervals never overlap. One read of the churned intervals, not a seek
 * of each counted customer's intervals (two thirds of the customers at the start's cost at
 * 1,000,000 events).
 */
const churnedSince = (from: number, to: number) => sql`
  SELECT s.customer_id FROM customer_stages s
  WHERE s.stage = 'churned' AND s.since > ${from} AND s.since <= ${to} AND (s.until IS NULL OR s.until > ${to})`;

/** 1 when the customer `f` (counted at `from`) is `churned` at `to` (in `churned_at_end`). */
const churnedAtEnd = () => sql`CASE WHEN f.customer_id IN (SELECT e.customer_id FROM churned_at_end e) THEN 1 ELSE 0 END`;

/**
 * Buyers before `from` with a stage-feeding event at exactly `from` or `to`: the moments at
 * those two instants first (an index range each), then whether their customer bought before
 * `from` (an index probe each), never the list of every buyer.
 */
const boundaryCustomers = ({ from, to }: Window) => sql`
  SELECT DISTINCT m.customer_id FROM loyalty_stage_moments m
  WHERE (m.time = ${from} OR m.time = ${to})
    AND EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = m.customer_id AND o.time < ${from})`;

/** Counts per group over the customers at start except the boundary customers. */
async function churnCountsInSql(db: Kysely<any>, window: Window, key: KeySource | null, reading: BuyerReading): Promise<Row[]> {
  const query = sql<Row>`
    WITH ${countedCustomers(window, reading)}
    SELECT ${key === null ? sql`` : sql`f.grp AS grp,`} COUNT(*) AS at_start, SUM(${churnedAtEnd()}) AS churned
    FROM (${countedAtStart(window, reading, groupKey(key, window.to))}) f
    ${key === null ? sql`` : sql`GROUP BY f.grp`}`;
  return (await query.execute(db)).rows;
}

/** The boundary customers, with their group key. */
async function boundaryRows(db: Kysely<any>, window: Window, key: KeySource | null): Promise<Row[]> {
  const query = sql<Row>`SELECT ${groupKey(key, window.to)} f.customer_id AS customer_id FROM (${boundaryCustomers(window)}) f`;
  return (await query.execute(db)).rows;
}

/** A boundary customer's stage at `at` from its events before `at` (the pure rules over the facts that decide it). */
async function stageBefore(db: Kysely<any>, customerId: string, at: number, thresholds: Thresholds): Promise<LifecycleStage> {
  return stageAt(await customerStageFactsFrom(db as Kysely<LifecycleTables>, customerId, at, at - 1), at, thresholds);
}

/** A boundary customer: null when not counted at the window's start, else whether it is `churned` at its end. */
async function boundaryChurned(db: Kysely<any>, customerId: string, window: Window, thresholds: Thresholds): Promise<boolean | null> {
  if (['prospect', 'churned'].includes(await stageBefore(db, customerId, window.from, thresholds))) return null;
  return (await stageBefore(db, customerId, window.to, thresholds)) === 'churned';
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
 * The churn block's customers counted in SQL, as rows (`customer_id`, `churned` 1 or 0) for a
 * query to build on (the drivers report splits them by attribute), which names
 * `countedCustomers` in its WITH list; the boundary customers (`boundaryChurnCustomers`) are
 * never among them.
 */
export const churnCustomerRows = (window: Window, reading: BuyerReading): RawBuilder<unknown> =>
  sql`SELECT f.customer_id AS customer_id, ${churnedAtEnd()} AS churned FROM (${countedAtStart(window, reading)}) f`;

/** The boundary customers of the churn block (the same rules as `churnCounts`), worked out one by one with the pure rules. */
export async function boundaryChurnCustomers(db: Kysely<any>, window: Window, thresholds: Thresholds): Promise<ChurnCustomer[]> {
  const customers: ChurnCustomer[] = [];
  for (const row of await boundaryRows(db, window, null)) {
    const customerId = row.customer_id as string;
    const churned = await boundaryChurned(db, customerId, window, thresholds);
    if (churned !== null) customers.push({ customerId, churned });
  }
  return customers;
}

/** Churn counts per group ('' without grouping); a group only appears with a customer at the start. */
export async function churnCounts(
  db: Kysely<any>,
  dialect: ViewDialect,
  window: Window,
  key: KeySource | null,
  thresholds: Thresholds,
): Promise<Map<string, ChurnCounts>> {
  const groups = new Map<string, ChurnCounts>();
  for (const row of await churnCountsInSql(db, window, key, await buyerReading(db, dialect)))
    addTo(groups, row.grp ?? '', Number(row.at_start ?? 0), Number(row.churned ?? 0));
  const boundary = await boundaryRows(db, window, key);
  for (const row of boundary) {
    const churned = await boundaryChurned(db, row.customer_id as string, window, thresholds);
    if (churned !== null) addTo(groups, row.grp ?? '', 1, churned ? 1 : 0);
  }
  for (const [group, counts] of groups) if (counts.atStart === 0) groups.delete(group);
  return groups;
}

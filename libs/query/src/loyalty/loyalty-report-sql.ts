import { Kysely, sql } from 'kysely';
import type { Thresholds } from '@cx/settings';
import type { SnapshotRead, ViewDialect, ViewStore } from '@cx/projection';
import type { LoyaltyGroupBlocks, LoyaltyGroupBy, LoyaltyReport } from '@cx/views';
import { churnCounts, type ChurnCounts } from './churn-sql';
import { blocksOf, emptyGroupRows, GroupRows } from './loyalty-blocks';
import {
  blockKeys,
  BlockKeys,
  KeySource,
  openedCases,
  purchaseCounts,
  referralCounts,
  resolvedCases,
  revenue,
  Row,
  surveyCounts,
  Window,
} from './loyalty-sql';

export interface LoyaltyRequest extends Window {
  groupBy: LoyaltyGroupBy | null;
}

/**
 * Every query of a report reads one snapshot, so a batch the projector commits meanwhile
 * (or a merge re-pointing rows) cannot be half in one block and half out of another; `work`
 * may run some of its queries `beside` the others (PostgreSQL: a second connection in the
 * same snapshot).
 * On PostgreSQL JIT is off for the report: its queries run in milliseconds, and a cost
 * estimate inflated by tables not analyzed yet (right after a rebuild) made PostgreSQL spend
 * half a second compiling each one. Its hash aggregates get 64 MiB each instead of the
 * server's default 4 MiB: at 1,000,000 events a window's rows per customer or case (tens of
 * thousands, estimated at one) spilled to disk in batches.
 */
export function inSnapshot<T>(views: ViewStore, work: (db: Kysely<any>, read: SnapshotRead) => Promise<T>): Promise<T> {
  return views.readSnapshot((read) => work(read.db, read), views.dialect === 'postgres' ? reportSettings : undefined);
}

async function reportSettings(db: Kysely<any>): Promise<void> {
  await sql`SET LOCAL jit = off`.execute(db);
  await sql`SET LOCAL work_mem = '64MB'`.execute(db);
}

const NO_KEYS: BlockKeys = { surveys: null, orders: null, referrals: null, churn: null, opened: null, resolved: null };

/**
 * Runs each task once, each on the first of the read's connections to be free, in the order
 * given: two at a time where the read has a connection `beside` its own (PostgreSQL), one after
 * another otherwise. Give the costliest first.
 */
export async function inLanes(read: SnapshotRead, tasks: ReadonlyArray<(db: Kysely<any>) => Promise<void>>): Promise<void> {
  let next = 0;
  const lane = async (db: Kysely<any>) => {
    for (let task = next++; task < tasks.length; task = next++) await tasks[task](db);
  };
  // `beside` first: it asks `db` for the snapshot, which would otherwise wait behind the first task.
  await Promise.all(read.beside ? [read.beside(lane), lane(read.db)] : [lane(read.db)]);
}

/** Runs each keyed block's query, the churn block first (the costliest); a block with no key under the grouping is not queried. */
async function queryBlocks(
  read: SnapshotRead,
  dialect: ViewDialect,
  window: Window,
  keys: BlockKeys,
  grouped: boolean,
  thresholds: Thresholds,
) {
  const blocks = {
    surveys: [] as Row[],
    purchases: [] as Row[],
    revenue: [] as Row[],
    referrals: [] as Row[],
    opened: [] as Row[],
    resolved: [] as Row[],
    churn: new Map<string, ChurnCounts>(),
  };
  const block =
    (key: KeySource | null, query: (db: Kysely<any>, w: Window, k: KeySource | null) => Promise<Row[]>, keep: (rows: Row[]) => void) =>
    async (db: Kysely<any>) => {
      if (!grouped || key) keep(await query(db, window, key));
    };
  await inLanes(read, [
    async (db) => {
      if (!grouped || keys.churn) blocks.churn = await churnCounts(db, dialect, window, keys.churn, thresholds);
    },
    block(keys.surveys, surveyCounts, (rows) => (blocks.surveys = rows)),
    block(keys.orders, purchaseCounts, (rows) => (blocks.purchases = rows)),
    block(keys.orders, revenue, (rows) => (blocks.revenue = rows)),
    block(keys.referrals, referralCounts, (rows) => (blocks.referrals = rows)),
    block(keys.opened, openedCases, (rows) => (blocks.opened = rows)),
    block(keys.resolved, resolvedCases, (rows) => (blocks.resolved = rows)),
  ]);
  return blocks;
}

/** Rows by group key; the group of a row without grouping is ''. */
function byGroup(blocks: Awaited<ReturnType<typeof queryBlocks>>): Map<string, GroupRows> {
  const groups = new Map<string, GroupRows>();
  const group = (row: { grp?: string } | string): GroupRows => {
    const key = typeof row === 'string' ? row : (row.grp ?? '');
    const rows = groups.get(key) ?? emptyGroupRows();
    groups.set(key, rows);
    return rows;
  };
  for (const row of blocks.surveys) group(row).surveys.push(row);
  for (const row of blocks.purchases) if (Number(row.customers) > 0) group(row).purchases = row;
  for (const row of blocks.revenue) group(row).revenue.push(row);
  for (const row of blocks.referrals) if (Number(row.n) > 0) group(row).referrals = row;
  for (const row of blocks.opened) if (Number(row.n) > 0) group(row).opened = row;
  for (const row of blocks.resolved) if (Number(row.n) > 0) group(row).resolved = row;
  for (const [key, counts] of blocks.churn) group(key).churn = counts;
  return groups;
}

/** A block is null in every group when it has no key under the grouping (see libs/views/src/loyalty/README.md). */
function groupBlocks(rows: GroupRows, keys: BlockKeys): LoyaltyGroupBlocks {
  const all = blocksOf(rows);
  const keyed = <B>(key: KeySource | null, block: B): B | null => (key ? block : null);
  return {
    nps: keyed(keys.surveys, all.nps),
    csat: keyed(keys.surveys, all.csat),
    ces: keyed(keys.surveys, all.ces),
    purchases: keyed(keys.orders, all.purchases),
    referrals: keyed(keys.referrals, all.referrals),
    churn: keyed(keys.churn, all.churn),
    cases: keyed(keys.opened ?? keys.resolved, all.cases),
  };
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * SPEC §2.2 over [from, to), aggregated in the database: the same report, to the rounding, as
 * the pure `loyaltyReport` over the same events. Groups appear when a counted fact falls in
 * them, in code-unit order.
 */
export async function loyaltyReportInSql(views: ViewStore, request: LoyaltyRequest, thresholds: Thresholds): Promise<LoyaltyReport> {
  const { from, to, groupBy } = request;
  const keys = groupBy ? blockKeys(groupBy) : NO_KEYS;
  const blocks = await inSnapshot(views, (_db, read) => queryBlocks(read, views.dialect, { from, to }, keys, groupBy !== null, thresholds));
  const groups = byGroup(blocks);
  if (groupBy === null) return { from, to, groupBy: null, blocks: blocksOf(groups.get('') ?? emptyGroupRows()) };
  const sorted = [...groups].sort(([a], [b]) => byCodeUnits(a, b));
  return { from, to, groupBy, groups: Object.fromEntries(sorted.map(([key, rows]) => [key, groupBlocks(rows, keys)])) };
}

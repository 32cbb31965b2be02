import type { Kysely } from 'kysely';
import type { Thresholds } from '@cx/settings';
import type { SnapshotRead, ViewDialect, ViewStore } from '@cx/projection';
import type { LoyaltyGroupBlocks, LoyaltyGroupBy, LoyaltyReport } from '@cx/views';
import { inLanes, inSnapshot } from '../report-snapshot';
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

const NO_KEYS: BlockKeys = { surveys: null, orders: null, referrals: null, churn: null, opened: null, resolved: null };

/** Runs each keyed block's query, the churn block first (the costliest); a block with no key under the grouping is not queried. */
async function queryBlocks(
  read: SnapshotRead,
  dialect: ViewDialect,
  window: Window,
  keys: BlockKeys,
  grouped: boolean,
  thresholds: Thresholds,
) {
  const block = (key: KeySource | null, query: (db: Kysely<any>, w: Window, k: KeySource | null) => Promise<Row[]>) => (db: Kysely<any>) =>
    !grouped || key ? query(db, window, key) : Promise.resolve([]);
  const [churn, surveys, purchases, revenues, referrals, opened, resolved] = await inLanes(read, [
    (db) =>
      !grouped || keys.churn ? churnCounts(db, dialect, window, keys.churn, thresholds) : Promise.resolve(new Map<string, ChurnCounts>()),
    block(keys.surveys, surveyCounts),
    block(keys.orders, purchaseCounts),
    block(keys.orders, revenue),
    block(keys.referrals, referralCounts),
    block(keys.opened, openedCases),
    block(keys.resolved, resolvedCases),
  ]);
  return { surveys, purchases, revenue: revenues, referrals, opened, resolved, churn };
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
  const blocks = await inSnapshot(views, (read) => queryBlocks(read, views.dialect, { from, to }, keys, groupBy !== null, thresholds));
  const groups = byGroup(blocks);
  if (groupBy === null) return { from, to, groupBy: null, blocks: blocksOf(groups.get('') ?? emptyGroupRows()) };
  const sorted = [...groups].sort(([a], [b]) => byCodeUnits(a, b));
  return { from, to, groupBy, groups: Object.fromEntries(sorted.map(([key, rows]) => [key, groupBlocks(rows, keys)])) };
}

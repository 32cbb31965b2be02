import {
  casesBlock,
  cesBlock,
  churnBlock,
  csatBlock,
  npsBlock,
  purchasesBlock,
  referralsBlock,
  type CasesBlock,
  type CesBlock,
  type ChurnBlock,
  type ChurnCandidate,
  type CsatBlock,
  type NpsBlock,
  type PurchasesBlock,
  type ReferralsBlock,
} from './blocks';
import type { CaseFact } from './case-facts';
import type { OrderFact, ReferralFact, SurveyFact } from './facts';

/** Lifecycle stages of SPEC §2.1 (the lifecycle view owns the rules). */
export type Stage = 'prospect' | 'new' | 'active' | 'loyal' | 'advocate' | 'at_risk' | 'churned';

/**
 * The customer's stage at instant `at`, judged from its events with `time < at`: SPEC §2.2
 * reads "at `to`" as "from the events before `to`", and an event at `from` belongs to the
 * window, not to the state at its start. The caller supplies it (the lifecycle view).
 */
export type StageOf = (customerId: string, at: number) => Stage;

/** The customer's latest segment at `to`; null or undefined when it has none. */
export type SegmentOf = (customerId: string) => string | null | undefined;

export type LoyaltyGroupBy = 'channel' | 'team' | 'segment';

export interface LoyaltyFacts {
  surveys: readonly SurveyFact[];
  orders: readonly OrderFact[];
  referrals: readonly ReferralFact[];
  /** Folded at `to`: `caseFacts(events, to)`. */
  cases: readonly CaseFact[];
}

export interface LoyaltyReportOptions {
  from: number;
  to: number;
  groupBy?: LoyaltyGroupBy;
  stageOf: StageOf;
  /** Needed when grouping by segment. */
  segmentOf?: SegmentOf;
}

export interface LoyaltyBlocks {
  nps: NpsBlock;
  csat: CsatBlock;
  ces: CesBlock;
  purchases: PurchasesBlock;
  referrals: ReferralsBlock;
  churn: ChurnBlock;
  cases: CasesBlock;
}

/** A group's blocks: null for a block that has no key under the grouping (see README). */
export type LoyaltyGroupBlocks = { [K in keyof LoyaltyBlocks]: LoyaltyBlocks[K] | null };

export type LoyaltyReport =
  | { from: number; to: number; groupBy: null; blocks: LoyaltyBlocks }
  | { from: number; to: number; groupBy: LoyaltyGroupBy; groups: Record<string, LoyaltyGroupBlocks> };

export const UNKNOWN_GROUP = 'unknown';

/** The facts that count for one window (or one group of it). */
interface WindowItems {
  surveys: SurveyFact[];
  orders: OrderFact[];
  referrals: ReferralFact[];
  atStart: ChurnCandidate[];
  opened: CaseFact[];
  resolved: CaseFact[];
}

type KeyOf<T> = ((item: T) => string | null | undefined) | null;
type Keyers = { [K in keyof WindowItems]: KeyOf<WindowItems[K][number]> };

function keyersFor(groupBy: LoyaltyGroupBy, segmentOf: SegmentOf | undefined): Keyers {
  switch (groupBy) {
    case 'channel':
      return {
        surveys: (s) => s.channel,
        orders: (o) => o.channel,
        referrals: (r) => r.channel,
        atStart: null,
        opened: (c) => c.channel,
        resolved: (c) => c.channel,
      };
    case 'team':
      return {
        surveys: (s) => s.team,
        orders: null,
        referrals: null,
        atStart: null,
        opened: (c) => c.openTeam,
        resolved: (c) => c.resolvedTeam,
      };
    case 'segment': {
      if (!segmentOf) throw new TypeError('groupBy segment needs segmentOf');
      const segment = (item: { customerId: string }) => segmentOf(item.customerId);
      return { surveys: segment, orders: segment, referrals: segment, atStart: segment, opened: segment, resolved: segment };
    }
  }
}

/**
 * Customers neither prospect nor churned at `from`. Only a customer with a purchase before
 * `from` can be past `prospect` (SPEC §2.1 rule 1), so only those are asked about.
 */
function customersAtStart(orders: readonly OrderFact[], from: number, to: number, stageOf: StageOf): ChurnCandidate[] {
  const buyers = [...new Set(orders.filter((o) => o.time < from).map((o) => o.customerId))].sort();
  return buyers
    .filter((id) => !['prospect', 'churned'].includes(stageOf(id, from)))
    .map((customerId) => ({ customerId, churned: stageOf(customerId, to) === 'churned' }));
}

function windowItems(facts: LoyaltyFacts, options: LoyaltyReportOptions, withChurn: boolean): WindowItems {
  const { from, to } = options;
  const inWindow = (time: number | null): boolean => time !== null && from <= time && time < to;
  return {
    surveys: facts.surveys.filter((s) => inWindow(s.time)),
    orders: facts.orders.filter((o) => inWindow(o.time)),
    referrals: facts.referrals.filter((r) => inWindow(r.time)),
    atStart: withChurn ? customersAtStart(facts.orders, from, to, options.stageOf) : [],
    opened: facts.cases.filter((c) => inWindow(c.openedAt)),
    resolved: facts.cases.filter((c) => c.resolved && inWindow(c.lastResolvedAt)),
  };
}

const blocksOf = (items: WindowItems): LoyaltyBlocks => ({
  nps: npsBlock(items.surveys),
  csat: csatBlock(items.surveys),
  ces: cesBlock(items.surveys),
  purchases: purchasesBlock(items.orders),
  referrals: referralsBlock(items.referrals),
  churn: churnBlock(items.atStart),
  cases: casesBlock(items.opened, items.resolved),
});

/** Items by group key; a missing key is 'unknown'. Null when the list has no key (not grouped). */
function partition<T>(items: readonly T[], keyOf: KeyOf<T>): Map<string, T[]> | null {
  if (!keyOf) return null;
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item) ?? UNKNOWN_GROUP;
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

type Partitions = { [K in keyof WindowItems]: Map<string, WindowItems[K]> | null };

const itemsOfGroup = (parts: Partitions, key: string): WindowItems => ({
  surveys: parts.surveys?.get(key) ?? [],
  orders: parts.orders?.get(key) ?? [],
  referrals: parts.referrals?.get(key) ?? [],
  atStart: parts.atStart?.get(key) ?? [],
  opened: parts.opened?.get(key) ?? [],
  resolved: parts.resolved?.get(key) ?? [],
});

function groupBlocks(items: WindowItems, keyers: Keyers): LoyaltyGroupBlocks {
  const all = blocksOf(items);
  const keyed = <B>(grouped: unknown, block: B): B | null => (grouped ? block : null);
  return {
    nps: keyed(keyers.surveys, all.nps),
    csat: keyed(keyers.surveys, all.csat),
    ces: keyed(keyers.surveys, all.ces),
    purchases: keyed(keyers.orders, all.purchases),
    referrals: keyed(keyers.referrals, all.referrals),
    churn: keyed(keyers.atStart, all.churn),
    cases: keyed(keyers.opened ?? keyers.resolved, all.cases),
  };
}

function groupedReport(items: WindowItems, keyers: Keyers): Record<string, LoyaltyGroupBlocks> {
  const parts: Partitions = {
    surveys: partition(items.surveys, keyers.surveys),
    orders: partition(items.orders, keyers.orders),
    referrals: partition(items.referrals, keyers.referrals),
    atStart: partition(items.atStart, keyers.atStart),
    opened: partition(items.opened, keyers.opened),
    resolved: partition(items.resolved, keyers.resolved),
  };
  const keys = new Set(Object.values(parts).flatMap((part) => (part ? [...part.keys()] : [])));
  const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(sorted.map((key) => [key, groupBlocks(itemsOfGroup(parts, key), keyers)]));
}

/**
 * The loyalty report of SPEC §2.2 over [from, to): the reference the SQL aggregation must
 * match. Groups appear when at least one counted fact falls in them, in code-unit order.
 */
export function loyaltyReport(facts: LoyaltyFacts, options: LoyaltyReportOptions): LoyaltyReport {
  const { from, to, groupBy } = options;
  if (!Number.isFinite(from) || !Number.isFinite(to) || from > to) {
    throw new RangeError(`loyalty report needs finite from <= to, got [${from}, ${to})`);
  }
  if (!groupBy) return { from, to, groupBy: null, blocks: blocksOf(windowItems(facts, options, true)) };
  const keyers = keyersFor(groupBy, options.segmentOf);
  const items = windowItems(facts, options, keyers.atStart !== null);
  return { from, to, groupBy, groups: groupedReport(items, keyers) };
}

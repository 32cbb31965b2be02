import type { CaseState } from '../cases/case-state';
import type { OrderFact, SurveyFact } from '../loyalty/facts';
import type { StageOf } from '../loyalty/loyalty-report';
import { customerAttributes, type ExperienceSources } from './customer-experience';
import { addToTallies, answerPoints, driverBlock, emptyTallies, type DriverBlock, type DriverOutcome } from './driver-block';
import type { DriverAttribute } from './driver-attributes';
import type { AlertFollowUpFact, ContactFact, SegmentFact } from './driver-facts';
import { answerPeriod, windowPeriod, type Period } from './driver-period';
import type { DriverSettings } from './driver-settings';
import { mostUsedCurrency, valueTiers, VALUE_TIERS } from './value-tiers';

export const DRIVER_GROUP_BYS = ['segment', 'valueTier'] as const;
export type DriverGroupBy = (typeof DRIVER_GROUP_BYS)[number];

/** Groups without a segment (SPEC §2.2 `unknown`). */
export const UNKNOWN_SEGMENT = 'unknown';

/** Everything the report reads; customer ids canonical (merged anonymous customers mapped to their named one). */
export interface DriversFacts {
  /** Survey answers; only NPS and CSAT ones are outcomes. */
  answers: readonly SurveyFact[];
  /** One fact per order id (its first completion), as the loyalty report reads them. */
  orders: readonly OrderFact[];
  cases: readonly CaseState[];
  contacts: readonly ContactFact[];
  followUps: readonly AlertFollowUpFact[];
  segments: readonly SegmentFact[];
}

export interface DriversOptions {
  from: number;
  to: number;
  /** Event-time cut (SPEC §2): only events with time <= asOf count. */
  asOf?: number;
  outcome: DriverOutcome;
  groupBy?: DriverGroupBy | null;
  /** Value tiers' currency; default the most used one. */
  currency?: string | null;
  /** Stage of a customer at an instant, from its events before it (needed for churn). */
  stageOf?: StageOf;
  settings: DriverSettings;
}

interface ReportHead {
  from: number;
  to: number;
  asOf: number | null;
  outcome: DriverOutcome;
  /** The value tiers' currency; null unless grouped by value tier. */
  currency: string | null;
}

export type DriversReport =
  (ReportHead & { groupBy: null } & DriverBlock) | (ReportHead & { groupBy: DriverGroupBy; groups: Record<string, DriverBlock> });

/** One response (or customer at start): its customer, points and attributes. */
interface Counted {
  customerId: string;
  points: number;
  attributes: Set<DriverAttribute>;
}

/**
 * The instant the report's "at `to`" is judged at: `to`, or just after `asOf` when that is
 * earlier, so that only events with time <= asOf count (the window as it stood at asOf).
 */
export const effectiveTo = (to: number, asOf: number | undefined): number => (asOf === undefined ? to : Math.min(to, asOf + 1));

/**
 * The key drivers report of SPEC §2.5 over [from, to): the reference the SQL report must
 * match. See docs/drivers.md for the decisions where the SPEC is silent.
 */
export function driversReport(facts: DriversFacts, options: DriversOptions): DriversReport {
  const { from, to, outcome } = options;
  if (!Number.isFinite(from) || !Number.isFinite(to) || from > to)
    throw new RangeError(`drivers report needs finite from <= to, got [${from}, ${to})`);
  const until = effectiveTo(to, options.asOf);
  const counted =
    until < from
      ? []
      : outcome === 'churn'
        ? customersAtStart(facts, from, until, options)
        : answersIn(facts, outcome, from, until, options.settings);
  const groupBy = options.groupBy ?? null;
  const head = { from, to, asOf: options.asOf ?? null, outcome };
  if (groupBy === null) return { ...head, currency: null, groupBy, ...blockOf(outcome, counted) };
  const currency = groupBy === 'valueTier' ? (options.currency ?? mostUsedCurrency(facts.orders, until)) : null;
  const keyOf = groupBy === 'segment' ? segmentAt(facts.segments, until) : valueTiers(facts.orders, until, currency);
  return { ...head, currency, groupBy, groups: groupedBlocks(outcome, counted, keyOf, groupBy) };
}

function blockOf(outcome: DriverOutcome, counted: readonly Counted[]): DriverBlock {
  const tallies = emptyTallies();
  for (const c of counted) addToTallies(tallies, c.points, c.attributes);
  return driverBlock(outcome, tallies);
}

/** Each NPS (or CSAT) answer in [from, until), with the attributes of (its time − 90 days, its time]. */
function answersIn(facts: DriversFacts, outcome: 'nps' | 'csat', from: number, until: number, settings: DriverSettings): Counted[] {
  const sourcesOf = sourcesByCustomer(facts);
  return facts.answers
    .filter((a) => a.survey === outcome && a.time >= from && a.time < until)
    .map((a) => ({
      customerId: a.customerId,
      points: answerPoints(outcome, a.score),
      attributes: attributesOver(sourcesOf(a.customerId), a.customerId, answerPeriod(a.time), settings),
    }));
}

/**
 * SPEC §2.2 churn: customers neither `prospect` nor `churned` at `from` (only one with an order
 * before `from` can be past prospect), 1 point when `churned` at the window's end; attributes
 * over the window.
 */
function customersAtStart(facts: DriversFacts, from: number, until: number, options: DriversOptions): Counted[] {
  const stageOf = options.stageOf;
  if (!stageOf) throw new TypeError('the churn outcome needs stageOf');
  const buyers = [...new Set(facts.orders.filter((o) => o.time < from).map((o) => o.customerId))].sort();
  const sourcesOf = sourcesByCustomer(facts);
  return buyers
    .filter((id) => !['prospect', 'churned'].includes(stageOf(id, from)))
    .map((customerId) => ({
      customerId,
      points: stageOf(customerId, until) === 'churned' ? 1 : 0,
      attributes: attributesOver(sourcesOf(customerId), customerId, windowPeriod(from, until), options.settings),
    }));
}

/** Each customer's cases (any case an event of which names the customer), contacts and alerts: what its attributes are read from. */
function sourcesByCustomer(facts: DriversFacts): (customerId: string) => ExperienceSources {
  const index = new Map<string, { cases: CaseState[]; contacts: ContactFact[]; followUps: AlertFollowUpFact[] }>();
  const of = (id: string) => {
    let sources = index.get(id);
    if (!sources) index.set(id, (sources = { cases: [], contacts: [], followUps: [] }));
    return sources;
  };
  for (const state of facts.cases) for (const id of new Set(state.events.map((e) => e.customerId))) of(id).cases.push(state);
  for (const contact of facts.contacts) of(contact.customerId).contacts.push(contact);
  for (const alert of facts.followUps) of(alert.customerId).followUps.push(alert);
  return (customerId) => index.get(customerId) ?? { cases: [], contacts: [], followUps: [] };
}

const attributesOver = (sources: ExperienceSources, customerId: string, period: Period, settings: DriverSettings) =>
  customerAttributes(customerId, period, sources, settings);

/** The customer's latest segment from the profiles before `until` (SPEC §2.2); `unknown` without one. */
function segmentAt(segments: readonly SegmentFact[], until: number): (customerId: string) => string {
  const latest = new Map<string, SegmentFact>();
  for (const fact of segments) {
    if (fact.time >= until) continue;
    const known = latest.get(fact.customerId);
    if (!known || fact.time > known.time || (fact.time === known.time && fact.position > known.position)) latest.set(fact.customerId, fact);
  }
  return (customerId) => latest.get(customerId)?.segment ?? UNKNOWN_SEGMENT;
}

/** Groups with at least one response: value tiers as top, core, none; segments in code-unit order. */
function groupedBlocks(
  outcome: DriverOutcome,
  counted: readonly Counted[],
  keyOf: (customerId: string) => string,
  groupBy: DriverGroupBy,
): Record<string, DriverBlock> {
  const groups = new Map<string, Counted[]>();
  for (const c of counted) {
    const key = keyOf(c.customerId);
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const order: readonly string[] = groupBy === 'valueTier' ? VALUE_TIERS : [...groups.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(
    order.flatMap((key) => {
      const group = groups.get(key);
      return group ? [[key, blockOf(outcome, group)]] : [];
    }),
  );
}

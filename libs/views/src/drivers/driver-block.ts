import { roundRatio } from '../loyalty/rounding';
import { CHANNEL_ATTRIBUTES, FIXED_ATTRIBUTES, type DriverAttribute } from './driver-attributes';

export const DRIVER_OUTCOMES = ['nps', 'csat', 'churn'] as const;
export type DriverOutcome = (typeof DRIVER_OUTCOMES)[number];

/**
 * A count of responses (or customers) and their points: the outcome's value is
 * 100 × points / count. NPS: a promoter is +1, a detractor −1; CSAT: a satisfied answer is 1;
 * churn: a churned customer is 1 (SPEC §2.2).
 */
export interface Tally {
  count: number;
  points: number;
}

export const NO_TALLY: Readonly<Tally> = Object.freeze({ count: 0, points: 0 });

/** One side of a split: responses and score (nps, csat), or customers and rate (churn); null over zero. */
export type DriverSide = { responses: number; score: number | null } | { customers: number; rate: number | null };

export interface DriverRow {
  attribute: DriverAttribute;
  with: DriverSide;
  without: DriverSide;
  /** with − without in score (or rate) points, from the unrounded values, to 1 decimal; null when a side is empty. */
  impact: number | null;
  /** 100 × with / all, to 1 decimal; null when there is nobody at all. */
  share: number | null;
}

/** The outcome over everyone counted, and the attributes ranked. */
export interface DriverBlock {
  overall: DriverSide;
  drivers: DriverRow[];
}

/** The tallies a block is built from: everyone, and those with each attribute (absent: nobody). */
export interface DriverTallies {
  overall: Tally;
  with: ReadonlyMap<DriverAttribute, Tally>;
}

/** The points one answer is worth for its outcome. */
export function answerPoints(outcome: 'nps' | 'csat', score: number): number {
  if (outcome === 'csat') return score >= 4 ? 1 : 0;
  return score >= 9 ? 1 : score <= 6 ? -1 : 0;
}

const valueOf = (tally: Tally): number | null => (tally.count === 0 ? null : roundRatio(100 * tally.points, tally.count, 1));

export const sideOf = (outcome: DriverOutcome, tally: Tally): DriverSide =>
  outcome === 'churn' ? { customers: tally.count, rate: valueOf(tally) } : { responses: tally.count, score: valueOf(tally) };

/** 100 × (a.points / a.count − b.points / b.count), exactly, rounded once. */
function impactOf(a: Tally, b: Tally): number | null {
  if (a.count === 0 || b.count === 0) return null;
  return roundRatio(100 * (a.points * b.count - b.points * a.count), a.count * b.count, 1);
}

/**
 * The ordering of SPEC §2.5: |impact| × share descending, as the report shows them (both
 * rounded to 1 decimal, compared exactly as tenths); rows without an impact last; ties by
 * attribute name (code-unit order), so the order never depends on anything else.
 */
export function compareDrivers(a: DriverRow, b: DriverRow): number {
  const weight = (row: DriverRow) => (row.impact === null ? -1 : Math.abs(Math.round(row.impact * 10)) * Math.round((row.share ?? 0) * 10));
  return weight(b) - weight(a) || (a.attribute < b.attribute ? -1 : a.attribute > b.attribute ? 1 : 0);
}

/**
 * The block of one group: every fixed attribute, and `channel:<name>` for each channel at
 * least one counted response (or customer) had; ranked.
 */
export function driverBlock(outcome: DriverOutcome, tallies: DriverTallies): DriverBlock {
  const { overall } = tallies;
  const channels = CHANNEL_ATTRIBUTES.filter((attribute) => (tallies.with.get(attribute)?.count ?? 0) > 0);
  const drivers = [...FIXED_ATTRIBUTES, ...channels].map((attribute): DriverRow => {
    const withTally = tallies.with.get(attribute) ?? NO_TALLY;
    const without = { count: overall.count - withTally.count, points: overall.points - withTally.points };
    return {
      attribute,
      with: sideOf(outcome, withTally),
      without: sideOf(outcome, without),
      impact: impactOf(withTally, without),
      share: overall.count === 0 ? null : roundRatio(100 * withTally.count, overall.count, 1),
    };
  });
  return { overall: sideOf(outcome, overall), drivers: drivers.sort(compareDrivers) };
}

/** Adds one response (or customer) with its attributes to the tallies being built. */
export function addToTallies(
  tallies: { overall: Tally; with: Map<DriverAttribute, Tally> },
  points: number,
  attributes: Iterable<DriverAttribute>,
): void {
  tallies.overall.count += 1;
  tallies.overall.points += points;
  for (const attribute of attributes) {
    const tally = tallies.with.get(attribute) ?? { count: 0, points: 0 };
    tally.count += 1;
    tally.points += points;
    tallies.with.set(attribute, tally);
  }
}

export const emptyTallies = (): { overall: Tally; with: Map<DriverAttribute, Tally> } => ({
  overall: { count: 0, points: 0 },
  with: new Map(),
});

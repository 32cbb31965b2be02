import { roundHalfAwayFromZero } from '../loyalty/rounding';

/** SPEC §2.2's rounding, one implementation for every view: exact on decimal halves. */
export { roundHalfAwayFromZero };

/** Median of numbers; of an even count, the mean of the two middle values; of none, null. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;

/** Milliseconds as minutes to 1 decimal, the precision of every minute figure (SPEC §2.3). */
export const minutesFromMs = (ms: number): number => roundHalfAwayFromZero(ms / MS_PER_MINUTE, 1);

/** Median of durations in milliseconds, as minutes to 1 decimal; rounding comes last. */
export function medianMinutes(durationsMs: readonly number[]): number | null {
  const middle = median(durationsMs);
  return middle === null ? null : minutesFromMs(middle);
}

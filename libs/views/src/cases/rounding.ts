/**
 * Rounds half away from zero (SPEC §2.2): 0.25 → 0.3, -0.25 → -0.3.
 *
 * Scaling by 10^decimals with `*` is not safe (1.005 * 100 = 100.49999…), so the decimal
 * point is shifted through the exponent of the number's decimal form instead.
 */
export function roundHalfAwayFromZero(value: number, decimals: number): number {
  if (!Number.isFinite(value) || value === 0) return value === 0 ? 0 : value;
  const [mantissa, exponent] = Math.abs(value).toExponential().split('e');
  const shifted = Number(`${mantissa}e${Number(exponent) + decimals}`);
  const rounded = Number(`${Math.round(shifted)}e${-decimals}`);
  // `|| 0` turns -0 into 0 so that JSON and equality never see a negative zero.
  return Math.sign(value) * rounded || 0;
}

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

/**
 * Rounding of SPEC §2.2: half away from zero; percentages and scores to 1 decimal, means to 2.
 *
 * Binary floating point cannot hold most decimal halves (1.005 is stored as 1.00499999…), so
 * rounding `Math.round(x * 100) / 100` would round some exact halves the wrong way. The report
 * therefore rounds exact rationals (`roundRatio`, on BigInt), and `roundHalfAwayFromZero`
 * rounds a number by its shortest decimal spelling (what `String(x)` prints), so that the
 * value a person reads as 1.005 rounds to 1.01.
 */

const MAX_DECIMALS = 15;

function checkDecimals(decimals: number): void {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > MAX_DECIMALS) {
    throw new RangeError(`decimals must be an integer from 0 to ${MAX_DECIMALS}, got ${decimals}`);
  }
}

/** |n| / d rounded half away from zero, for n >= 0 and d > 0. */
function roundQuotient(n: bigint, d: bigint): bigint {
  const quotient = n / d;
  return 2n * (n % d) >= d ? quotient + 1n : quotient;
}

/** An integer count of 10^-decimals units back to a number; `|| 0` turns -0 into 0. */
function fromUnits(units: bigint, negative: boolean, decimals: number): number {
  const value = Number(units) / 10 ** decimals;
  return (negative ? -value : value) || 0;
}

/** A finite non-negative number as digits × 10^exponent, from its shortest decimal spelling. */
function decimalParts(value: number): { digits: bigint; exponent: number } {
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(value));
  if (!match) throw new RangeError(`cannot read ${value} as a decimal`);
  const [, whole, fraction = '', exp = '0'] = match;
  return { digits: BigInt(whole + fraction), exponent: Number(exp) - fraction.length };
}

/** `value` rounded half away from zero to `decimals` places, reading it as its shortest decimal. */
export function roundHalfAwayFromZero(value: number, decimals: number): number {
  checkDecimals(decimals);
  if (!Number.isFinite(value)) throw new RangeError(`cannot round ${value}`);
  const { digits, exponent } = decimalParts(Math.abs(value));
  const shift = exponent + decimals;
  const units = shift >= 0 ? digits * 10n ** BigInt(shift) : roundQuotient(digits, 10n ** BigInt(-shift));
  return fromUnits(units, value < 0, decimals);
}

/**
 * numerator / denominator rounded half away from zero to `decimals` places, computed exactly:
 * both must be safe integers, the denominator not zero (callers turn "over zero" into null).
 */
export function roundRatio(numerator: number, denominator: number, decimals: number): number {
  checkDecimals(decimals);
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator === 0) {
    throw new RangeError(`roundRatio needs safe integers and a non-zero denominator: ${numerator}/${denominator}`);
  }
  const n = BigInt(Math.abs(numerator)) * 10n ** BigInt(decimals);
  const units = roundQuotient(n, BigInt(Math.abs(denominator)));
  return fromUnits(units, numerator < 0 !== denominator < 0, decimals);
}

/** 100 × part / whole to 1 decimal; null when whole is 0 (SPEC §2.2: a ratio over zero is null). */
export const percentOrNull = (part: number, whole: number): number | null => (whole === 0 ? null : roundRatio(100 * part, whole, 1));

/** sum / count to 2 decimals; null when count is 0. */
export const meanOrNull = (sum: number, count: number): number | null => (count === 0 ? null : roundRatio(sum, count, 2));

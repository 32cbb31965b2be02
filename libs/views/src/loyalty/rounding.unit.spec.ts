import fc from 'fast-check';
import { meanOrNull, percentOrNull, roundHalfAwayFromZero, roundRatio } from './rounding';

describe('roundHalfAwayFromZero', () => {
  it.each([
    [12.5, 0, 13],
    [-12.5, 0, -13],
    [12.25, 1, 12.3],
    [-12.25, 1, -12.3],
    [0.05, 1, 0.1],
    [-0.05, 1, -0.1],
    [0.125, 2, 0.13],
    [1.005, 2, 1.01], // stored as 1.00499999999999989…: Math.round(x * 100) / 100 gives 1
    [-1.005, 2, -1.01],
    [2.675, 2, 2.68], // stored as 2.67499999999999982…
    [2.025, 2, 2.03],
    [12.5, 1, 12.5],
    [123.456, 0, 123],
    [1e-7, 2, 0], // exponent notation
    [1.5e21, 1, 1.5e21],
    [0, 1, 0],
  ])('%p to %p decimals is %p', (value, decimals, expected) => {
    expect(roundHalfAwayFromZero(value, decimals)).toBe(expected);
  });

  it('never answers -0', () => {
    expect(Object.is(roundHalfAwayFromZero(-0.04, 1), 0)).toBe(true);
    expect(Object.is(roundHalfAwayFromZero(-0, 2), 0)).toBe(true);
  });

  it('shows the trap it avoids', () => {
    expect(Math.round(1.005 * 100) / 100).toBe(1);
  });

  it('rejects what it cannot round', () => {
    expect(() => roundHalfAwayFromZero(Number.NaN, 1)).toThrow(RangeError);
    expect(() => roundHalfAwayFromZero(Number.POSITIVE_INFINITY, 1)).toThrow(RangeError);
    expect(() => roundHalfAwayFromZero(1, -1)).toThrow(RangeError);
    expect(() => roundHalfAwayFromZero(1, 1.5)).toThrow(RangeError);
  });

  it('is symmetric around zero', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), fc.integer({ min: 0, max: 4 }), (x, d) => {
        expect(roundHalfAwayFromZero(-x, d)).toBe(roundHalfAwayFromZero(x, d) === 0 ? 0 : -roundHalfAwayFromZero(x, d));
      }),
    );
  });
});

describe('roundRatio (exact, on integers)', () => {
  it.each([
    [100, 8, 1, 12.5], // 100 × 1/8: exact, no rounding
    [-100, 8, 1, -12.5],
    [125, 10, 0, 13], // 12.5 → 13
    [-125, 10, 0, -13],
    [125, -10, 0, -13],
    [-125, -10, 0, 13],
    [100, 16, 1, 6.3], // 6.25 → 6.3
    [-100, 16, 1, -6.3],
    [201, 200, 2, 1.01], // 1.005 → 1.01
    [-201, 200, 2, -1.01],
    [100, 3, 1, 33.3],
    [200, 3, 1, 66.7],
    [200, 11, 1, 18.2],
    [0, 7, 1, 0],
  ])('%p / %p to %p decimals is %p', (n, d, decimals, expected) => {
    expect(roundRatio(n, d, decimals)).toBe(expected);
  });

  it('stays exact past 2^53 in the intermediate product', () => {
    // (2^53 − 1) / 2 = 4503599627370495.5 → …496
    expect(roundRatio(Number.MAX_SAFE_INTEGER, 2, 0)).toBe(4503599627370496);
    // 6,300,000,000,000 ms over 1,000 cases of 3,600,000 ms = 1750 h, with 2 decimals
    expect(roundRatio(6_300_000_000_000, 1000 * 3_600_000, 2)).toBe(1750);
  });

  it('rejects a zero denominator and non-integers', () => {
    expect(() => roundRatio(1, 0, 1)).toThrow(RangeError);
    expect(() => roundRatio(1.5, 2, 1)).toThrow(RangeError);
  });

  it('is within half a unit of the true ratio, and symmetric', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 1, max: 1e4 }), fc.integer({ min: 0, max: 3 }), (n, d, k) => {
        const rounded = roundRatio(n, d, k);
        expect(Math.abs(rounded - n / d)).toBeLessThanOrEqual(0.5 * 10 ** -k + 1e-9);
        expect(roundRatio(-n, d, k)).toBe(rounded === 0 ? 0 : -rounded);
      }),
    );
  });

  it('agrees with decimal-string rounding on exact decimals', () => {
    // n / 10^3 is an exact 3-decimal number; both helpers must round it the same way.
    fc.assert(
      fc.property(fc.integer({ min: -1e7, max: 1e7 }), (n) => {
        expect(roundRatio(n, 1000, 2)).toBe(roundHalfAwayFromZero(n / 1000, 2));
      }),
    );
  });
});

describe('percentOrNull and meanOrNull', () => {
  it('a ratio over zero is null', () => {
    expect(percentOrNull(0, 0)).toBeNull();
    expect(meanOrNull(0, 0)).toBeNull();
  });
  it('round to 1 and 2 decimals', () => {
    expect(percentOrNull(1, 16)).toBe(6.3);
    expect(meanOrNull(17, 8)).toBe(2.13);
  });
});

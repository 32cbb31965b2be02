import { median, medianMinutes, minutesFromMs, roundHalfAwayFromZero } from './rounding';

describe('roundHalfAwayFromZero', () => {
  it.each([
    [0.25, 1, 0.3],
    [-0.25, 1, -0.3],
    [0.24, 1, 0.2],
    [1.005, 2, 1.01], // 1.005 * 100 is 100.4999… in floating point
    [47.55, 1, 47.6], // the float 47.55 is just below 47.55
    [2.5, 0, 3],
    [-2.5, 0, -3],
    [-0.04, 1, 0], // no negative zero
    [1e-7, 2, 0],
    [123456.785, 2, 123456.79],
  ])('%p to %p decimals is %p', (value, decimals, expected) => {
    expect(Object.is(roundHalfAwayFromZero(value, decimals), expected)).toBe(true);
  });
});

describe('median', () => {
  it('of an odd count is the middle value', () => expect(median([50, 10, 30])).toBe(30));
  it('of an even count is the mean of the two middle values', () => expect(median([40, 10, 30, 20])).toBe(25));
  it('of nothing is null', () => expect(median([])).toBeNull());
  it('in minutes rounds after taking the middle', () => {
    // 45.1 and 50 minutes: the mean 47.55 rounds half away from zero to 47.6
    expect(medianMinutes([50 * 60_000, 45 * 60_000 + 6_000])).toBe(47.6);
    expect(minutesFromMs(90_000)).toBe(1.5);
    expect(medianMinutes([])).toBeNull();
  });
});

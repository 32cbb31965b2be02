import { backoffMs } from './backoff';

describe('backoffMs', () => {
  const policy = { firstMs: 100, maxMs: 1_000 };

  it('waits firstMs first, then doubles with each step', () => {
    expect([0, 1, 2, 3].map((step) => backoffMs(policy, step))).toEqual([100, 200, 400, 800]);
  });

  it('never waits longer than maxMs, however many steps', () => {
    expect([4, 10, 1_000].map((step) => backoffMs(policy, step))).toEqual([1_000, 1_000, 1_000]);
  });

  it('reads a step before the first as the first', () => {
    expect(backoffMs(policy, -1)).toBe(100);
  });
});

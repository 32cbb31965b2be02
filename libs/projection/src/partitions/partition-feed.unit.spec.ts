import type { LedgerEvent } from '@cx/events';
import { firstDeliveries, PartitionMessage } from './partition-feed';

const delivered = (...positions: number[]): PartitionMessage[] =>
  positions.map((position, i) => ({ offset: 100 + i, event: { position } as LedgerEvent }));

describe('firstDeliveries', () => {
  it("keeps a partition's events past what was applied, in order", () => {
    expect(firstDeliveries(delivered(4, 9, 12), 4).map((e) => e.position)).toEqual([9, 12]);
  });

  it('drops a stretch the relay published again, also when the repeat is in the same batch', () => {
    expect(firstDeliveries(delivered(3, 7, 9, 7, 9, 15), 0).map((e) => e.position)).toEqual([3, 7, 9, 15]);
  });
});

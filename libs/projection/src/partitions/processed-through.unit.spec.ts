import fc from 'fast-check';
import { partitionStarts, processedThrough } from './processed-through';

const published = (position: number, ends: Record<number, number>) => ({
  position,
  partitionEnds: new Map(Object.entries(ends).map(([p, e]) => [Number(p), e])),
});

describe('processedThrough', () => {
  it('is the relay position once every partition has read all the relay published to it', () => {
    expect(
      processedThrough(published(90, { 0: 40, 1: 12 }), [
        { partition: 0, nextOffset: 40, position: 88 },
        { partition: 1, nextOffset: 12, position: 90 },
      ]),
    ).toBe(90);
  });

  it('is held back by the lowest position of a partition still behind', () => {
    expect(
      processedThrough(published(90, { 0: 40, 1: 12, 2: 7 }), [
        { partition: 0, nextOffset: 30, position: 61 },
        { partition: 1, nextOffset: 12, position: 90 },
        { partition: 2, nextOffset: 5, position: 70 },
      ]),
    ).toBe(61);
  });

  it('claims nothing for a partition the relay published to that has no checkpoint', () => {
    expect(processedThrough(published(90, { 0: 40, 3: 1 }), [{ partition: 0, nextOffset: 40, position: 90 }])).toBe(0);
  });

  /**
   * The property that read-your-writes rests on: the answer never exceeds a position whose
   * event is not yet applied. Events are dealt to partitions in position order; each
   * partition has applied some prefix of its own; the relay has published some prefix of all.
   */
  it('never claims a position whose event a partition has not applied', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 60 }),
        fc.nat(),
        fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
        (partitionOf, publishedRaw, appliedRaw) => {
          const relayed = publishedRaw % (partitionOf.length + 1);
          const byPartition = [0, 1, 2, 3].map((p) =>
            partitionOf.map((q, i) => ({ q, position: i + 1 })).filter((e) => e.q === p && e.position <= relayed),
          );
          const ends: Record<number, number> = {};
          byPartition.forEach((events, p) => {
            if (events.length > 0) ends[p] = events.length;
          });
          const checkpoints = byPartition.map((events, p) => {
            const applied = appliedRaw[p] % (events.length + 1);
            return { partition: p, nextOffset: applied, position: applied === 0 ? 0 : events[applied - 1].position };
          });
          const through = processedThrough(published(relayed, ends), checkpoints);
          const unapplied = byPartition.flatMap((events, p) => events.slice(checkpoints[p].nextOffset)).map((e) => e.position);
          const firstUnpublished = relayed + 1;
          expect(through).toBeLessThan(Math.min(firstUnpublished, ...unapplied));
        },
      ),
    );
  });
});

describe('partitionStarts', () => {
  it('starts each partition at its end when the relay has not published past the floor', () => {
    expect(partitionStarts(published(50, { 0: 9, 2: 4 }), [0, 1, 2], 60)).toEqual(
      new Map([
        [0, 9],
        [1, 0],
        [2, 4],
      ]),
    );
  });

  it('reads every partition from the start when some events after the floor were published already', () => {
    expect(partitionStarts(published(70, { 0: 9, 2: 4 }), [0, 1, 2], 60)).toEqual(
      new Map([
        [0, 0],
        [1, 0],
        [2, 0],
      ]),
    );
  });
});

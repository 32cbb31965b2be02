import type { CloudEvent } from '@cx/events';
import { batchesOf } from './sinks';
import { Random } from './random';

const event = (i: number, summary = ''): CloudEvent => ({
  specversion: '1.0',
  id: `e${i}`,
  source: '/s',
  type: 'cx.interaction.recorded.v1',
  time: '2026-01-01T00:00:00Z',
  data: { customer: { id: 'c' }, channel: 'web', direction: 'inbound', summary },
});

describe('batchesOf', () => {
  it('cuts batches at 1,000 events, in order', () => {
    const batches = [...batchesOf(Array.from({ length: 2500 }, (_, i) => event(i)))];
    expect(batches.map((b) => b.events.length)).toEqual([1000, 1000, 500]);
    expect(batches.flatMap((b) => b.events).map((e) => e.id)).toEqual(Array.from({ length: 2500 }, (_, i) => `e${i}`));
  });

  it('cuts batches under 5 MiB however large the events', () => {
    const big = 'x'.repeat(60_000);
    const batches = [...batchesOf(Array.from({ length: 200 }, (_, i) => event(i, big)))];
    for (const batch of batches) expect(Buffer.byteLength(`[${batch.json.join(',')}]`)).toBeLessThanOrEqual(5 * 1024 * 1024);
    expect(batches.flatMap((b) => b.json)).toEqual(Array.from({ length: 200 }, (_, i) => JSON.stringify(event(i, big))));
    expect(batches.length).toBeGreaterThan(1);
  });
});

describe('Random', () => {
  it('gives the same numbers for the same seed and stream, others for another stream', () => {
    const draw = (stream: string) =>
      Array.from(
        { length: 5 },
        (
          (r) => () =>
            r.next()
        )(new Random(7, stream)),
      );
    expect(draw('a')).toEqual(draw('a'));
    expect(draw('a')).not.toEqual(draw('b'));
  });

  it('draws in range and in proportion', () => {
    const rng = new Random('range');
    const ints = Array.from({ length: 5000 }, () => rng.int(1, 6));
    expect(Math.min(...ints)).toBe(1);
    expect(Math.max(...ints)).toBe(6);
    const picks = Array.from({ length: 10_000 }, () => rng.weighted({ a: 1, b: 3 }));
    expect(picks.filter((p) => p === 'b').length / picks.length).toBeCloseTo(0.75, 1);
    const waits = Array.from({ length: 10_000 }, () => rng.exponential(10));
    expect(waits.reduce((a, b) => a + b, 0) / waits.length).toBeCloseTo(10, 0);
  });
});

/** One figure of `npm run bench`. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
}

export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const round1 = (n: number) => Math.round(n * 10) / 10;

/** Times `count` sequential calls; answers p50 and p99 in milliseconds. */
export async function latencies(count: number, call: (i: number) => Promise<void>): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await call(i);
    samples.push(performance.now() - started);
  }
  return { p50: round1(percentile(samples, 50)), p99: round1(percentile(samples, 99)) };
}

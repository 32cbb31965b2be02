import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { BenchRow } from './bench-row';
import type { Dataset } from './simulated-dataset';

// Compiled to dist/bench: the CLI is at the repository's bin/.
const CX = join(__dirname, '..', '..', 'bin', 'cx.js');

/**
 * Issue 8's figures: `cx verify` (chains and a row-by-row comparison of every view) and `--known-at` reports, as ops run them:
 * one from the live views (known at now) and one replayed (known half-way through the recording).
 */
export function benchOps(dataset: Dataset, label: string): BenchRow[] {
  const env = { ...process.env, ...dataset.env, LOG_LEVEL: 'silent' };
  const verify = timed(() => execFileSync(process.execPath, [CX, 'verify'], { env, encoding: 'utf8' }));
  const chainRate = Number(/\((\d+) events\/s\)/.exec(verify.output)?.[1] ?? 0);
  const knownAt = (at: number) =>
    timed(() =>
      execFileSync(process.execPath, [CX, 'report', 'lifecycle', '--known-at', new Date(at).toISOString()], { env, encoding: 'utf8' }),
    );
  // Now: every event is known and the views stand at the head, so the live views answer; half-way: a replay of what was known then.
  const now = knownAt(Date.now());
  const halfWay = knownAt(dataset.halfRecordedAt);
  const size = `${dataset.events} events`;
  return [
    { name: `cx verify hash chains (${label}, ${size})`, value: chainRate, unit: 'events/s' },
    { name: `cx verify chains + views compared (${label}, ${size})`, value: Math.round(dataset.events / verify.seconds), unit: 'events/s' },
    { name: `cx report lifecycle --known-at now (${label}, ${size})`, value: Math.round(now.seconds * 10) / 10, unit: 's' },
    { name: `cx report lifecycle --known-at half-way (${label}, ${size})`, value: Math.round(halfWay.seconds * 10) / 10, unit: 's' },
  ];
}

function timed(run: () => string): { output: string; seconds: number } {
  const started = performance.now();
  const output = run();
  return { output, seconds: (performance.now() - started) / 1000 };
}

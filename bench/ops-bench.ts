import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { BenchRow } from './bench-row';
import type { Dataset } from './simulated-dataset';

// Compiled to dist/bench: the CLI is at the repository's bin/.
const CX = join(__dirname, '..', '..', 'bin', 'cx.js');

/** Issue 8's figures: `cx verify` (chains and a row-by-row comparison of every view) and a `--known-at` report, as ops run them. */
export function benchOps(dataset: Dataset, label: string): BenchRow[] {
  const env = { ...process.env, ...dataset.env, LOG_LEVEL: 'silent' };
  const verify = timed(() => execFileSync(process.execPath, [CX, 'verify'], { env, encoding: 'utf8' }));
  const chainRate = Number(/\((\d+) events\/s\)/.exec(verify.output)?.[1] ?? 0);
  const knownAt = timed(() =>
    execFileSync(process.execPath, [CX, 'report', 'lifecycle', '--known-at', new Date().toISOString()], { env, encoding: 'utf8' }),
  );
  const size = `${dataset.events} events`;
  return [
    { name: `cx verify hash chains (${label}, ${size})`, value: chainRate, unit: 'events/s' },
    { name: `cx verify chains + views compared (${label}, ${size})`, value: Math.round(dataset.events / verify.seconds), unit: 'events/s' },
    { name: `cx report lifecycle --known-at (${label}, ${size})`, value: Math.round(knownAt.seconds * 10) / 10, unit: 's' },
  ];
}

function timed(run: () => string): { output: string; seconds: number } {
  const started = performance.now();
  const output = run();
  return { output, seconds: (performance.now() - started) / 1000 };
}

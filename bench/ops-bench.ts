import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SnapshotManifest } from '@cx/projection';
import type { BenchRow } from './bench-row';
import type { Dataset } from './simulated-dataset';

// Compiled to dist/bench: the CLI is at the repository's bin/.
const CX = join(__dirname, '..', '..', 'bin', 'cx.js');

/**
 * Issue 8's figures: `cx verify` (chains and a row-by-row comparison of every view) and `--known-at` reports, as ops run them:
 * one from the live views (known at now), one known half-way through the recording, and one just before the projector's
 * newest snapshot was all recorded (the longest tail after the snapshot before it; issue 13), each with where its answer came from.
 */
export function benchOps(dataset: Dataset, label: string): BenchRow[] {
  const env = { ...process.env, ...dataset.env, LOG_LEVEL: 'silent' };
  const verify = timed(() => cx(['verify'], env));
  const chainRate = Number(/\((\d+) events\/s\)/.exec(verify.output)?.[1] ?? 0);
  const knownAt = (at: number) => timed(() => cx(['report', 'lifecycle', '--known-at', new Date(at).toISOString()], env));
  const size = `${dataset.events} events`;
  const rows: BenchRow[] = [
    { name: `cx verify hash chains (${label}, ${size})`, value: chainRate, unit: 'events/s' },
    { name: `cx verify chains + views compared (${label}, ${size})`, value: Math.round(dataset.events / verify.seconds), unit: 'events/s' },
  ];
  const snapshots = snapshotsOf(dataset);
  const beforeNewest = snapshots.lifecycleRecordedBy.at(-1);
  const cases: Array<[string, number | undefined]> = [
    ['now', Date.now()],
    ['half-way', dataset.halfRecordedAt],
    ['just before the newest snapshot', beforeNewest === undefined ? undefined : beforeNewest - 1],
  ];
  for (const [name, at] of cases) {
    if (at === undefined) continue;
    const run = knownAt(at);
    rows.push({
      name: `cx report lifecycle --known-at ${name} (${label}, ${size}; ${answeredFrom(run.errors)})`,
      value: Math.round(run.seconds * 10) / 10,
      unit: 's',
    });
  }
  if (snapshots.count > 0)
    rows.push({
      name: `view snapshots kept (${label}, ${size}; ${snapshots.count} of them)`,
      value: Math.round(snapshots.bytes / 2 ** 20),
      unit: 'MiB',
    });
  return rows;
}

function cx(args: string[], env: NodeJS.ProcessEnv): { output: string; errors: string } {
  const run = spawnSync(process.execPath, [CX, ...args], { env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`cx ${args.join(' ')} failed: ${run.stderr}`);
  return { output: run.stdout, errors: run.stderr };
}

/** What `cx report --known-at` says on stderr about where its answer came from. */
function answeredFrom(stderr: string): string {
  if (stderr.includes('answered from the live views')) return 'live';
  if (stderr.includes('after a snapshot')) return 'snapshot+tail';
  return 'replay';
}

/** The embedded view store's snapshots: how many, their size, and when each lifecycle generation in them had all its events recorded. */
function snapshotsOf(dataset: Dataset): { count: number; bytes: number; lifecycleRecordedBy: number[] } {
  const dir = join(dataset.dataDir, 'views.sqlite.snapshots');
  if (!existsSync(dir)) return { count: 0, bytes: 0, lifecycleRecordedBy: [] };
  const manifests = readdirSync(dir)
    .filter((name) => name.startsWith('views-') && name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as SnapshotManifest);
  const bytes = manifests.reduce((sum, m) => sum + statSync(join(dir, m.file)).size, 0);
  const recordedBy = manifests.flatMap((m) =>
    m.generations.filter((g) => g.name === 'lifecycle' && g.checkpoint < dataset.events).map((g) => g.recordedBy),
  );
  return { count: manifests.length, bytes, lifecycleRecordedBy: [...new Set(recordedBy)].sort((a, b) => a - b) };
}

function timed<T>(run: () => T): T & { seconds: number } {
  const started = performance.now();
  const output = run();
  return { ...output, seconds: (performance.now() - started) / 1000 };
}

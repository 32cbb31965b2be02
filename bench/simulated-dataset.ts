import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulate } from '@cx/simulator';
import { benchContext, recordAll } from './bench-app';

export interface Dataset {
  dataDir: string;
  events: number;
  env: Record<string, string>;
  ingestSeconds: number;
  /** A wall-clock time at which about half of the events had been recorded (a past `knownAt` to ask about). */
  halfRecordedAt: number;
}

/**
 * A data folder holding `events` simulated events (SPEC §1.3 journeys, with duplicates
 * and late deliveries), recorded through the ingest command. Views are not built.
 */
export async function simulatedDataset(events: number, env: Record<string, string> = {}, seed = 42): Promise<Dataset> {
  const dataDir = env.CX_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'cx-bench-'));
  const fullEnv = { ...env, CX_DATA_DIR: dataDir, CX_ROLES: 'ingest' };
  const { app } = await benchContext(fullEnv);
  const started = performance.now();
  const end = Date.UTC(2026, 9, 1);
  const generated = simulate({
    customers: Math.max(10, Math.round(events / 25)),
    days: 540,
    seed,
    start: end - 540 * 86_400_000,
    now: end,
  });
  let halfRecordedAt = 0;
  await recordAll(app, take(generated, events), (n) => {
    if (halfRecordedAt === 0 && n >= events / 2) halfRecordedAt = Date.now();
    progress(`dataset: ${n}/${events} events`);
  });
  progress('');
  await app.close();
  return { dataDir, events, env: fullEnv, ingestSeconds: (performance.now() - started) / 1000, halfRecordedAt };
}

function* take<T>(items: Iterable<T>, count: number): Generator<T> {
  let n = 0;
  for (const item of items) {
    if (n++ >= count) return;
    yield item;
  }
}

export function progress(text: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K${text}`);
}

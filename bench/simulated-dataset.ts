import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simulate } from '@cx/simulator';
import { benchContext, recordAll } from './bench-app';
import { progress } from './progress';

export interface Dataset {
  dataDir: string;
  events: number;
  env: Record<string, string>;
  ingestSeconds: number;
  /** A wall-clock time at which about half of the events had been recorded (a past `knownAt` to ask about). */
  halfRecordedAt: number;
  /** The times of its first and last events (epoch ms): `asOf` samples are drawn between them. */
  firstTime: number;
  lastTime: number;
}

/**
 * A data folder holding `events` simulated events (SPEC §1.3 journeys, with duplicates
 * and late deliveries), recorded through the ingest command. Views are not built.
 */
export async function simulatedDataset(events: number, env: Partial<Record<string, string>> = {}, seed = 42): Promise<Dataset> {
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
  const span = { first: Infinity, last: -Infinity };
  await recordAll(app, spanned(take(generated, events), span), (n) => {
    if (halfRecordedAt === 0 && n >= events / 2) halfRecordedAt = Date.now();
    progress(`dataset: ${n}/${events} events`);
  });
  progress('');
  await app.close();
  const ingestSeconds = (performance.now() - started) / 1000;
  return { dataDir, events, env: fullEnv, ingestSeconds, halfRecordedAt, firstTime: span.first, lastTime: span.last };
}

/** The events as they go, noting the earliest and latest event time. */
function* spanned<T extends { time: string }>(events: Iterable<T>, span: { first: number; last: number }): Generator<T> {
  for (const event of events) {
    const time = Date.parse(event.time);
    span.first = Math.min(span.first, time);
    span.last = Math.max(span.last, time);
    yield event;
  }
}

/** The i-th of `count` instants spread over the dataset's events, in a scrambled order (so samples do not walk in time). */
export const instantIn = (dataset: Dataset, i: number, count: number): number =>
  dataset.firstTime + Math.floor((((i * 7919) % count) / Math.max(1, count - 1)) * (dataset.lastTime - dataset.firstTime));

function* take<T>(items: Iterable<T>, count: number): Generator<T> {
  let n = 0;
  for (const item of items) {
    if (n++ >= count) return;
    yield item;
  }
}

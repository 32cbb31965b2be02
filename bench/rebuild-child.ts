import { EVENT_STORE, EventStore } from '@cx/event-store';
import { collectGarbageSooner, Projection, ProjectionEngine, PROJECTIONS } from '@cx/projection';
import { benchContext } from './bench-app';
import { progress } from './progress';

/**
 * Runs in its own process so that its peak memory is the rebuild's alone:
 * `node rebuild-child.js <projection|all>` with the data's settings in the environment.
 * Prints one JSON line: events/s and peak RSS. "all" rebuilds every projection in one pass
 * over the log, as `cx rebuild` does.
 */
async function main(): Promise<void> {
  // As `cx` does.
  collectGarbageSooner();
  const target = process.argv[2] ?? 'all';
  const { app } = await benchContext(process.env as Record<string, string>);
  const engine = app.get(ProjectionEngine);
  const events = await app.get<EventStore>(EVENT_STORE).headPosition();
  const all = app.get<Projection[]>(PROJECTIONS);
  const chosen = target === 'all' ? all : all.filter((p) => p.name === target);
  const started = performance.now();
  await engine.rebuildHere(chosen, (checkpoint, head) => progress(`rebuild ${target}: ${checkpoint}/${head} events`));
  progress('');
  const seconds = (performance.now() - started) / 1000;
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${JSON.stringify({ target, events, seconds, eventsPerSecond: Math.round(events / seconds), peakRssMb })}\n`);
  await app.close();
}

void main();

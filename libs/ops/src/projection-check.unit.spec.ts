import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@cx/event-store/adapters';
import { LifecycleProjection, LoyaltyProjection, ProjectionRegistry, ProjectionRunner, SqliteViewStore } from '@cx/projection';
import { randomLedger } from '@cx/projection/testing';
import { openSqlite, SqliteWriter } from '@cx/sqlite';
import { DEFAULT_LIFECYCLE_SETTINGS } from '@cx/views';
import { checkProjections } from './projection-check';
import { logUpTo, proposed } from './testing/ledger-log';

const EVENTS = 600;
/** Where the lagging projection's live generation stands. */
const LAGGING_AT = 350;

/**
 * `cx verify` rebuilds every projection in one read of the log, each only up to its own live
 * checkpoint: a projection behind the others (its projector lagging, or stopped) is compared
 * with the fold of the events it has seen, not with the head.
 */
describe('checking live projections against one rebuild of them all', () => {
  const lifecycle = new LifecycleProjection(DEFAULT_LIFECYCLE_SETTINGS);
  const loyalty = new LoyaltyProjection();
  let dir: string;
  let events: SqliteEventStore;
  let views: SqliteViewStore;
  let registry: ProjectionRegistry;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cx-check-'));
    events = new SqliteEventStore(new SqliteWriter(openSqlite(join(dir, 'events.sqlite'))), { now: () => Date.UTC(2026, 11, 4) });
    const ledger = randomLedger(EVENTS, 20261204);
    for (let i = 0; i < ledger.length; i += 50) {
      const results = await events.append(
        ledger.slice(i, i + 50).map((event) => ({ streamId: event.customerId, events: [proposed(event)] })),
      );
      if (results.some((result) => !result.ok)) throw new Error(`batch ${i / 50} not appended`);
    }
    views = new SqliteViewStore(join(dir, 'views.sqlite'));
    registry = new ProjectionRegistry(views);
    await registry.ensureTables();
    for (const projection of [lifecycle, loyalty]) await registry.install(projection);
    await foldLive(lifecycle, events);
    await foldLive(loyalty, logUpTo(events, LAGGING_AT));
  }, 60_000);

  afterAll(async () => {
    await views.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('compares each projection at its own checkpoint, and finds both equal to the rebuild', async () => {
    const checks = await checkProjections({ events, views, registry }, [lifecycle, loyalty]);
    expect(Object.fromEntries(checks)).toEqual({
      lifecycle: { installed: true, checkpoint: EVENTS, differences: [], moved: false },
      loyalty: { installed: true, checkpoint: LAGGING_AT, differences: [], moved: false },
    });
  });

  it('names the table of a live row that no rebuild gives', async () => {
    await views.execute(`UPDATE survey_answers__g1 SET score = 11 WHERE position = (SELECT MIN(position) FROM survey_answers__g1)`);
    const checks = await checkProjections({ events, views, registry }, [lifecycle, loyalty]);
    const loyaltyCheck = checks.get('loyalty');
    expect({
      lifecycle: checks.get('lifecycle'),
      loyalty: loyaltyCheck?.installed && loyaltyCheck.differences.map((d) => [d.table, d.onlyLive.length, d.onlyRebuilt.length]),
    }).toEqual({
      lifecycle: { installed: true, checkpoint: EVENTS, differences: [], moved: false },
      loyalty: [['survey_answers', 1, 1]],
    });
  });

  async function foldLive(projection: LifecycleProjection | LoyaltyProjection, log: SqliteEventStore): Promise<void> {
    const runner = new ProjectionRunner(
      [{ projection, generation: 1 }],
      views,
      registry,
      log,
      { promoted: () => undefined, retired: () => undefined },
      { role: 'live', batchSize: 40 },
    );
    await runner.start();
    const head = await log.headPosition();
    while ((await registry.checkpoint(projection.name, 1)) < head) await new Promise((resolve) => setTimeout(resolve, 20));
    await runner.stop();
  }
});

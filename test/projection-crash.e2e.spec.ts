import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { client, KEYS } from './support/cx-server';
import { randomJourneys } from './support/random-journeys';
import { killHard, spawnServer } from './support/server-process';

const API_KEYS = `${KEYS.ingest}=ingest,${KEYS.ops}=ops`;

/**
 * SPEC §4.1: a projection killed at any point neither loses nor double-counts an event.
 * The views after repeated kill -9 must equal, row for row, a clean build from the same events.
 */
describe('projections across kill -9', () => {
  const dirs: string[] = [];
  const newDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'cx-crash-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('ends with the same rows as a clean build', async () => {
    const crashed = newDir();
    const writer = await spawnServer({ CX_DATA_DIR: crashed, CX_API_KEYS: API_KEYS, CX_ROLES: 'ingest' });
    const events = randomJourneys(40_000, 7);
    for (let i = 0; i < events.length; i += 1000) {
      const answer = await client(writer.url, KEYS.ingest).post('/v1/events', events.slice(i, i + 1000));
      expect(answer.status).toBe(202);
    }
    await killHard(writer);

    // Each projector is killed a little after some batch of it committed: mid-way through the next one.
    const killPoints = [150, 400, 250, 700, 300];
    for (const delay of killPoints) {
      const before = progress(crashed);
      const projector = await spawnServer({ CX_DATA_DIR: crashed, CX_API_KEYS: API_KEYS, CX_ROLES: 'projector' });
      await until(() => progress(crashed) > before);
      await new Promise((resolve) => setTimeout(resolve, delay));
      await killHard(projector);
    }
    const progressAtLastKill = checkpoints(crashed);
    const finisher = await spawnServer({ CX_DATA_DIR: crashed, CX_API_KEYS: API_KEYS, CX_ROLES: 'projector' });
    await waitUntilCaughtUp(crashed);
    await killHard(finisher);

    const clean = newDir();
    for (const file of ['events.sqlite', 'events.sqlite-wal', 'events.sqlite-shm']) {
      if (existsSync(join(crashed, file))) copyFileSync(join(crashed, file), join(clean, file));
    }
    const builder = await spawnServer({ CX_DATA_DIR: clean, CX_API_KEYS: API_KEYS, CX_ROLES: 'projector' });
    await waitUntilCaughtUp(clean);
    await killHard(builder);

    // The kills landed mid-way: some projection had started and none had finished.
    expect(Object.values(progressAtLastKill).some((p) => p > 0)).toBe(true);
    const crashedRows = projectionRows(crashed);
    expect(Object.keys(crashedRows).length).toBeGreaterThanOrEqual(3);
    for (const [view, rows] of Object.entries(projectionRows(clean))) {
      expect({ view, rows: crashedRows[view] }).toEqual({ view, rows });
    }
    // Seven server starts and two catch-ups of 40,000 events: minutes on a loaded machine.
  }, 300_000);
});

function checkpoints(dataDir: string): Record<string, number> {
  const db = new Database(join(dataDir, 'views.sqlite'), { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT c.name, c.position FROM projection_checkpoints c JOIN projections p ON p.name = c.name AND p.active_generation = c.generation`,
      )
      .all() as Array<{ name: string; position: number }>;
    return Object.fromEntries(rows.map((r) => [r.name, r.position]));
  } finally {
    db.close();
  }
}

/** The sum of the live checkpoints: it grows whenever a batch of some projection commits. */
function progress(dataDir: string): number {
  if (!existsSync(join(dataDir, 'views.sqlite'))) return 0;
  try {
    return Object.values(checkpoints(dataDir)).reduce((sum, p) => sum + p, 0);
  } catch {
    return 0; // the projector is still making its tables
  }
}

async function until(condition: () => boolean, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('no projection batch committed in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function waitUntilCaughtUp(dataDir: string, timeoutMs = 90_000): Promise<void> {
  const events = new Database(join(dataDir, 'events.sqlite'), { readonly: true });
  const head = (events.prepare('SELECT MAX(position) AS head FROM events').get() as { head: number }).head;
  events.close();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (existsSync(join(dataDir, 'views.sqlite'))) {
      const positions = Object.values(checkpoints(dataDir));
      if (positions.length > 0 && positions.every((p) => p >= head)) return;
    }
    if (Date.now() > deadline) throw new Error(`projections did not catch up to ${head}: ${JSON.stringify(checkpoints(dataDir))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every row of every projection view, in a canonical order. */
function projectionRows(dataDir: string): Record<string, string[]> {
  const db = new Database(join(dataDir, 'views.sqlite'), { readonly: true });
  try {
    const views = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name`).all() as Array<{ name: string }>;
    return Object.fromEntries(
      views.map(({ name }) => [name, (db.prepare(`SELECT * FROM "${name}"`).all() as object[]).map((r) => JSON.stringify(r)).sort()]),
    );
  } finally {
    db.close();
  }
}

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectorThread } from '../apps/server/src/projector-thread';
import { client, KEYS, RunningServer, startServer } from './support/cx-server';
import { eventually } from './support/eventually';
import { spawnServer } from './support/server-process';
import { present } from '@cx/views/testing';

const API_KEYS = `${KEYS.ingest}=ingest,${KEYS.analyst}=analyst,${KEYS.ops}=ops`;

/**
 * Posts events to an ingest process and waits, reading views.sqlite, until every projection
 * has folded them, all from a child process that the test waits for synchronously: the
 * server's main thread (this one) serves nothing meanwhile, so only another thread can fold.
 */
const FOLD_WHILE_BLOCKED = `
const Database = require('better-sqlite3');
const [url, key, views, count] = process.argv.slice(1);
(async () => {
  const events = Array.from({ length: Number(count) }, (_, i) => ({
    specversion: '1.0', id: 'blocked-' + i, source: '/channels/test', type: 'cx.interaction.recorded.v1',
    time: new Date(Date.UTC(2025, 0, 1) + i * 60000).toISOString(),
    data: { customer: { id: 'c-' + (i % 20) }, channel: 'phone', direction: 'inbound', durationSeconds: 60 },
  }));
  const answer = await fetch(url + '/v1/events', {
    method: 'POST', headers: { authorization: 'Bearer ' + key, 'content-type': 'application/json' }, body: JSON.stringify(events),
  });
  const last = Math.max(...(await answer.json()).map((r) => r.position));
  const db = new Database(views, { readonly: true });
  const lowest = () => db.prepare('SELECT MIN(c.position) AS p FROM projection_checkpoints c JOIN projections r ON r.name = c.name AND r.active_generation = c.generation').get().p;
  const deadline = Date.now() + 60000;
  while (lowest() < last) {
    if (Date.now() > deadline) { console.log('stuck at ' + lowest() + ' of ' + last); process.exit(1); }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  console.log(last);
})();
`;

describe('the projector thread (CX_PROJECTOR_THREAD=on, the default)', () => {
  let dataDir: string;
  let server: RunningServer;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cx-projector-thread-'));
    server = await startServer({ CX_DATA_DIR: dataDir, CX_API_KEYS: API_KEYS, CX_ROLES: 'projector,query' });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('folds the views while the main thread is busy', async () => {
    const ingest = await spawnServer({ CX_DATA_DIR: dataDir, CX_API_KEYS: API_KEYS, CX_ROLES: 'ingest' });
    try {
      const folded = execFileSync(
        process.execPath,
        ['-e', FOLD_WHILE_BLOCKED, ingest.url, KEYS.ingest, join(dataDir, 'views.sqlite'), '300'],
        {
          cwd: join(__dirname, '..'),
          encoding: 'utf8',
        },
      );
      expect(Number(folded)).toBeGreaterThanOrEqual(300);
    } finally {
      ingest.child.kill('SIGTERM');
    }
  });

  it('shows a thread that ended unasked as failing, starts another, and loses no event', async () => {
    const ops = client(server.url, KEYS.ops);
    await eventually(async () => expect((await ops.get('/v1/ops/projections')).body.projections[0].state).toBe('live'));
    await present(server.app.get(ProjectorThread).current).terminate();

    await eventually(async () => {
      const { projections } = (await ops.get('/v1/ops/projections')).body;
      expect(projections.map((p: { state: string }) => p.state)).toEqual(projections.map(() => 'failing'));
      expect(projections[0].error).toMatch(/projector thread ended \(exit code 1\); restarting it in \d+ ms/);
    });
    const ingest = await spawnServer({ CX_DATA_DIR: dataDir, CX_API_KEYS: API_KEYS, CX_ROLES: 'ingest' });
    try {
      const [stored] = (await client(ingest.url, KEYS.ingest).post('/v1/events', [journeyEvent('after-crash')])).body;
      const read = await client(server.url, KEYS.analyst).get(`/v1/reports/lifecycle?after=${stored.position}`);
      expect(read.status).toBe(200);
    } finally {
      ingest.child.kill('SIGTERM');
    }
    await eventually(async () => {
      const { projections } = (await ops.get('/v1/ops/projections')).body;
      expect(projections.map((p: { state: string; lag: number }) => [p.state, p.lag])).toEqual(projections.map(() => ['live', 0]));
    });
    expect((await ops.get('/metrics')).body).toMatch(/^cx_projector_thread_restarts_total 1$/m);
  });
});

function journeyEvent(id: string) {
  return {
    specversion: '1.0',
    id,
    source: '/channels/test',
    type: 'cx.interaction.recorded.v1',
    time: '2025-03-01T10:00:00Z',
    data: { customer: { id: 'c-crash' }, channel: 'email', direction: 'inbound', durationSeconds: 30 },
  };
}

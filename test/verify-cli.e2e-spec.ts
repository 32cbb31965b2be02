import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { client, KEYS, RunningServer, startServer } from './support/cx-server';
import { interaction } from './support/cloud-events';

const CX = join(__dirname, '..', 'bin', 'cx.js');
const cx = (dataDir: string, ...args: string[]) =>
  spawnSync(process.execPath, [CX, ...args], { env: { ...process.env, CX_DATA_DIR: dataDir, CX_API_KEYS: 'k=ops' }, encoding: 'utf8' });

/** SPEC §4.2 on the embedded store: `cx verify` names the first event that was altered by hand. */
describe('cx verify (embedded store)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
    const ingest = client(server.url, KEYS.ingest);
    for (let i = 0; i < 3; i++) {
      await ingest.post('/v1/events', [interaction({ id: 'cust-a' }), interaction({ id: 'cust-b' }), interaction({ id: 'cust-a' })]);
    }
  });
  afterAll(async () => server.close());

  it('passes on an untouched store', () => {
    const run = cx(server.dataDir, 'verify');
    expect(run.stdout).toMatch(/^ok: 9 events in 2 streams check/);
    expect(run.status).toBe(0);
  });

  it('names an event whose stored data was altered, and one whose link was cut', () => {
    const db = new Database(join(server.dataDir, 'events.sqlite'));
    try {
      const row = db.prepare('SELECT stream_id, revision, event_id FROM events WHERE position = 5').get() as { stream_id: string; revision: number; event_id: string };
      db.prepare(`UPDATE events SET data = json_set(data, '$.channel', 'email') WHERE position = 5`).run();
      const altered = cx(server.dataDir, 'verify');
      expect(altered.status).toBe(1);
      expect(altered.stdout).toContain(`FAILED: event at position 5 (stream ${row.stream_id}, revision ${row.revision}, source /channels/test, id ${row.event_id}): content_altered`);

      db.prepare(`UPDATE events SET data = json_set(data, '$.channel', 'phone') WHERE position = 5`).run();
      expect(cx(server.dataDir, 'verify').status).toBe(0);

      db.prepare(`UPDATE events SET previous_hash = ? WHERE position = 7`).run('0'.repeat(64));
      const cut = cx(server.dataDir, 'verify');
      expect(cut.status).toBe(1);
      expect(cut.stdout).toMatch(/position 7 .*chain_broken/);
    } finally {
      db.close();
    }
  });
});

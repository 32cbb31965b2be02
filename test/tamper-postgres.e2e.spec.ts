import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describeWithPostgres, withClient, stopIfStarted } from '@cx/event-store/testing';
import { client, KEYS, RunningServer, startServer } from './support/cx-server';
import { interaction } from './support/cloud-events';

const CX = join(__dirname, '..', 'bin', 'cx.js');

/** SPEC §4.2 on PostgreSQL: a stored row altered by hand is named by `cx verify` and by the audit route. */
describeWithPostgres('tamper evidence on PostgreSQL', (database) => {
  let server: RunningServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    env = { CX_EVENT_STORE: 'postgres', CX_VIEW_STORE: 'postgres', CX_POSTGRES_URL: database.url };
    server = await startServer(env);
    const ingest = client(server.url, KEYS.ingest);
    for (let i = 0; i < 3; i++) await ingest.post('/v1/events', [interaction({ id: 'TAMPER1' }), interaction({ id: 'TAMPER2' })]);
  });
  afterAll(async () => stopIfStarted(server, (it) => it.close()));

  const verify = () =>
    spawnSync(process.execPath, [CX, 'verify'], {
      env: { ...process.env, ...env, CX_DATA_DIR: server.dataDir, CX_API_KEYS: 'k=ops', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
    });

  it('checks an untouched store, then names the event whose data was changed by hand', async () => {
    expect(verify().stdout).toMatch(/^ok: 6 events in 2 streams check/);
    const row = await withClient(database.url, async (pg) => {
      const { rows } = await pg.query(
        `SELECT position, stream_id, revision FROM cx_events.events WHERE stream_id = 'TAMPER1' AND revision = 1`,
      );
      await pg.query(
        `UPDATE cx_events.events SET data = json_build_object('customer', json_build_object('id', 'TAMPER1'), 'channel', 'email', 'direction', 'inbound') WHERE position = $1`,
        [rows[0].position],
      );
      return rows[0] as { position: string; stream_id: string; revision: number };
    });
    const run = verify();
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`FAILED: event at position ${row.position} (stream TAMPER1, revision 1,`);
    expect(run.stdout).toContain('content_altered');
    const audit = await client(server.url, KEYS.ops).get('/v1/ops/customers/TAMPER1/audit');
    expect(audit.body.chainIntact).toBe(false);
    expect(audit.body.events.filter((e: { chainChecks: boolean }) => !e.chainChecks).map((e: { position: number }) => e.position)).toEqual([
      Number(row.position),
    ]);
  });
});

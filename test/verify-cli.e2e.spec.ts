import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { client, KEYS, RunningServer, startServer } from './support/cx-server';
import { interaction, purchase } from './support/cloud-events';

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
      const row = db.prepare('SELECT stream_id, revision, event_id FROM events WHERE position = 5').get() as {
        stream_id: string;
        revision: number;
        event_id: string;
      };
      db.prepare(`UPDATE events SET data = json_set(data, '$.channel', 'email') WHERE position = 5`).run();
      const altered = cx(server.dataDir, 'verify');
      expect(altered.status).toBe(1);
      expect(altered.stdout).toContain(
        `FAILED: event at position 5 (stream ${row.stream_id}, revision ${row.revision}, source /channels/test, id ${row.event_id}): content_altered`,
      );

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

/** SPEC §3 and issue 8: verify compares views with a rebuild; audit, report --known-at and replay from the outside. */
describe('cx ops commands (embedded store)', () => {
  let server: RunningServer;
  let knownAt: string;
  let after = 0;
  beforeAll(async () => {
    server = await startServer();
    const ingest = client(server.url, KEYS.ingest);
    const first = await ingest.post('/v1/events', [
      purchase({ email: 'ops@example.com' }, { time: '2026-01-05T00:00:00Z' }),
      purchase({ id: 'OPS1' }, { time: '2026-01-06T00:00:00Z' }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    knownAt = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 30));
    const second = await ingest.post('/v1/events', [
      interaction({ id: 'OPS2', email: 'ops@example.com' }, { time: '2026-01-07T00:00:00Z' }),
      purchase({ id: 'OPS1' }, { time: '2026-01-08T00:00:00Z' }),
    ]);
    after = Math.max(...[...first.body, ...second.body].map((r: { position: number }) => r.position));
    await client(server.url, KEYS.analyst).get(`/v1/customers/OPS1?after=${after}`);
  });
  afterAll(async () => server.close());

  it('finds the views equal to a rebuild, and names a table whose row was altered', () => {
    expect(cx(server.dataDir, 'verify').stdout).toMatch(/ok: lifecycle matches a rebuild at position \d+/);
    const db = new Database(join(server.dataDir, 'views.sqlite'));
    try {
      db.prepare(`UPDATE customers__g1 SET purchases = 99 WHERE customer_id = 'OPS1'`).run();
    } finally {
      db.close();
    }
    const run = cx(server.dataDir, 'verify');
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('FAILED: lifecycle differs from a rebuild');
    expect(run.stdout).toMatch(/customers: 1 row\(s\) only live, 1 only rebuilt/);
  });

  it('rebuilds a projection beside the live one, switches to it and drops the old one (cx rebuild)', () => {
    const run = cx(server.dataDir, 'rebuild', 'lifecycle');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/lifecycle: generation 2 is live/);
    // The row altered by hand above was in generation 1: the rebuild is equal to the events again, and generation 1 is gone.
    expect(cx(server.dataDir, 'verify').stdout).toMatch(/ok: lifecycle matches a rebuild at position \d+/);
    const db = new Database(join(server.dataDir, 'views.sqlite'), { readonly: true });
    try {
      expect(db.prepare(`SELECT name FROM sqlite_master WHERE name LIKE 'customers__g%'`).all()).toEqual([{ name: 'customers__g2' }]);
    } finally {
      db.close();
    }
    expect(cx(server.dataDir, 'rebuild', 'nope').status).toBe(2);
  });

  it('answers a report as known at a past time, from the events recorded by then', () => {
    const then = JSON.parse(cx(server.dataDir, 'report', 'lifecycle', '--known-at', knownAt, '--as-of', '2026-02-01T00:00:00Z').stdout);
    // By then: an anonymous buyer and OPS1 with one purchase each; the merge and OPS1's second purchase came later.
    expect(then.report.stages).toMatchObject({ new: 2, active: 0 });
    const now = JSON.parse(
      cx(server.dataDir, 'report', 'lifecycle', '--known-at', new Date().toISOString(), '--as-of', '2026-02-01T00:00:00Z').stdout,
    );
    expect(now.report.stages).toMatchObject({ new: 1, active: 1 });
    expect(cx(server.dataDir, 'report', 'nope', '--known-at', knownAt).status).toBe(2);
  });

  it('audits a customer with its merged history, over HTTP and the CLI, and limits it by knownAt', async () => {
    const ops = client(server.url, KEYS.ops);
    const all = await ops.get('/v1/ops/customers/OPS2/audit');
    expect(all.status).toBe(200);
    expect(all.body.chainIntact).toBe(true);
    expect(all.body.events.map((e: { type: string }) => e.type)).toEqual([
      'cx.purchase.completed.v1',
      'cx.interaction.recorded.v1',
      'cx.customer.merged.v1',
    ]);
    expect(all.body.events[0]).toMatchObject({
      source: '/channels/test',
      chainChecks: true,
      recordedAt: expect.any(String),
      position: expect.any(Number),
    });
    const then = await ops.get(`/v1/ops/customers/OPS2/audit?knownAt=${knownAt}`);
    expect(then.body.events).toHaveLength(1);
    expect((await ops.get('/v1/ops/customers/nobody/audit')).status).toBe(404);
    expect((await client(server.url, KEYS.analyst).get('/v1/ops/customers/OPS2/audit')).status).toBe(403);
    const lines = cx(server.dataDir, 'audit', 'customer', 'OPS2')
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.position)).toEqual(all.body.events.map((e: { position: number }) => e.position));
    expect(cx(server.dataDir, 'audit', 'customer', 'OPS2', '--format', 'csv').stdout.split('\r\n')[0]).toBe(
      'position,streamId,revision,recordedAt,time,source,id,type,hash,previousHash,chainChecks',
    );
    expect(cx(server.dataDir, 'audit', 'person', 'x').status).toBe(2);
  });

  it('replays a customer as CloudEvents with their positions', () => {
    const lines = cx(server.dataDir, 'replay', '--to-file', '-', '--customer', 'OPS2')
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(['cx.purchase.completed.v1', 'cx.interaction.recorded.v1', 'cx.customer.merged.v1']);
    expect(lines[0]).toMatchObject({
      specversion: '1.0',
      source: '/channels/test',
      cxposition: expect.any(Number),
      cxcustomerid: expect.stringMatching(/^anon-/),
    });
  });
});

import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithPostgres, withClient } from '@cx/event-store/testing';
import { client, KEYS } from './support/cx-server';
import { interaction, purchase } from './support/cloud-events';
import { killHard, ServerProcess, spawnServer } from './support/server-process';

const API_KEYS = `${KEYS.ingest}=ingest,${KEYS.analyst}=analyst`;
const CX = join(__dirname, '..', 'bin', 'cx.js');
const CUSTOMERS = 60;
const KILLS = 5;

/**
 * SPEC §4.1 and issue 15: identity links, merges and the events that caused them are
 * stored together. Customers are first seen by e-mail only, then named (a purchase with
 * an id and the same e-mail); the server is killed with SIGKILL at random moments while
 * batches are in flight, and every unanswered batch is sent again, the same batch, after
 * the restart. At the end every anonymous history is under its named customer.
 */
function describeIdentityCrash(label: string, storeEnv: () => Record<string, string>, failAppends: FailureSwitch) {
  describe(`identity with events across kill -9 (${label})`, () => {
    let dataDir: string;
    beforeAll(() => (dataDir = mkdtempSync(join(tmpdir(), 'cx-identity-crash-'))));
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
    const env = () => ({ CX_DATA_DIR: dataDir, CX_API_KEYS: API_KEYS, CX_ROLES: 'ingest,projector,query', ...storeEnv() });

    it('ends with every anonymous history under its named customer', async () => {
      const batches = journeyBatches('crash');
      let server = await spawnServer(env());
      let next = 0;
      for (let kill = 0; kill < KILLS; kill++) {
        const sending = sendFrom(server, batches, next);
        await sleep(100 + Math.random() * 600);
        await killHard(server);
        next = await sending;
        server = await spawnServer(env());
      }
      next = await sendFrom(server, batches, next);
      expect(next).toBe(batches.length);
      try {
        await expectMergedHistories(server, 'crash');
      } finally {
        await killHard(server);
      }
      expectVerifyPasses(env());
    });

    it('keeps nothing of a batch whose append fails part way, and merges when it is sent again', async () => {
      const server = await spawnServer(env());
      try {
        const ingest = client(server.url, KEYS.ingest);
        const anonymous = Array.from({ length: 10 }, (_, i) =>
          interaction({ email: `fail-${i}@example.com` }, { time: '2026-01-01T00:00:00Z' }),
        );
        expect((await ingest.post('/v1/events', anonymous)).body.every((r: { status: string }) => r.status === 'accepted')).toBe(true);
        const named = Array.from({ length: 10 }, (_, i) =>
          purchase({ id: `FAIL-${i}`, email: `fail-${i}@example.com` }, { time: '2026-01-02T00:00:00Z' }),
        );
        const boom = interaction({ id: 'FAIL-BOOM' }, { id: 'boom-on-insert', time: '2026-01-02T00:00:00Z' });
        await failAppends.on(dataDir, 'boom-on-insert');
        const failed = await ingest.post('/v1/events', [...named, boom]);
        expect(failed.status).toBeGreaterThanOrEqual(500);
        await failAppends.off(dataDir);
        const again = await ingest.post('/v1/events', named);
        expect(again.body.every((r: { status: string }) => r.status === 'accepted')).toBe(true);
        const analyst = client(server.url, KEYS.analyst);
        const after = Math.max(...again.body.map((r: { position: number }) => r.position));
        for (let i = 0; i < 10; i++) {
          const timeline = await analyst.get(`/v1/customers/FAIL-${i}/timeline?after=${after}`);
          expect(timeline.body.events.map((e: { id: string }) => e.id)).toContain(anonymous[i].id);
        }
      } finally {
        await killHard(server);
      }
      expectVerifyPasses(env());
    });
  });
}

interface FailureSwitch {
  on(dataDir: string, eventId: string): Promise<void>;
  off(dataDir: string): Promise<void>;
}

/** Per customer: an interaction by e-mail only, then a purchase naming the customer with the same e-mail; batches of 20 mix customers. */
function journeyBatches(tag: string): Array<Array<Record<string, unknown>>> {
  const events: Array<Record<string, unknown>> = [];
  for (let i = 0; i < CUSTOMERS; i++)
    events.push(interaction({ email: `${tag}-${i}@example.com` }, { id: `${tag}-anon-${i}`, time: '2026-01-01T00:00:00Z' }));
  for (let i = 0; i < CUSTOMERS; i++)
    events.push(
      purchase(
        { id: `${tag.toUpperCase()}-${i}`, email: `${tag}-${i}@example.com` },
        { id: `${tag}-named-${i}`, time: '2026-01-02T00:00:00Z' },
      ),
    );
  const batches: Array<Array<Record<string, unknown>>> = [];
  // Small batches, so that kills land in many different places; anonymous and named events of other customers side by side.
  for (let i = 0; i < events.length; i += 4) batches.push(events.slice(i, i + 4));
  return batches;
}

/** Sends batches in order from `first`, each until it is answered; answers the index of the first batch not answered (the process died). */
async function sendFrom(server: ServerProcess, batches: Array<Array<Record<string, unknown>>>, first: number): Promise<number> {
  const ingest = client(server.url, KEYS.ingest);
  for (let i = first; i < batches.length; i++) {
    try {
      const answer = await ingest.post('/v1/events', batches[i]);
      expect(answer.status).toBe(202);
      for (const result of answer.body) expect(['accepted', 'duplicate']).toContain(result.status);
    } catch (error) {
      // fetch fails with a TypeError when the connection dies with the process; anything else is a real failure.
      if ((error as Error).name !== 'TypeError') throw error;
      return i;
    }
  }
  return batches.length;
}

async function expectMergedHistories(server: ServerProcess, tag: string): Promise<void> {
  const analyst = client(server.url, KEYS.analyst);
  const head = (await client(server.url).get('/health')).body.info.eventStore.headPosition as number;
  for (let i = 0; i < CUSTOMERS; i++) {
    const timeline = await analyst.get(`/v1/customers/${tag.toUpperCase()}-${i}/timeline?limit=100&after=${head}`);
    expect({ customer: i, ids: timeline.body.events.map((e: { id: string }) => e.id) }).toEqual({
      customer: i,
      ids: expect.arrayContaining([`${tag}-anon-${i}`, `${tag}-named-${i}`]),
    });
  }
}

/** `cx verify` checks the hash chains, that every merge of the directory has its event, and the views. */
function expectVerifyPasses(env: Record<string, string>): void {
  const cx = spawnSync(process.execPath, [CX, 'verify'], { env: { ...process.env, ...env }, encoding: 'utf8' });
  expect({ status: cx.status, output: cx.stdout + cx.stderr }).toEqual({
    status: 0,
    output: expect.stringContaining('every identity merge has its merge event'),
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A trigger that aborts the insert of one event id: an append failing in the middle of a batch, from outside the process. */
const sqliteFailure: FailureSwitch = {
  async on(dataDir, eventId) {
    const db = new Database(join(dataDir, 'events.sqlite'));
    db.exec(
      `CREATE TRIGGER fail_one BEFORE INSERT ON events WHEN NEW.event_id = '${eventId}' BEGIN SELECT RAISE(ABORT, 'injected failure'); END`,
    );
    db.close();
  },
  async off(dataDir) {
    const db = new Database(join(dataDir, 'events.sqlite'));
    db.exec('DROP TRIGGER fail_one');
    db.close();
  },
};

describeIdentityCrash('embedded store', () => ({}), sqliteFailure);

describeWithPostgres('identity with events across kill -9 on PostgreSQL', (database) => {
  const postgresFailure: FailureSwitch = {
    async on(_dataDir, eventId) {
      await withClient(database.url, (pg) =>
        pg.query(
          `
        CREATE FUNCTION cx_events.fail_one() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.event_id = '${eventId}' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$;
        CREATE TRIGGER fail_one BEFORE INSERT ON cx_events.events FOR EACH ROW EXECUTE FUNCTION cx_events.fail_one();`,
        ),
      );
    },
    async off() {
      await withClient(database.url, (pg) => pg.query('DROP TRIGGER fail_one ON cx_events.events; DROP FUNCTION cx_events.fail_one();'));
    },
  };
  describeIdentityCrash(
    'PostgreSQL',
    () => ({ CX_EVENT_STORE: 'postgres', CX_VIEW_STORE: 'postgres', CX_POSTGRES_URL: database.url }),
    postgresFailure,
  );
});

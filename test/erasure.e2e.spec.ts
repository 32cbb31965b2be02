import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { anonymousCustomerId } from '@cx/identity';
import { describeWithPostgres } from '@cx/event-store/testing';
import { client, KEYS, RunningServer, startServer } from './support/cx-server';
import { eventually } from './support/eventually';
import { cloudEvent, interaction, purchase } from './support/cloud-events';

const CX = join(__dirname, '..', 'bin', 'cx.js');
const SECRET = {
  email: 'Forget.Me@Example.com',
  phone: '+44 20 7946 0999',
  name: 'Ada Secretname',
  comment: 'my secret comment',
  summary: 'secret call summary',
};
const lastPosition = (answer: { body: Array<{ position?: number }> }) => Math.max(...answer.body.map((r) => r.position ?? 0));
const READS = [
  '/v1/customers/ERASE1?asOf=2026-06-01T00:00:00Z',
  '/v1/reports/lifecycle?asOf=2026-06-01T00:00:00Z',
  '/v1/reports/loyalty?from=2026-01-01T00:00:00Z&to=2026-06-01T00:00:00Z',
  '/v1/reports/loyalty?from=2026-01-01T00:00:00Z&to=2026-06-01T00:00:00Z&groupBy=team',
  '/v1/reports/handoffs?from=2026-01-01T00:00:00Z&to=2026-06-01T00:00:00Z',
];

/** SPEC §4.3: erasure without rewriting history, from the outside. */
function describeErasure(label: string, env: () => Record<string, string>): void {
  describe(`forgetting a customer (${label})`, () => {
    let server: RunningServer;
    let after = 0;
    const answered = cloudEvent(
      'cx.survey.answered.v1',
      { customer: { id: 'ERASE1' }, survey: 'nps', score: 9, comment: SECRET.comment, team: 'care' },
      { time: '2026-01-11T00:00:00Z' },
    );
    const ingest = () => client(server.url, KEYS.ingest);
    const analyst = () => client(server.url, KEYS.analyst);
    const ops = () => client(server.url, KEYS.ops);
    const snapshot = async () =>
      Promise.all(READS.map(async (path) => (await analyst().get(`${path}${path.includes('?') ? '&' : '?'}after=${after}`)).body));

    beforeAll(async () => {
      server = await startServer(env());
      const posts = [
        [interaction({ email: SECRET.email }, { time: '2026-01-05T00:00:00Z' }, { summary: SECRET.summary, team: 'care' })],
        [
          purchase({ id: 'ERASE1', email: SECRET.email, phone: SECRET.phone }, { time: '2026-01-10T00:00:00Z' }),
          answered,
          cloudEvent(
            'cx.customer.profiled.v1',
            { customer: { id: 'ERASE1' }, name: SECRET.name, segment: 'gold' },
            { time: '2026-01-12T00:00:00Z' },
          ),
          cloudEvent(
            'cx.case.opened.v1',
            { customer: { id: 'ERASE1' }, caseId: 'ERASE-K1', category: 'complaint', channel: 'phone', team: 'care' },
            { time: '2026-01-13T00:00:00Z' },
          ),
          purchase({ id: 'KEEP1', email: 'keep@example.com' }, { time: '2026-01-10T00:00:00Z' }),
        ],
      ];
      for (const events of posts) after = Math.max(after, lastPosition(await ingest().post('/v1/events', events)));
    });
    afterAll(async () => server.close());

    it('redacts every personal field everywhere, keeps every metric, and the chains still check', async () => {
      const before = await snapshot();
      const timelineBefore = await analyst().get('/v1/customers/ERASE1/timeline');
      expect(JSON.stringify(timelineBefore.body)).toContain(SECRET.comment);

      const forgotten = await ops().post('/v1/ops/customers/ERASE1/forget');
      expect(forgotten.status).toBe(200);
      expect(forgotten.body).toMatchObject({
        customerId: 'ERASE1',
        streams: ['ERASE1', anonymousCustomerId(`email:${SECRET.email.toLowerCase()}`)],
        keysDestroyed: 2,
      });
      after = forgotten.body.position;

      expect(await snapshot()).toEqual(before);
      const timeline = await analyst().get(`/v1/customers/ERASE1/timeline?after=${after}`);
      const text = JSON.stringify(timeline.body);
      for (const secret of Object.values(SECRET)) expect(text).not.toContain(secret);
      expect(text).toContain('[redacted]');
      expect(timeline.body.events.at(-1).type).toBe('cx.customer.forgotten.v1');
      const kept = await analyst().get('/v1/customers/KEEP1/timeline');
      expect(kept.body.events[0].data.customer.email).toBe('keep@example.com');

      const audit = await ops().get('/v1/ops/customers/ERASE1/audit');
      expect(audit.body.chainIntact).toBe(true);
    });

    it('gives the same views after a rebuild', async () => {
      const before = await snapshot();
      for (const name of ['lifecycle', 'loyalty', 'cases'])
        expect((await ops().post(`/v1/ops/projections/${name}/rebuild`)).status).toBe(202);
      await eventually(async () => {
        const status = await ops().get('/v1/ops/projections');
        expect(status.body.projections.every((p: { rebuilding: unknown }) => p.rebuilding === null)).toBe(true);
      });
      expect(await snapshot()).toEqual(before);
    });

    it('answers a resend of a forgotten event as a duplicate, and forgets again a customer heard from again', async () => {
      const [again] = (await ingest().post('/v1/events', answered)).body;
      expect(again.status).toBe('duplicate');
      const [newer] = (
        await ingest().post('/v1/events', interaction({ id: 'ERASE1' }, { time: '2026-02-01T00:00:00Z' }, { summary: 'a newer call' }))
      ).body;
      const timeline = await analyst().get(`/v1/customers/ERASE1/timeline?after=${newer.position}`);
      expect(JSON.stringify(timeline.body)).toContain('a newer call');
      expect(JSON.stringify(timeline.body)).not.toContain(SECRET.comment);
      const second = await ops().post('/v1/ops/customers/ERASE1/forget');
      expect(second.status).toBe(200);
      expect(second.body.keysDestroyed).toBe(1);
      expect(JSON.stringify((await analyst().get(`/v1/customers/ERASE1/timeline?after=${second.body.position}`)).body)).not.toContain(
        'a newer call',
      );
      const third = await ops().post('/v1/ops/customers/ERASE1/forget');
      expect(third.body).toMatchObject({ keysDestroyed: 0, position: second.body.position });
      const forgotten = (await analyst().get(`/v1/customers/ERASE1/timeline?after=${second.body.position}`)).body.events.filter(
        (e: { type: string }) => e.type === 'cx.customer.forgotten.v1',
      );
      expect(forgotten).toHaveLength(2);
      expect((await ops().post('/v1/ops/customers/nobody-at-all/forget')).status).toBe(404);
      expect((await analyst().post('/v1/ops/customers/ERASE1/forget')).status).toBe(403);
    });
  });
}

describeErasure('embedded store', () => ({}));
describeWithPostgres('forgetting a customer on PostgreSQL', (database) =>
  describeErasure('PostgreSQL', () => ({ CX_EVENT_STORE: 'postgres', CX_VIEW_STORE: 'postgres', CX_POSTGRES_URL: database.url })),
);

describe('forgetting leaves no personal data in the embedded files', () => {
  let server: RunningServer;
  beforeAll(async () => (server = await startServer()));
  afterAll(async () => server.close());

  it('holds the forgotten e-mail, comment and name nowhere on disk, and cx verify passes', async () => {
    const ingest = client(server.url, KEYS.ingest);
    const posted = await ingest.post('/v1/events', [
      interaction({ id: 'DISK1', email: SECRET.email }, {}, { summary: SECRET.summary }),
      cloudEvent('cx.survey.answered.v1', { customer: { id: 'DISK1' }, survey: 'csat', score: 4, comment: SECRET.comment }),
      cloudEvent('cx.customer.profiled.v1', { customer: { id: 'DISK1' }, name: SECRET.name }),
    ]);
    await client(server.url, KEYS.analyst).get(`/v1/customers/DISK1?after=${lastPosition(posted)}`);
    expect((await client(server.url, KEYS.ops).post('/v1/ops/customers/DISK1/forget')).status).toBe(200);
    const cx = spawnSync(process.execPath, [CX, 'verify'], {
      env: { ...process.env, CX_DATA_DIR: server.dataDir, CX_API_KEYS: 'k=ops' },
      encoding: 'utf8',
    });
    expect(cx.status).toBe(0);
    // Sub-folders too: the view store's snapshots.
    const files = readdirSync(server.dataDir, { recursive: true, encoding: 'utf8' }).filter((file) =>
      statSync(join(server.dataDir, file)).isFile(),
    );
    for (const file of files) {
      const bytes = readFileSync(join(server.dataDir, file)).toString('latin1');
      for (const secret of [SECRET.email, SECRET.email.toLowerCase(), SECRET.comment, SECRET.name, SECRET.summary]) {
        expect({ file, found: bytes.includes(secret) }).toEqual({ file, found: false });
      }
    }
  });
});

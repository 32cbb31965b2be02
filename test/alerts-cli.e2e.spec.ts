import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { client, KEYS, startServer, type RunningServer } from './support/cx-server';
import { eventually } from './support/eventually';
import { WebhookReceiver } from './support/webhook-receiver';
import { stopIfStarted } from '@cx/event-store/testing';

const CX = join(__dirname, '..', 'bin', 'cx.js');
const SECRET = 'alerts-cli-secret';
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** `cx alerts redeliver` and `cx report closed-loop --known-at`, run as a user runs them, beside the running server. */
describe('alerts from the ops CLI', () => {
  const receiver = new WebhookReceiver(SECRET);
  let server: RunningServer;
  let env: Record<string, string>;
  const now = Date.now();

  const cx = (...args: string[]) =>
    spawnSync(process.execPath, [CX, ...args], { env: { ...process.env, ...env, CX_API_KEYS: 'k=ops' }, encoding: 'utf8' });

  beforeAll(async () => {
    const url = await receiver.start();
    server = await startServer({ CX_WEBHOOK_URLS: url, CX_WEBHOOK_SECRET: SECRET });
    env = { CX_DATA_DIR: server.dataDir, CX_WEBHOOK_URLS: url, CX_WEBHOOK_SECRET: SECRET };
    const answers = [3, 9, 1].map((score, i) => ({
      specversion: '1.0',
      id: `cli-${i}`,
      source: '/channels/survey',
      type: 'cx.survey.answered.v1',
      time: iso(now - (i + 1) * DAY),
      data: { customer: { id: `cli-${i}` }, survey: 'nps', score },
    }));
    const posted = await client(server.url, KEYS.ingest).post('/v1/events', answers);
    expect(posted.status).toBe(202);
    // NPS 3 (a day ago) and 1 (three days ago): two detractors, each delivered once; 9 raises nothing.
    await eventually(async () => expect(receiver.received).toHaveLength(2), 20_000);
  });

  afterAll(async () => {
    await stopIfStarted(server, (it) => it.close());
    await receiver.stop();
  });

  it('redelivers what was sent since a time, with the same ids, to the target named', async () => {
    const first = receiver.received.map((r) => r.id).sort();
    const run = cx('alerts', 'redeliver', '--since', iso(now - 4 * DAY), '--target', receiver.url);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^2 alert deliveries queued again/);
    expect(run.status).toBe(0);
    await eventually(async () => expect(receiver.received).toHaveLength(4), 20_000);
    expect(
      receiver.received
        .slice(2)
        .map((r) => r.id)
        .sort(),
    ).toEqual(first);
    expect(receiver.received.every((r) => r.signed)).toBe(true);
    const since = cx('alerts', 'redeliver', '--since', iso(now - 1.5 * DAY));
    expect(since.stdout).toMatch(/^1 alert deliveries queued again/);
  });

  it('refuses a run without --since or with an unknown target', () => {
    expect(cx('alerts', 'redeliver').status).toBe(2);
    const unknown = cx('alerts', 'redeliver', '--since', iso(now), '--target', 'http://elsewhere.example/hook');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown target http://elsewhere.example/hook');
  });

  it('reports the closed loop as known at a time, like the API', async () => {
    const window = ['--from', iso(now - 7 * DAY), '--to', iso(now)];
    const run = cx('report', 'closed-loop', '--known-at', iso(Date.now()), ...window);
    expect(run.status).toBe(0);
    const api = await client(server.url, KEYS.analyst).get(
      `/v1/reports/closed-loop?from=${encodeURIComponent(iso(now - 7 * DAY))}&to=${encodeURIComponent(iso(now))}`,
    );
    expect(JSON.parse(run.stdout).report).toEqual(api.body);
    expect(api.body.totals.raised).toBe(2);
    const before = JSON.parse(cx('report', 'closed-loop', '--known-at', iso(now - 10 * DAY), ...window).stdout);
    expect(before.report.totals.raised).toBe(0);
  });
});

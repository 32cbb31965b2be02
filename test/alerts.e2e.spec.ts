import { spawnSync } from 'node:child_process';
import { alertId } from '@cx/views';
import { client, KEYS } from './support/cx-server';
import { eventually } from './support/eventually';
import { parseCsv, startLoyaltyServer, viewStoresUnderTest, type LoyaltyServer } from './support/loyalty-support';
import { WebhookReceiver } from './support/webhook-receiver';
import { stopIfStarted } from '@cx/event-store/testing';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SECRET = 'alerts-e2e-secret';
const iso = (ms: number) => new Date(ms).toISOString();

let sequence = 0;
function event(type: string, time: number, data: Record<string, unknown>) {
  return { specversion: '1.0', id: `alert-e2e-${++sequence}`, source: '/channels/alerts-test', type, time: iso(time), data };
}

/**
 * A hand-worked story around "now" (SPEC §2.4): a detractor called back the next day, a
 * CSAT detractor nobody called, a handoff stalled past its 4-hour SLA, and a customer whose
 * at_risk and churned alerts lie a year back (listed, never delivered).
 */
function story(now: number) {
  const customer = (id: string) => ({ customer: { id } });
  return [
    event('cx.purchase.completed.v1', now - 30 * DAY, {
      ...customer('c-1'),
      orderId: 'o-1',
      amountMinor: 100,
      currency: 'EUR',
      channel: 'web',
    }),
    event('cx.survey.answered.v1', now - 2 * DAY, { ...customer('c-1'), survey: 'nps', score: 3 }),
    event('cx.interaction.recorded.v1', now - 1 * DAY, { ...customer('c-1'), channel: 'phone', direction: 'outbound', team: 'care' }),
    event('cx.survey.answered.v1', now - 3 * DAY, { ...customer('c-2'), survey: 'csat', score: 1, team: 'support' }),
    event('cx.case.opened.v1', now - 10 * HOUR, {
      ...customer('c-3'),
      caseId: 'k-1',
      category: 'complaint',
      channel: 'phone',
      team: 'support',
    }),
    event('cx.case.handoff.requested.v1', now - 9 * HOUR, { ...customer('c-3'), caseId: 'k-1', fromTeam: 'support', toTeam: 'billing' }),
    event('cx.purchase.completed.v1', now - 400 * DAY, {
      ...customer('c-4'),
      orderId: 'o-4',
      amountMinor: 100,
      currency: 'EUR',
      channel: 'web',
    }),
  ];
}

describe.each(viewStoresUnderTest())('alerts over HTTP (%s views)', (storeName) => {
  const receiver = new WebhookReceiver(SECRET);
  let cx: LoyaltyServer;
  let now: number;
  let after = 0;

  beforeAll(async () => {
    cx = await startLoyaltyServer(storeName, { CX_WEBHOOK_URLS: await receiver.start(), CX_WEBHOOK_SECRET: SECRET });
    now = Date.now();
    const results = await cx.post(story(now));
    after = Math.max(...results.map((r) => r.position ?? 0));
  });

  afterAll(async () => {
    await stopIfStarted(cx, (it) => it.close());
    await receiver.stop();
  });

  const list = async (query = '', headers?: Record<string, string>) => {
    const answer = await cx.get(`/v1/alerts?after=${after}${query}`, headers);
    expect(answer.status).toBe(200);
    return answer;
  };
  const ids = (answer: { body: { alerts: Array<{ id: string }> } }) => answer.body.alerts.map((a) => a.id).sort();

  const c1Detractor = () => alertId('detractor', 'c-1', now - 2 * DAY);
  const c1AtRisk = () => alertId('at_risk', 'c-1', now - 2 * DAY);
  const c2Detractor = () => alertId('detractor', 'c-2', now - 3 * DAY);
  const stalled = () => alertId('handoff_stalled', 'k-1', now - 9 * HOUR + 4 * HOUR + 1);
  const c4AtRisk = () => alertId('at_risk', 'c-4', now - 400 * DAY + 90 * DAY + 1);
  const c4Churned = () => alertId('churned', 'c-4', now - 400 * DAY + 180 * DAY + 1);

  it('lists the alerts raised by now, newest first, with their status, follow-up and team', async () => {
    const answer = await list();
    expect(answer.body.alerts.map((a: { id: string }) => a.id)).toEqual([
      stalled(),
      ...[c1AtRisk(), c1Detractor()].sort().reverse(),
      c2Detractor(),
      c4Churned(),
      c4AtRisk(),
    ]);
    const detractor = answer.body.alerts.find((a: { id: string }) => a.id === c1Detractor());
    expect(detractor).toEqual({
      id: c1Detractor(),
      signal: 'detractor',
      subject: 'c-1',
      customerId: 'c-1',
      caseId: null,
      raisedAt: iso(now - 2 * DAY),
      team: null,
      detail: { survey: 'nps', score: 3 },
      followUp: { at: iso(now - DAY), team: 'care' },
      followUpMinutes: 1440,
      status: 'followed_up',
    });
    expect(answer.body.alerts.find((a: { id: string }) => a.id === stalled())).toMatchObject({
      signal: 'handoff_stalled',
      subject: 'k-1',
      customerId: 'c-3',
      caseId: 'k-1',
      team: 'billing',
      status: 'open',
      detail: { fromTeam: 'support', toTeam: 'billing', requestedAt: iso(now - 9 * HOUR) },
    });
    expect(answer.body.nextCursor).toBeNull();
  });

  it('filters by status, signal, customer, case and raisedAt window', async () => {
    expect(ids(await list('&status=overdue'))).toEqual([c2Detractor(), c4AtRisk(), c4Churned()].sort());
    expect(ids(await list('&status=followed_up'))).toEqual([c1AtRisk(), c1Detractor()].sort());
    expect(ids(await list('&status=open'))).toEqual([stalled()]);
    expect(ids(await list('&signal=handoff_stalled&caseId=k-1'))).toEqual([stalled()]);
    expect(ids(await list('&customerId=c-1'))).toEqual([c1AtRisk(), c1Detractor()].sort());
    expect(ids(await list(`&from=${encodeURIComponent(iso(now - 7 * DAY))}&to=${encodeURIComponent(iso(now - 2 * DAY))}`))).toEqual([
      c2Detractor(),
    ]);
  });

  it('answers as of an earlier time: later alerts and follow-ups are not known yet', async () => {
    const answer = await list(`&asOf=${encodeURIComponent(iso(now - 1.5 * DAY))}&customerId=c-1`);
    expect(answer.body.alerts.map((a: { status: string; followUp: unknown }) => [a.status, a.followUp])).toEqual([
      ['open', null],
      ['open', null],
    ]);
  });

  it('pages with a cursor, each alert once', async () => {
    const seen: string[] = [];
    let cursor = '';
    for (let page = 0; page < 10; page += 1) {
      const answer = await list(`&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...answer.body.alerts.map((a: { id: string }) => a.id));
      if (!answer.body.nextCursor) break;
      cursor = answer.body.nextCursor;
    }
    expect(seen).toEqual((await list()).body.alerts.map((a: { id: string }) => a.id));
    expect(seen).toHaveLength(6);
  });

  it('answers CSV with the same alerts', async () => {
    const answer = await list('', { accept: 'text/csv' });
    expect(answer.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = parseCsv(answer.body as string);
    expect(rows.map((r) => r.id)).toEqual((await list()).body.alerts.map((a: { id: string }) => a.id));
    expect(rows.find((r) => r.id === c1Detractor())).toMatchObject({
      signal: 'detractor',
      status: 'followed_up',
      followUpMinutes: '1440',
      followUpTeam: 'care',
      score: '3',
    });
  });

  it('rejects bad parameters with a 400 naming them', async () => {
    const analyst = client(cx.server.url, KEYS.analyst);
    for (const [query, name] of [
      ['status=late', 'status'],
      ['signal=angry', 'signal'],
      ['limit=1001', 'limit'],
      ['cursor=nope', 'cursor'],
      ['asOf=yesterday', 'asOf'],
      [`from=${iso(now)}&to=${iso(now - DAY)}`, 'from'],
    ] as const) {
      const answer = await analyst.get(`/v1/alerts?${query}`);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ error: 'invalid_parameter' });
      expect(answer.body.message).toContain(name);
    }
    expect((await client(cx.server.url).get('/v1/alerts')).status).toBe(401);
    expect((await client(cx.server.url, KEYS.ingest).get('/v1/alerts')).status).toBe(403);
  });

  it('reports the closed loop of the last 7 days, grouped by team, as JSON and CSV', async () => {
    const window = `from=${encodeURIComponent(iso(now - 7 * DAY))}&to=${encodeURIComponent(iso(now))}&after=${after}`;
    const answer = await cx.get(`/v1/reports/closed-loop?${window}&groupBy=team`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ from: iso(now - 7 * DAY), to: iso(now), groupBy: 'team', followUpSlaHours: 48 });
    expect(answer.body.totals).toEqual({
      raised: 4,
      followedUp: 2,
      followedUpWithinSla: { count: 2, percent: 50 },
      medianFollowUpMinutes: 1440,
      overdueNow: 1,
      detractorNps: {
        followedUp: { alerts: 1, answeredAgain: 0, meanNpsChange: null, churned: 0, churnedPercent: 0 },
        notFollowedUp: { alerts: 0, answeredAgain: 0, meanNpsChange: null, churned: 0, churnedPercent: null },
      },
    });
    expect(
      Object.fromEntries(Object.entries(answer.body.groups).map(([team, block]) => [team, (block as { raised: number }).raised])),
    ).toEqual({ billing: 1, care: 2, support: 1 });
    const csv = parseCsv((await cx.get(`/v1/reports/closed-loop?${window}&groupBy=team`, { accept: 'text/csv' })).body as string);
    expect(csv.map((r) => [r.scope, r.group, r.raised, r.followedUpWithinSlaPercent])).toEqual([
      ['totals', '', '4', '50'],
      ['group', 'billing', '1', '0'],
      ['group', 'care', '2', '100'],
      ['group', 'support', '1', '0'],
    ]);
    expect((await cx.get(`/v1/reports/closed-loop?${window}&groupBy=channel`)).status).toBe(400);
    expect((await cx.get(`/v1/reports/closed-loop?to=${iso(now)}`)).status).toBe(400);
  });

  it('delivers to the webhook, signed, exactly what was raised inside the horizon, and the follow-ups', async () => {
    const expected = [
      `cx.alert.raised.v1|${c1Detractor()}`,
      `cx.alert.raised.v1|${c1AtRisk()}`,
      `cx.alert.raised.v1|${c2Detractor()}`,
      `cx.alert.raised.v1|${stalled()}`,
      `cx.alert.followed_up.v1|${c1Detractor()}`,
      `cx.alert.followed_up.v1|${c1AtRisk()}`,
    ].sort();
    await eventually(async () => expect([...receiver.distinct()].sort()).toEqual(expected), 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.received).toHaveLength(expected.length);
    expect(receiver.received.every((r) => r.signed)).toBe(true);
  });

  it('exposes alert metrics: raised and not followed up by signal, delivery attempts by outcome, the oldest undelivered age', async () => {
    await eventually(async () => expect(receiver.distinct().size).toBe(6), 20_000);
    await eventually(async () => {
      const text = (await client(cx.server.url, KEYS.ops).get('/metrics')).body as string;
      const value = (line: string) => Number(new RegExp(`^${line.replace(/[{}"]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(text)?.[1]);
      expect(value('cx_alerts_raised{signal="detractor"}')).toBe(2);
      expect(value('cx_alerts_raised{signal="at_risk"}')).toBe(2);
      expect(value('cx_alerts_raised{signal="churned"}')).toBe(1);
      expect(value('cx_alerts_raised{signal="handoff_stalled"}')).toBe(1);
      expect(value('cx_alerts_raised{signal="ping_pong"}')).toBe(0);
      expect(value('cx_alerts_not_followed_up{signal="detractor"}')).toBe(1);
      expect(value(`cx_alert_delivery_attempts_total{target="${receiver.url}",outcome="delivered"}`)).toBe(6);
      expect(value('cx_alert_oldest_undelivered_seconds')).toBe(0);
      // Prometheus's own linter has nothing to say about them.
      const own =
        text
          .split('\n')
          .filter((line) => /^(# (HELP|TYPE) )?cx_alert/.test(line))
          .join('\n') + '\n';
      const lint = spawnSync('promtool', ['check', 'metrics'], { input: own, encoding: 'utf8' });
      if (lint.error && process.env.CI !== 'true') return;
      expect(`${lint.stdout}${lint.stderr}`).toBe('');
      expect(lint.status).toBe(0);
    }, 10_000);
  });

  it('describes both routes in the OpenAPI document: parameters, JSON and CSV answers, errors', async () => {
    const document = (await client(cx.server.url).get('/docs-json')).body;
    const list = document.paths['/v1/alerts'].get;
    expect(list.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
      'after',
      'asOf',
      'caseId',
      'cursor',
      'customerId',
      'from',
      'limit',
      'signal',
      'status',
      'to',
    ]);
    expect(Object.keys(list.responses['200'].content).sort()).toEqual(['application/json', 'text/csv']);
    expect(list.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/AlertListDto' });
    expect(Object.keys(list.responses).sort()).toEqual(['200', '400', '401', '403', '503']);
    const report = document.paths['/v1/reports/closed-loop'].get;
    expect(report.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['after', 'from', 'groupBy', 'to']);
    expect(report.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ClosedLoopReportDto' });
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['AlertDto', 'ClosedLoopBlockDto', 'NpsOutcomeDto', 'ApiErrorDto']),
    );
  });
});

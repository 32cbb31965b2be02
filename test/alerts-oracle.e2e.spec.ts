import type { AnyLedgerEvent } from '@cx/events';
import {
  alertAsOf,
  alertData,
  alertStatusAt,
  canonicalCustomers,
  closedLoopReport,
  DEFAULT_ALERT_SETTINGS,
  DEFAULT_LIFECYCLE_SETTINGS,
  foldCustomer,
  ledgerAlerts,
  stageAt,
  type Alert,
  type ClosedLoopGroupBy,
} from '@cx/views';
import { startLoyaltyServer, viewStoresUnderTest, type LoyaltyServer } from './support/loyalty-support';
import { stopIfStarted } from '@cx/event-store/testing';
import {
  addCaseStep,
  type AddEvent,
  mergedIds,
  oracleCustomers,
  oracleEvents,
  type OracleEvent,
  prng,
  shuffle,
  type Random,
  storedLedger,
} from './support/oracle-ledger';

/**
 * The SQL answers of `GET /v1/alerts` and `GET /v1/reports/closed-loop` against the pure
 * functions of @cx/views, over a random ledger (seeded, so a failure replays) posted over
 * HTTP in random order, with identity merges, orphan and reopened cases, stalled and
 * ping-pong handoffs, detractors followed up or not; for random instants and windows and
 * every grouping.
 */

const SEED = Number(process.env.ALERTS_ORACLE_SEED ?? 20261130);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.now();
const START = NOW - 200 * DAY;
const SPAN = 199 * DAY;
const SLA = DEFAULT_ALERT_SETTINGS.followUpSlaMs;
const TEAMS = ['support', 'billing', 'tech'] as const;
const SEGMENTS = ['smb', 'enterprise'] as const;

function randomLedger(random: Random) {
  const { events, add } = oracleEvents('ao', '/channels/alerts-oracle');
  const time = () => START + random.int(SPAN);
  const { customers, mergedInto } = oracleCustomers({ named: 12, namedId: 'ac', anonymous: 3, email: 'alerts-anon', linked: 2 }, (both) =>
    add('cx.interaction.recorded.v1', both, time(), { channel: 'email', direction: 'inbound' }),
  );
  for (let i = 0; i < 90; i++)
    add('cx.purchase.completed.v1', random.pick(customers), time(), {
      orderId: `AO-${i}`,
      amountMinor: 100,
      currency: 'EUR',
      channel: 'web',
    });
  for (let i = 0; i < 120; i++) {
    const survey = random.pick(['nps', 'nps', 'csat', 'ces'] as const);
    const score = survey === 'nps' ? random.int(11) : 1 + random.int(survey === 'csat' ? 5 : 7);
    add('cx.survey.answered.v1', random.pick(customers), time(), {
      survey,
      score,
      team: random.chance(0.5) ? random.pick(TEAMS) : undefined,
      caseId: random.chance(0.2) ? `AK-${random.int(30)}` : undefined,
    });
  }
  for (let i = 0; i < 110; i++) {
    // Outbound contacts follow something up within hours or days, or come out of the blue.
    add('cx.interaction.recorded.v1', random.pick(customers), time(), {
      channel: random.pick(['phone', 'email'] as const),
      direction: random.chance(0.7) ? 'outbound' : 'inbound',
      team: random.chance(0.7) ? random.pick(TEAMS) : undefined,
    });
  }
  for (let i = 0; i < 15; i++) add('cx.customer.referred.v1', random.pick(customers), time(), {});
  for (let i = 0; i < 20; i++)
    add('cx.customer.profiled.v1', random.pick(customers), time(), { segment: random.chance(0.8) ? random.pick(SEGMENTS) : undefined });
  for (let i = 0; i < 6; i++) add('cx.customer.churned.v1', random.pick(customers), time(), {});
  for (let i = 0; i < 30; i++) addCase(random, `AK-${i}`, random.pick(customers), time(), add);
  return { events, mergedInto };
}

function addCase(random: Random, caseId: string, customer: Record<string, string>, opened: number, add: AddEvent) {
  let at = opened;
  if (!random.chance(0.1))
    add('cx.case.opened.v1', customer, at, {
      caseId,
      category: random.pick(['complaint', 'inquiry'] as const),
      channel: 'phone',
      team: random.chance(0.8) ? random.pick(TEAMS) : undefined,
    });
  for (let step = 1 + random.int(7); step > 0; step--) {
    at += random.chance(0.1) ? 0 : random.int(8 * HOUR);
    const kind = random.pick(['requested', 'requested', 'accepted', 'accepted', 'resolved', 'reopened'] as const);
    addCaseStep(random, add, { kind, caseId, customer, at }, TEAMS);
  }
}

/** What the pure side folds: the stored positions and customers, and the merges the store made (anonymous → named). */
function ledgerWithMerges(
  posted: readonly OracleEvent[],
  results: ReadonlyArray<{ position?: number; customerId?: string }>,
  merges: ReadonlyMap<string, string>,
): AnyLedgerEvent[] {
  const stored = storedLedger(posted, results, (id) => id);
  const last = Math.max(...stored.map((e) => e.position));
  const merged = [...merges].map(
    ([from, into], i) =>
      ({
        position: last + 1 + i,
        streamId: '',
        revision: 0,
        customerId: from,
        id: `merge-${i}`,
        source: '/cx-ledger/identity',
        type: 'cx.customer.merged.v1',
        time: 0,
        recordedAt: 0,
        data: { customer: { id: from }, into: { id: into } },
      }) as unknown as AnyLedgerEvent,
  );
  return [...stored, ...merged];
}

const alertJson = (alert: Alert, asOf: number) => ({
  ...alertData(alertAsOf(alert, asOf)),
  status: alertStatusAt(alertAsOf(alert, asOf), asOf, SLA),
});
const newestFirst = (a: Alert, b: Alert) => b.raisedAt - a.raisedAt || (a.id < b.id ? 1 : -1);

describe.each(viewStoresUnderTest())('alerts = pure reference over a random ledger (%s view store)', (storeName) => {
  const random = prng(SEED);
  const { events, mergedInto } = randomLedger(random);
  const arrival = shuffle(random, events);
  let api: LoyaltyServer;
  let ledger: AnyLedgerEvent[];
  let alerts: Alert[];
  let after = 0;

  beforeAll(async () => {
    api = await startLoyaltyServer(storeName);
    const results: Array<{ position?: number; customerId?: string }> = [];
    for (let i = 0; i < arrival.length; i += 41) results.push(...(await api.post(arrival.slice(i, i + 41))));
    ledger = ledgerWithMerges(arrival, results, mergedIds(arrival, results, mergedInto));
    after = Math.max(...results.map((r) => r.position ?? 0));
    alerts = ledgerAlerts(ledger, DEFAULT_ALERT_SETTINGS, DEFAULT_LIFECYCLE_SETTINGS);
  });
  afterAll(async () => stopIfStarted(api, (it) => it.close()));

  async function listAll(query: string): Promise<unknown[]> {
    const all: unknown[] = [];
    let cursor: string | null = null;
    do {
      const answer = await api.get(`/v1/alerts?${query}&after=${after}&limit=${1 + random.int(200)}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(answer.status).toBe(200);
      all.push(...answer.body.alerts);
      cursor = answer.body.nextCursor;
    } while (cursor);
    return all;
  }

  it('has every signal and both kinds of follow-up', () => {
    expect(new Set(alerts.map((a) => a.signal))).toEqual(new Set(['detractor', 'at_risk', 'churned', 'handoff_stalled', 'ping_pong']));
    expect(alerts.filter((a) => a.followUp).length).toBeGreaterThan(10);
    expect(alerts.filter((a) => !a.followUp && a.raisedAt <= NOW).length).toBeGreaterThan(10);
  });

  it('lists exactly the pure alerts at random instants, with every status filter', async () => {
    const instants = [NOW, ...Array.from({ length: 4 }, () => START + random.int(SPAN + 30 * DAY))];
    for (const asOf of instants) {
      const at = `asOf=${encodeURIComponent(new Date(asOf).toISOString())}`;
      const raised = alerts.filter((a) => a.raisedAt <= asOf).sort(newestFirst);
      expect(await listAll(at)).toEqual(raised.map((a) => alertJson(a, asOf)));
      for (const status of ['open', 'followed_up', 'overdue'] as const) {
        expect(await listAll(`${at}&status=${status}`)).toEqual(raised.map((a) => alertJson(a, asOf)).filter((a) => a.status === status));
      }
    }
    const at = `asOf=${encodeURIComponent(new Date(NOW).toISOString())}`;
    const listed = (keep: (a: Alert) => boolean) =>
      alerts
        .filter((a) => a.raisedAt <= NOW && keep(a))
        .sort(newestFirst)
        .map((a) => alertJson(a, NOW));
    const { customerId } = random.pick(alerts);
    expect(await listAll(`${at}&customerId=${customerId}`)).toEqual(listed((a) => a.customerId === customerId));
    const { caseId, signal } = random.pick(alerts.filter((a) => a.caseId !== null));
    expect(await listAll(`${at}&caseId=${caseId}&signal=${signal}`)).toEqual(listed((a) => a.caseId === caseId && a.signal === signal));
  });

  it('answers the closed-loop report exactly as the pure one, for random windows and every grouping', async () => {
    const canonical = canonicalCustomers(ledger);
    const byCustomer = new Map<string, AnyLedgerEvent[]>();
    for (const e of ledger.filter((x) => x.type !== 'cx.customer.merged.v1'))
      byCustomer.set(canonical(e.customerId), [...(byCustomer.get(canonical(e.customerId)) ?? []), e]);
    const own = (id: string) => byCustomer.get(id) ?? [];
    for (let w = 0; w < 6; w++) {
      const a = START + random.int(SPAN);
      const b = START + random.int(SPAN + 10 * DAY);
      const [from, to] = a <= b ? [a, b] : [b, a];
      for (const groupBy of [null, 'signal', 'team', 'segment'] as Array<ClosedLoopGroupBy | null>) {
        const expected = closedLoopReport(alerts, {
          from,
          to,
          groupBy,
          followUpSlaMs: SLA,
          churnedAtTo: (id) => stageAt(foldCustomer(id, own(id)), to - 1, DEFAULT_LIFECYCLE_SETTINGS) === 'churned',
          segmentAtTo: (id) =>
            own(id)
              .filter((e) => e.type === 'cx.customer.profiled.v1' && e.time < to && e.data.segment !== undefined)
              .sort((x, y) => x.time - y.time || x.position - y.position)
              .map((e) => (e.data as { segment: string }).segment)
              .at(-1) ?? null,
          npsAnswers: (id) =>
            own(id).flatMap((e) =>
              e.type === 'cx.survey.answered.v1' && e.data.survey === 'nps'
                ? [{ time: e.time, position: e.position, score: e.data.score }]
                : [],
            ),
        });
        const query = `from=${encodeURIComponent(new Date(from).toISOString())}&to=${encodeURIComponent(new Date(to).toISOString())}${groupBy ? `&groupBy=${groupBy}` : ''}`;
        const answer = await api.get(`/v1/reports/closed-loop?${query}&after=${after}`);
        expect({ query, body: answer.body }).toEqual({
          query,
          body: {
            from: new Date(from).toISOString(),
            to: new Date(to).toISOString(),
            groupBy,
            followUpSlaHours: 48,
            totals: expected.totals,
            groups: expected.groups,
          },
        });
      }
    }
  });
});

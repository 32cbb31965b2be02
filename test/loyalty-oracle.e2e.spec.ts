import type { AnyLedgerEvent } from '@cx/events';
import { caseFacts, cohortReport, loyaltyReport, orderFacts, referralFacts, surveyFacts, type LoyaltyGroupBy } from '@cx/views';
import { segmentsAt } from '@cx/views/testing';
import { asJson, LoyaltyServer, startLoyaltyServer, viewStoresUnderTest } from './support/loyalty-support';
import { liveTable } from './support/live-tables';
import { stopIfStarted } from '@cx/event-store/testing';
import { VIEW_STORE, type ViewStore } from '@cx/projection';
import {
  addCaseStep,
  type AddEvent,
  mergedIds,
  oracleCustomers,
  oracleEvents,
  prng,
  shuffle,
  type Random,
  storedLedger,
  stageOfLedger,
} from './support/oracle-ledger';

/**
 * The strongest check of the SQL report: a random ledger (seeded, so a failure replays) posted
 * over HTTP in random order, with identity merges, re-sent orders, orphan and reopened cases,
 * and many events exactly on the window boundaries; then, for random windows and every
 * grouping, the API must answer exactly what the pure `loyaltyReport` / `cohortReport` of
 * @cx/views give over the same stored events (stage from the pure lifecycle rules, "from the
 * events before" each instant).
 */

const SEED = Number(process.env.LOYALTY_ORACLE_SEED ?? 20260301);
const START = Date.parse('2025-09-01T00:00:00Z');
const SPAN = Date.parse('2026-05-01T00:00:00Z') - START;
const HOUR = 3_600_000;

/** Instants the windows are drawn from; many events are put exactly on them. */
function boundaryInstants(random: Random): number[] {
  const monthStarts = Array.from({ length: 9 }, (_, i) => Date.UTC(2025, 8 + i, 1));
  const others = Array.from({ length: 6 }, () => START + random.int(SPAN));
  return [...monthStarts, ...others].sort((a, b) => a - b);
}

const CHANNELS = ['phone', 'email', 'chat', 'web', 'app', 'store'] as const;
const TEAMS = ['support', 'billing', 'tech', 'field'] as const;
const SEGMENTS = ['smb', 'enterprise', 'consumer'] as const;

/** A random ledger of CloudEvents plus, for the oracle, which customer each e-mail ends up as. */
function randomLedger(random: Random, boundaries: readonly number[]) {
  const { events, add } = oracleEvents('oracle', '/channels/oracle');
  const time = () => (random.chance(0.15) ? random.pick(boundaries) : START + random.int(SPAN));
  const maybe = <T>(p: number, value: T): T | undefined => (random.chance(p) ? value : undefined);

  // Four anonymous buyers known by e-mail; three of them are later linked to a named customer (a merge).
  const { customers, mergedInto } = oracleCustomers({ named: 14, namedId: 'oc', anonymous: 4, email: 'oracle-anon', linked: 3 }, (both) =>
    add('cx.interaction.recorded.v1', both, time(), { channel: 'email', direction: 'inbound' }),
  );
  const orderIds: string[] = [];
  for (let i = 0; i < 220; i++) {
    const reSent = orderIds.length > 0 && random.chance(0.1);
    const orderId = reSent ? random.pick(orderIds) : `OR-${orderIds.push(`OR-${orderIds.length}`) - 1}`;
    add('cx.purchase.completed.v1', random.pick(customers), time(), {
      orderId,
      amountMinor: random.int(20_000),
      currency: random.pick(['EUR', 'USD', 'GBP']),
      channel: random.pick(CHANNELS),
    });
  }
  for (let i = 0; i < 260; i++) {
    const survey = random.pick(['nps', 'csat', 'ces'] as const);
    const score = survey === 'nps' ? random.int(11) : survey === 'csat' ? 1 + random.int(5) : 1 + random.int(7);
    add('cx.survey.answered.v1', random.pick(customers), time(), {
      survey,
      score,
      channel: maybe(0.8, random.pick(CHANNELS)),
      team: maybe(0.75, random.pick(TEAMS)),
    });
  }
  for (let i = 0; i < 40; i++)
    add('cx.customer.referred.v1', random.pick(customers), time(), { channel: maybe(0.6, random.pick(CHANNELS)) });
  for (let i = 0; i < 30; i++)
    add('cx.customer.profiled.v1', random.pick(customers), time(), { segment: maybe(0.85, random.pick(SEGMENTS)) });
  for (let i = 0; i < 8; i++) add('cx.customer.churned.v1', random.pick(customers), time(), {});
  for (let i = 0; i < 60; i++) addCase(random, `OK-${i}`, random.pick(customers), time(), add);
  return { events, mergedInto };
}

/** A case's life: opened (or not: an orphan), then handoffs, claims, takeovers, resolutions and reopenings. */
function addCase(random: Random, caseId: string, customer: Record<string, unknown>, opened: number, add: AddEvent): void {
  let at = opened;
  const later = () => (at += random.chance(0.1) ? 0 : 1 + random.int(72 * HOUR));
  if (!random.chance(0.1)) {
    add('cx.case.opened.v1', customer, at, {
      caseId,
      category: random.pick(['complaint', 'inquiry', 'request', 'incident']),
      channel: random.pick(CHANNELS),
      team: random.chance(0.8) ? random.pick(TEAMS) : undefined,
    });
  }
  for (let step = random.int(6); step > 0; step--) {
    const kind = random.pick(['requested', 'accepted', 'resolved', 'resolved', 'reopened'] as const);
    later();
    addCaseStep(random, add, { kind, caseId, customer, at }, TEAMS);
  }
}

function randomWindows(random: Random, boundaries: readonly number[]): Array<[number, number]> {
  const windows: Array<[number, number]> = [
    [Date.UTC(2026, 0, 1), Date.UTC(2026, 1, 1)],
    [START, START + SPAN],
  ];
  while (windows.length < 10) {
    const a = random.chance(0.7) ? random.pick(boundaries) : START + random.int(SPAN);
    const b = random.chance(0.7) ? random.pick(boundaries) : START + random.int(SPAN);
    windows.push(a <= b ? [a, b] : [b, a]);
  }
  windows.push([boundaries[3], boundaries[3]]);
  return windows;
}

const GROUPINGS: Array<LoyaltyGroupBy | undefined> = [undefined, 'channel', 'team', 'segment'];

describe.each(viewStoresUnderTest())('loyalty report = pure reference over a random ledger (%s view store)', (storeName) => {
  const random = prng(SEED);
  const boundaries = boundaryInstants(random);
  const { events, mergedInto } = randomLedger(random, boundaries);
  const arrival = shuffle(random, events);
  let api: LoyaltyServer;
  let ledger: AnyLedgerEvent[];

  beforeAll(async () => {
    api = await startLoyaltyServer(storeName);
    const results: Array<{ position?: number; customerId?: string }> = [];
    // Small batches, so merges and late events interleave with the projector's batches.
    for (let i = 0; i < arrival.length; i += 37) results.push(...(await api.post(arrival.slice(i, i + 37))));
    // The anonymous customers' ids, as the store resolved them, stand for the named customers they were merged into.
    const merged = mergedIds(arrival, results, mergedInto);
    expect(merged.size).toBeGreaterThan(0);
    ledger = storedLedger(arrival, results, (id) => merged.get(id) ?? id);
  });
  afterAll(async () => stopIfStarted(api, (it) => it.close()));

  it('has a ledger worth the name', () => {
    expect(events.length).toBeGreaterThan(600);
    expect(ledger.filter((e) => boundaries.includes(e.time)).length).toBeGreaterThan(50);
  });

  it('answers every window and grouping exactly as the pure report', async () => {
    const facts = { surveys: surveyFacts(ledger), orders: orderFacts(ledger), referrals: referralFacts(ledger) };
    const stageOf = stageOfLedger(ledger);
    let segmentsWithSomeOrders = 0;
    for (const [from, to] of randomWindows(random, boundaries)) {
      for (const groupBy of GROUPINGS) {
        const expected = loyaltyReport(
          { ...facts, cases: caseFacts(ledger, to) },
          { from, to, groupBy, stageOf, segmentOf: segmentsAt(ledger, to) },
        );
        const answer = await api.loyalty(from, to, groupBy);
        expect({ window: [from, to], groupBy, report: answer.body }).toEqual({ window: [from, to], groupBy, report: asJson(expected) });
      }
      expect((await api.cohorts(from, to)).body).toEqual(asJson(cohortReport(facts.orders, { from, to })));
      // A segment's cohorts: the pure report over the orders of the customers in it at `to`.
      const segmentOf = segmentsAt(ledger, to);
      for (const segment of [...SEGMENTS, 'unknown']) {
        const orders = facts.orders.filter((o) => (segmentOf(o.customerId) ?? 'unknown') === segment);
        if (orders.length > 0 && orders.length < facts.orders.length) segmentsWithSomeOrders++;
        const answer = await api.get(
          `/v1/reports/cohorts?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&segment=${segment}`,
        );
        expect({ window: [from, to], segment, report: answer.body }).toEqual({
          window: [from, to],
          segment,
          report: asJson(cohortReport(orders, { from, to })),
        });
      }
    }
    expect(segmentsWithSomeOrders).toBeGreaterThan(10);
  });

  // Right after an upgrade to loyalty version 3 the generation before, without first orders,
  // serves until the new one has caught up: the churn block then probes the orders instead.
  it('answers the same from live views without first orders', async () => {
    const views = api.server.app.get<ViewStore>(VIEW_STORE);
    const live = await liveTable(views, 'loyalty', 'loyalty_first_orders');
    await views.execute('DROP VIEW loyalty_first_orders');
    try {
      const stageOf = stageOfLedger(ledger);
      const facts = { surveys: surveyFacts(ledger), orders: orderFacts(ledger), referrals: referralFacts(ledger) };
      for (const [from, to] of randomWindows(random, boundaries).slice(0, 6)) {
        const expected = loyaltyReport(
          { ...facts, cases: caseFacts(ledger, to) },
          { from, to, groupBy: undefined, stageOf, segmentOf: segmentsAt(ledger, to) },
        );
        expect((await api.loyalty(from, to)).body).toEqual(asJson(expected));
      }
    } finally {
      await views.execute(`CREATE VIEW loyalty_first_orders AS SELECT * FROM ${live}`);
    }
  });
});

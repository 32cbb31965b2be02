import type { AnyLedgerEvent } from '@cx/events';
import {
  CASE_ATTRIBUTES,
  caseStates,
  contactFacts,
  DEFAULT_ALERT_SETTINGS,
  DEFAULT_DRIVER_SETTINGS,
  DEFAULT_LIFECYCLE_SETTINGS,
  driversReport,
  FOLLOWED_UP_ALERT,
  ledgerAlerts,
  orderFacts,
  segmentFacts,
  surveyFacts,
  type DriverGroupBy,
  type DriverOutcome,
  type DriversFacts,
} from '@cx/views';
import { VIEW_STORE, type ViewStore } from '@cx/projection';
import { LoyaltyServer, startLoyaltyServer, viewStoresUnderTest } from './support/loyalty-support';
import { stopIfStarted } from '@cx/event-store/testing';
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
import { liveTable } from './support/live-tables';

/**
 * The strongest check of the SQL drivers report (SPEC §2.5): a random ledger (seeded, so a
 * failure replays) posted over HTTP in random order, with identity merges, orphan, reopened,
 * handed-off, ping-ponged, stalled and long-unowned cases, contacts on every channel, orders
 * in three currencies with tied revenues, and many events exactly on the window boundaries;
 * then, for random windows, every outcome and grouping, and some `asOf`, the API must answer
 * exactly what the pure `driversReport` of @cx/views gives over the same stored events.
 */

const SEED = Number(process.env.DRIVERS_ORACLE_SEED ?? 20261130);
const START = Date.parse('2025-09-01T00:00:00Z');
const SPAN = Date.parse('2026-05-01T00:00:00Z') - START;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Instants the windows are drawn from; many events are put exactly on them, or 90 days before them. */
function boundaryInstants(random: Random): number[] {
  const monthStarts = Array.from({ length: 9 }, (_, i) => Date.UTC(2025, 8 + i, 1));
  const others = Array.from({ length: 6 }, () => START + random.int(SPAN));
  return [...monthStarts, ...others].sort((a, b) => a - b);
}

const CHANNELS = ['phone', 'email', 'chat', 'web', 'app', 'store', 'letter', 'social'] as const;
const TEAMS = ['support', 'billing', 'tech'] as const;
const SEGMENTS = ['smb', 'enterprise', 'consumer'] as const;

function randomLedger(random: Random, boundaries: readonly number[]) {
  const { events, add } = oracleEvents('drivers', '/channels/drivers-oracle');
  const time = () => {
    const roll = random.next();
    if (roll < 0.12) return random.pick(boundaries);
    if (roll < 0.18) return random.pick(boundaries) - 90 * DAY;
    return START + random.int(SPAN);
  };

  // Anonymous customers known by e-mail; three of them are later linked to a named customer (a merge).
  const { customers, mergedInto } = oracleCustomers({ named: 16, namedId: 'dc', anonymous: 4, email: 'drivers-anon', linked: 3 }, (both) =>
    add('cx.interaction.recorded.v1', both, time(), { channel: 'email', direction: 'inbound' }),
  );
  for (let i = 0; i < 200; i++) {
    // Round amounts, so that revenues tie at the top-tier boundary now and then.
    add('cx.purchase.completed.v1', random.pick(customers), time(), {
      orderId: `DO-${i % 180}`,
      amountMinor: 1000 * (1 + random.int(8)),
      currency: random.pick(['EUR', 'EUR', 'USD', 'GBP']),
      channel: random.pick(['web', 'store', 'app']),
    });
  }
  for (let i = 0; i < 260; i++) {
    const survey = random.pick(['nps', 'nps', 'csat', 'ces'] as const);
    const score = survey === 'nps' ? random.int(11) : survey === 'csat' ? 1 + random.int(5) : 1 + random.int(7);
    const [customer, at] = [random.pick(customers), time()];
    add('cx.survey.answered.v1', customer, at, { survey, score });
    // Half the answers get a call back within 72 hours: a follow-up of a detractor alert, within the SLA or not.
    if (random.chance(0.5))
      add('cx.interaction.recorded.v1', customer, at + random.int(72 * HOUR), { channel: 'phone', direction: 'outbound' });
  }
  for (let i = 0; i < 160; i++) {
    add('cx.interaction.recorded.v1', random.pick(customers), time(), {
      channel: random.pick(CHANNELS),
      direction: random.pick(['inbound', 'inbound', 'outbound']),
    });
  }
  for (let i = 0; i < 30; i++)
    add('cx.customer.profiled.v1', random.pick(customers), time(), random.chance(0.85) ? { segment: random.pick(SEGMENTS) } : {});
  for (let i = 0; i < 8; i++) add('cx.customer.churned.v1', random.pick(customers), time(), {});
  for (let i = 0; i < 90; i++) addCase(random, `DK-${i}`, customers, time(), add);
  addCorners(add);
  return { events, mergedInto };
}

/** The first window asked for. */
const QUARTER: [number, number] = [Date.UTC(2026, 0, 1), Date.UTC(2026, 3, 1)];

/**
 * Customers with one case each, on the edges of the first window's rules (a random ledger
 * rarely isolates them): each buys before the window and answers in it.
 */
function addCorners(add: AddEvent): void {
  const [from, to] = QUARTER;
  const corner = (n: number, steps: (customer: Record<string, unknown>, caseId: string) => void) => {
    const customer = { id: `corner-${n}` };
    add('cx.purchase.completed.v1', customer, from - 30 * DAY, { orderId: `CO-${n}`, amountMinor: 5000, currency: 'EUR', channel: 'web' });
    add('cx.survey.answered.v1', customer, from + 10 * DAY, { survey: 'nps', score: n % 11 });
    steps(customer, `CK-${n}`);
  };
  // Resolved before the window, reopened after it: no case in the window.
  corner(1, (c, caseId) => {
    add('cx.case.opened.v1', c, from - 20 * DAY, { caseId, category: 'inquiry', channel: 'phone', team: 'support' });
    add('cx.case.resolved.v1', c, from - 10 * DAY, { caseId });
    add('cx.case.reopened.v1', c, to + 5 * DAY, { caseId });
    add('cx.case.resolved.v1', c, to + 6 * DAY, { caseId });
  });
  // Stalled until its acceptance exactly at the window's start: never stalled inside it.
  corner(2, (c, caseId) => {
    add('cx.case.opened.v1', c, from - 5 * DAY, { caseId, category: 'inquiry', channel: 'chat', team: 'support' });
    add('cx.case.handoff.requested.v1', c, from - DAY, { caseId, fromTeam: 'support', toTeam: 'tech' });
    add('cx.case.handoff.accepted.v1', c, from, { caseId, team: 'tech' });
  });
  // Unowned for 5 hours, 3 of them in the window.
  corner(3, (c, caseId) => {
    add('cx.case.opened.v1', c, from - 2 * HOUR, { caseId, category: 'request', channel: 'email' });
    add('cx.case.handoff.accepted.v1', c, from + 3 * HOUR, { caseId, team: 'billing' });
  });
  // A complaint opened exactly at the window's end: not before `to`.
  corner(4, (c, caseId) => add('cx.case.opened.v1', c, to, { caseId, category: 'complaint', channel: 'letter', team: 'support' }));
}

/**
 * A case's life in hours: opened (or not: an orphan), then requests, acceptances (some back to
 * a former owner), resolutions and reopenings; now and then by another customer's stream.
 */
function addCase(random: Random, caseId: string, customers: ReadonlyArray<Record<string, unknown>>, opened: number, add: AddEvent): void {
  const customer = random.pick(customers);
  const by = () => (random.chance(0.08) ? random.pick(customers) : customer);
  let at = opened;
  const later = () => (at += random.chance(0.1) ? 0 : random.pick([1, 2, 3, 5, 8, 30, 80, 1500]) * HOUR + random.int(HOUR));
  if (!random.chance(0.1)) {
    add('cx.case.opened.v1', customer, at, {
      caseId,
      category: random.pick(['complaint', 'inquiry', 'request', 'incident']),
      channel: random.pick(CHANNELS),
      ...(random.chance(0.75) ? { team: random.pick(TEAMS) } : {}),
    });
  }
  for (let step = random.int(7); step > 0; step--) {
    later();
    const kind = random.pick(['requested', 'accepted', 'accepted', 'resolved', 'reopened'] as const);
    addCaseStep(random, add, { kind, caseId, customer: by(), at }, TEAMS);
  }
}

interface Ask {
  from: number;
  to: number;
  outcome: DriverOutcome;
  groupBy: DriverGroupBy | null;
  currency?: string;
  asOf?: number;
}

function randomAsks(random: Random, boundaries: readonly number[]): Ask[] {
  const windows: Array<[number, number]> = [QUARTER, [START, START + SPAN], [boundaries[3], boundaries[3]]];
  while (windows.length < 8) {
    const a = random.chance(0.7) ? random.pick(boundaries) : START + random.int(SPAN);
    const b = random.chance(0.7) ? random.pick(boundaries) : START + random.int(SPAN);
    windows.push(a <= b ? [a, b] : [b, a]);
  }
  const asks: Ask[] = [];
  for (const [from, to] of windows) {
    for (const outcome of ['nps', 'csat', 'churn'] as const) {
      for (const groupBy of [null, 'segment', 'valueTier'] as const) asks.push({ from, to, outcome, groupBy });
      asks.push({ from, to, outcome, groupBy: 'valueTier', currency: random.pick(['USD', 'GBP', 'JPY']) });
      asks.push({ from, to, outcome, groupBy: null, asOf: from + random.int(Math.max(1, to - from)) });
    }
  }
  return asks;
}

const iso = (ms: number) => new Date(ms).toISOString();
const query = (ask: Ask, after: number) =>
  `/v1/reports/drivers?from=${encodeURIComponent(iso(ask.from))}&to=${encodeURIComponent(iso(ask.to))}&outcome=${ask.outcome}` +
  `${ask.groupBy ? `&groupBy=${ask.groupBy}` : ''}${ask.currency ? `&currency=${ask.currency}` : ''}${ask.asOf !== undefined ? `&asOf=${encodeURIComponent(iso(ask.asOf))}` : ''}&after=${after}`;

describe.each(viewStoresUnderTest())('drivers report = pure reference over a random ledger (%s view store)', (storeName) => {
  const random = prng(SEED);
  const boundaries = boundaryInstants(random);
  const { events, mergedInto } = randomLedger(random, boundaries);
  const arrival = shuffle(random, events);
  let api: LoyaltyServer;
  let ledger: AnyLedgerEvent[];
  let after = 0;

  beforeAll(async () => {
    api = await startLoyaltyServer(storeName);
    const results: Array<{ position?: number; customerId?: string }> = [];
    // Small batches, so merges and late events interleave with the projector's batches.
    for (let i = 0; i < arrival.length; i += 41) results.push(...(await api.post(arrival.slice(i, i + 41))));
    after = Math.max(...results.map((r) => r.position ?? 0));
    // The anonymous customers' ids, as the store resolved them, stand for the named customers they were merged into.
    const merged = mergedIds(arrival, results, mergedInto);
    expect(merged.size).toBeGreaterThan(0);
    ledger = storedLedger(arrival, results, (id) => merged.get(id) ?? id);
  }, 120_000);
  afterAll(async () => stopIfStarted(api, (it) => it.close()));

  it('has a ledger worth the name', () => {
    const facts = factsOf(ledger);
    const report = driversReport(facts, { from: START, to: START + SPAN, outcome: 'nps', settings: DEFAULT_DRIVER_SETTINGS });
    const withSome = report.groupBy === null ? report.drivers.filter((d) => d.impact !== null).map((d) => d.attribute) : [];
    expect(withSome).toEqual(expect.arrayContaining([FOLLOWED_UP_ALERT, ...CASE_ATTRIBUTES, 'channel:phone']));
    expect(ledger.filter((e) => boundaries.includes(e.time)).length).toBeGreaterThan(50);
  });

  /** Each ask answered by the API exactly as the pure report over the ledger. */
  async function expectAsThePureReport(asks: readonly Ask[]): Promise<void> {
    const facts = factsOf(ledger);
    const stageOf = stageOfLedger(ledger);
    for (const ask of asks) {
      const expected = driversReport(facts, { ...ask, stageOf, settings: DEFAULT_DRIVER_SETTINGS });
      const answer = await api.get(query(ask, after));
      expect({ ask, status: answer.status, report: answer.body }).toEqual({
        ask,
        status: 200,
        report: { ...expected, from: iso(expected.from), to: iso(expected.to), asOf: expected.asOf === null ? null : iso(expected.asOf) },
      });
    }
  }

  it('answers every window, outcome, grouping and asOf exactly as the pure report', async () => {
    await expectAsThePureReport(randomAsks(random, boundaries));
  }, 300_000);

  it('answers churn the same from a live generation made before cases were kept whole (during the rebuild after an upgrade)', async () => {
    const views = api.server.app.get<ViewStore>(VIEW_STORE);
    const live = await liveTable(views, 'drivers', 'driver_cases');
    const before = 'case_id, customer_id, first_customer_id, started_at, opened_at, complaint, ended_at';
    await views.execute(`DROP VIEW driver_cases; CREATE VIEW driver_cases AS SELECT ${before} FROM ${live}`);
    try {
      await expectAsThePureReport(randomAsks(random, boundaries).filter((a) => a.outcome === 'churn'));
    } finally {
      await views.execute(`DROP VIEW driver_cases; CREATE VIEW driver_cases AS SELECT * FROM ${live}`);
    }
  }, 300_000);
});

function factsOf(ledger: readonly AnyLedgerEvent[]): DriversFacts {
  const followUps = ledgerAlerts(ledger, DEFAULT_ALERT_SETTINGS, DEFAULT_LIFECYCLE_SETTINGS).map((a) => ({
    customerId: a.customerId,
    signal: a.signal,
    raisedAt: a.raisedAt,
    followedUpAt: a.followUp?.at ?? null,
  }));
  return {
    answers: surveyFacts(ledger),
    orders: orderFacts(ledger),
    cases: caseStates(ledger),
    contacts: contactFacts(ledger),
    followUps,
    segments: segmentFacts(ledger),
  };
}

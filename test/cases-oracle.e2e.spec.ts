import fc from 'fast-check';
import type { AnyLedgerEvent } from '@cx/events';
import { caseView, handoffReport, replayCase } from '@cx/views';
import { caseEventOf, foldCases } from '@cx/views/testing';
import {
  at,
  caseEvents,
  CaseServer,
  caseViewAsJson,
  describeEachViewStore,
  iso,
  reportAsJson,
  shuffled,
  startCaseServer,
  storedAs,
} from './support/cases-harness';
import { stopIfStarted } from '@cx/event-store/testing';

/**
 * The pure views of @cx/views as the oracle for the SQL: random case histories (many events
 * in the same minute, stray events of cases never opened, events of another customer),
 * sent in a random order in random batches, then the HTTP report compared with
 * `handoffReport` for random windows, and the case view with `caseView` for random instants.
 * The SLA is set to 30 minutes so that requests stall inside the histories.
 */

const TEAMS = ['billing', 'field', 'retention', 'sales', 'tech'];
const SLA_MS = 30 * 60_000;
const SEED = 20260302;

const stepArb = fc.record({
  caseId: fc.integer({ min: 1, max: 40 }).map((n) => `Q${n}`),
  kind: fc.constantFrom('opened', 'requested', 'requested', 'accepted', 'accepted', 'resolved', 'reopened'),
  minute: fc.integer({ min: 0, max: 180 }),
  team: fc.option(fc.constantFrom(...TEAMS), { nil: undefined }),
  otherTeam: fc.constantFrom(...TEAMS),
  agentId: fc.option(fc.constantFrom('ann', 'bob'), { nil: undefined }),
  strangerCustomer: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
});
type Step = typeof stepArb extends fc.Arbitrary<infer S> ? S : never;

function toCloudEvents(steps: readonly Step[]) {
  const ours = caseEvents();
  const stranger = caseEvents(() => ({ id: 'stranger' }));
  return steps.map((step) => caseEventOf(step.strangerCustomer ? stranger : ours, step));
}

const SEGMENTS = ['smb', 'enterprise', 'consumer'];

/** Profiles of the cases' customers (and the stranger): one segment, and for every fourth a second one later. */
function profiles() {
  const customers = [...Array.from({ length: 40 }, (_, i) => ({ n: i + 1, id: `cust-Q${i + 1}` })), { n: 41, id: 'stranger' }];
  return customers.flatMap(({ n, id }) => {
    const first = (n * 7) % 180;
    const changes =
      n % 4 === 0
        ? [
            [first, SEGMENTS[n % 3]],
            [first + 1 + (n % 50), SEGMENTS[(n + 1) % 3]],
          ]
        : [[first, SEGMENTS[n % 3]]];
    return changes.map(([minute, segment]) => ({
      specversion: '1.0',
      id: `profile-${id}-${minute}`,
      source: '/channels/crm',
      type: 'cx.customer.profiled.v1',
      time: iso(at(minute as number)),
      data: { customer: { id }, segment },
    }));
  });
}

/** Each customer's latest segment before `to` (SPEC §2.2 "at `to`"), `unknown` without one. */
function segmentsBefore(ledger: readonly AnyLedgerEvent[], to: number): (customerId: string) => string {
  const latest = new Map<string, AnyLedgerEvent>();
  for (const e of ledger) {
    if (e.type !== 'cx.customer.profiled.v1' || e.time >= to) continue;
    const seen = latest.get(e.customerId);
    if (!seen || e.time > seen.time || (e.time === seen.time && e.position > seen.position)) latest.set(e.customerId, e);
  }
  return (customerId) => (latest.get(customerId)?.data as { segment?: string } | undefined)?.segment ?? 'unknown';
}

/** Instants around the histories: whole minutes (where events are), and 1 ms either side of them. */
const instantArb = fc.tuple(fc.integer({ min: -5, max: 200 }), fc.constantFrom(-1, 0, 0, 0, 1, 30_000)).map(([m, ms]) => at(m) + ms);

describeEachViewStore('the SQL of the case routes against the pure views (oracle)', (store) => {
  let server: CaseServer;
  let stored: ReturnType<typeof storedAs>;
  let profiled: ReturnType<typeof storedAs>;
  const [steps] = fc.sample(fc.array(stepArb, { minLength: 500, maxLength: 500 }), { seed: SEED, numRuns: 1 });
  const [instants] = fc.sample(fc.array(instantArb, { minLength: 80, maxLength: 80 }), { seed: SEED + 1, numRuns: 1 });

  beforeAll(async () => {
    server = await startCaseServer(store, { CX_HANDOFF_ACCEPTANCE_SLA_HOURS: '0.5' });
    const posted = shuffled(toCloudEvents(steps), SEED);
    const answers = [];
    // Random batch sizes, so that a case's events are folded across many projector batches.
    for (let i = 0, size = 1; i < posted.length; i += size, size = 1 + ((i * 7919) % 60)) {
      answers.push(...(await server.post(posted.slice(i, i + size))));
    }
    stored = storedAs(posted, answers);
    const profileEvents = profiles();
    profiled = storedAs(profileEvents, await server.post(profileEvents));
  });
  afterAll(async () => stopIfStarted(server, (it) => it.close()));

  it('answers the report handoffReport gives, for 40 random windows', async () => {
    const states = foldCases(stored);
    for (let i = 0; i < instants.length; i += 2) {
      const [from, to] = [Math.min(instants[i], instants[i + 1]), Math.max(instants[i], instants[i + 1])];
      const expected = reportAsJson(handoffReport(states.values(), { from, to, settings: { handoffAcceptanceSlaMs: SLA_MS } }));
      const answer = await server.get(`/v1/reports/handoffs?from=${iso(from)}&to=${iso(to)}`);
      expect({ window: [iso(from), iso(to)], body: answer.body }).toEqual({ window: [iso(from), iso(to)], body: expected });
    }
  });

  it('answers, for a segment, the report handoffReport gives over the cases of its customers', async () => {
    const states = foldCases(stored);
    let casesInSomeSegment = 0;
    for (let i = 0; i < 20; i += 2) {
      const [from, to] = [Math.min(instants[i], instants[i + 1]), Math.max(instants[i], instants[i + 1])];
      const segmentOf = segmentsBefore(profiled, to);
      for (const segment of [...SEGMENTS, 'unknown']) {
        const cases = [...states.values()].filter((state) => {
          const atTo = replayCase(state, to, true);
          return atTo !== null && segmentOf(atTo.customerId) === segment;
        });
        if (segment !== 'unknown' && cases.length > 0) casesInSomeSegment++;
        const expected = reportAsJson(handoffReport(cases, { from, to, settings: { handoffAcceptanceSlaMs: SLA_MS } }));
        const answer = await server.get(`/v1/reports/handoffs?from=${iso(from)}&to=${iso(to)}&segment=${segment}`);
        expect({ window: [iso(from), iso(to)], segment, body: answer.body }).toEqual({
          window: [iso(from), iso(to)],
          segment,
          body: expected,
        });
      }
    }
    expect(casesInSomeSegment).toBeGreaterThan(10);
  });

  it('answers the case view caseView gives, for every case at random instants', async () => {
    const states = foldCases(stored);
    expect(states.size).toBeGreaterThan(30);
    for (const [caseId, state] of states) {
      for (const asOf of instants.slice(0, 10)) {
        const expected = caseView(state, asOf, { handoffAcceptanceSlaMs: SLA_MS });
        const answer = await server.get(`/v1/cases/${caseId}?asOf=${iso(asOf)}`);
        if (expected) expect(answer.body).toEqual(caseViewAsJson(expected));
        else expect(answer.status).toBe(404);
      }
    }
  });
});

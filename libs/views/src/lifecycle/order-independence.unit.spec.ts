import type { AnyLedgerEvent } from '@cx/events';
import fc from 'fast-check';
import { foldCustomer, type CustomerState } from './customer-state';
import { customerView } from './customer-view';
import { CUSTOMER, DAY, day, EventMaker } from './lifecycle.fixtures';
import { DEFAULT_LIFECYCLE_SETTINGS } from './lifecycle-settings';
import { stageHistory } from './stage-history';
import { stageAt } from './stage-rules';
import { present } from '../testing/present';

/**
 * Times cluster on whole days (with ±1 ms jitter) so that events share instants and land
 * exactly on the 7/90/180-day thresholds of one another, where strictness matters.
 */
const eventTime = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 400 }), fc.constantFrom(0, 0, 0, 1, -1)).map(([d, jitter]) => day(d) + jitter),
  fc.integer({ min: day(0), max: day(400) }),
);

const caseId = fc.constantFrom('k1', 'k2', 'k3');

/** One event of the customer, without its position: positions are the append order, given later. */
const eventSpec = fc.oneof(
  fc.record({
    kind: fc.constant('purchase' as const),
    time: eventTime,
    amountMinor: fc.integer({ min: 0, max: 10_000 }),
    currency: fc.constantFrom('EUR', 'USD'),
  }),
  fc.record({ kind: fc.constant('nps' as const), time: eventTime, score: fc.integer({ min: 0, max: 10 }) }),
  fc.record({ kind: fc.constant('csat' as const), time: eventTime, score: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ kind: fc.constant('ces' as const), time: eventTime, score: fc.integer({ min: 1, max: 7 }) }),
  fc.record({
    kind: fc.constant('opened' as const),
    time: eventTime,
    caseId,
    category: fc.constantFrom('complaint' as const, 'inquiry' as const),
  }),
  fc.record({ kind: fc.constant('resolved' as const), time: eventTime, caseId }),
  fc.record({ kind: fc.constant('reopened' as const), time: eventTime, caseId }),
  fc.record({ kind: fc.constant('referral' as const), time: eventTime }),
  fc.record({ kind: fc.constant('churn' as const), time: eventTime }),
  fc.record({
    kind: fc.constant('interaction' as const),
    time: eventTime,
    channel: fc.constantFrom('phone' as const, 'email' as const, 'chat' as const),
  }),
  fc.record({
    kind: fc.constant('profiled' as const),
    time: eventTime,
    segment: fc.option(fc.constantFrom('gold', 'silver'), { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('merged' as const), time: eventTime }),
);
type EventSpec = typeof eventSpec extends fc.Arbitrary<infer S> ? S : never;

function toEvent(make: EventMaker, spec: EventSpec): AnyLedgerEvent {
  switch (spec.kind) {
    case 'purchase':
      return make.purchase(spec.time, spec.amountMinor, spec.currency);
    case 'nps':
    case 'csat':
    case 'ces':
      return make.survey(spec.time, spec.kind, spec.score);
    case 'opened':
      return make.caseOpened(spec.time, spec.caseId, spec.category);
    case 'resolved':
      return make.caseResolved(spec.time, spec.caseId);
    case 'reopened':
      return make.caseReopened(spec.time, spec.caseId);
    case 'referral':
      return make.referral(spec.time);
    case 'churn':
      return make.churn(spec.time);
    case 'interaction':
      return make.interaction(spec.time, spec.channel);
    case 'profiled':
      return make.profiled(spec.time, spec.segment);
    case 'merged':
      return make.event('cx.customer.merged.v1', spec.time, { into: { id: 'c-9' } });
  }
}

/** The events in append order, and an arrival order: shuffled, with some delivered twice. */
const customerStory = fc
  .array(eventSpec, { minLength: 1, maxLength: 30 })
  .map((specs) => {
    const make = new EventMaker();
    return specs.map((spec) => toEvent(make, spec));
  })
  .chain((events) =>
    fc.record({
      events: fc.constant(events),
      arrival: fc
        .tuple(fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }), fc.subarray(events))
        .chain(([shuffled, redelivered]) =>
          fc.shuffledSubarray([...shuffled, ...redelivered], {
            minLength: shuffled.length + redelivered.length,
            maxLength: shuffled.length + redelivered.length,
          }),
        ),
    }),
  );

const asOfs = [day(0) - 1, day(90), day(200), day(200) + 1, day(600)];

describe('order independence (property)', () => {
  it('any arrival order, with redeliveries, gives a deep-equal state and view', () => {
    fc.assert(
      fc.property(customerStory, ({ events, arrival }) => {
        const inOrder = foldCustomer(CUSTOMER, events);
        const shuffled = foldCustomer(CUSTOMER, arrival);
        expect(shuffled).toEqual(inOrder);
        expect(JSON.parse(JSON.stringify(shuffled))).toEqual(inOrder);
        for (const asOf of asOfs) expect(customerView(shuffled, asOf)).toEqual(customerView(inOrder, asOf));
      }),
      { numRuns: 300 },
    );
  });
});

/** The stage the history says holds at T: the last change at or before T. */
const stageFromHistory = (history: { stage: string; since: number }[], T: number) =>
  history.filter((change) => change.since <= T).at(-1)?.stage;

describe('stageHistory (property)', () => {
  const settings = DEFAULT_LIFECYCLE_SETTINGS;

  function expectHistoryAgreesWithStageAt(state: CustomerState, asOf: number, probes: number[]): void {
    const history = stageHistory(state, asOf, settings);
    history.forEach((change, i) => {
      expect(stageAt(state, change.since, settings)).toBe(change.stage);
      if (i > 0) {
        expect(change.stage).not.toBe(history[i - 1].stage);
        expect(change.since).toBeGreaterThan(history[i - 1].since);
        expect(stageAt(state, change.since - 1, settings)).toBe(history[i - 1].stage);
      }
    });
    if (history.length > 0) expect(present(history.at(-1)).stage).toBe(stageAt(state, asOf, settings));
    for (const T of probes.filter((t) => t >= (history[0]?.since ?? Infinity) && t <= asOf)) {
      expect(stageFromHistory(history, T)).toBe(stageAt(state, T, settings));
    }
  }

  it('every change holds from its `since`, and no change between them is missed', () => {
    fc.assert(
      fc.property(customerStory, fc.array(eventTime, { maxLength: 20 }), ({ events }, randomProbes) => {
        const state = foldCustomer(CUSTOMER, events);
        // Probe around every threshold, where a missed change would show.
        const thresholds = events.flatMap((e) =>
          [0, 7 * DAY, 90 * DAY, 180 * DAY].flatMap((age) => [e.time + age - 1, e.time + age, e.time + age + 1, e.time + age + 2]),
        );
        expectHistoryAgreesWithStageAt(state, day(600), [...thresholds, ...randomProbes]);
      }),
      { numRuns: 300 },
    );
  });
});

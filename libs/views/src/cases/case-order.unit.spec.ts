import fc from 'fast-check';
import type { AnyLedgerEvent } from '@cx/events';
import { handoffFacts, ownershipIntervals } from './case-facts';
import { handoffDataset } from './handoff-dataset';
import { handoffReport } from './handoff-report';
import { at, caseEventOf, eventFactory, foldCase, foldCases, type CaseStep } from './case-test-kit';
import { caseView, type CaseView } from './case-view';
import { present } from '../testing/present';

/**
 * SPEC §2: every view is the same whatever order events arrive in. The events are built
 * in append order (positions increase); arrival order is any permutation of them, with
 * redeliveries mixed in.
 */

const TEAMS = ['billing', 'tech', 'sales'] as const;
const CASES = ['c1', 'c2', 'c3'] as const;

const stepArb = fc.record({
  caseId: fc.constantFrom(...CASES),
  kind: fc.constantFrom('opened', 'requested', 'accepted', 'resolved', 'reopened'),
  // A small range of minutes, so that many events share a time and position breaks the tie.
  minute: fc.integer({ min: 0, max: 30 }),
  team: fc.option(fc.constantFrom(...TEAMS), { nil: undefined }),
  otherTeam: fc.constantFrom(...TEAMS),
  agentId: fc.option(fc.constantFrom('ann', 'bob'), { nil: undefined }),
});
function toEvents(steps: CaseStep[]): AnyLedgerEvent[] {
  const e = eventFactory();
  return steps.map((step) => caseEventOf(e, step));
}

/** Append order, plus the same events in an arbitrary arrival order with redeliveries. */
const historyArb = fc
  .array(stepArb, { minLength: 1, maxLength: 30 })
  .map(toEvents)
  .chain((appended) =>
    fc.tuple(
      fc.constant(appended),
      fc.shuffledSubarray(appended, { minLength: appended.length, maxLength: appended.length }),
      fc.array(fc.constantFrom(...appended), { maxLength: 5 }),
    ),
  )
  .map(([appended, shuffled, redelivered]) => ({ appended, arrived: [...shuffled, ...redelivered] }));

/** Any second from just before the first event to past the SLA of the last request. */
const asOfArb = fc.integer({ min: -1, max: 300 * 60 }).map((seconds) => at(0, seconds));
const PROBE_TIMES = [at(0) - 1, at(0), at(7), at(15, 30), at(30), at(30 + 240), at(30 + 241)];

describe('order independence', () => {
  it('gives equal states, views and fact rows for any arrival order', () => {
    fc.assert(
      fc.property(historyArb, ({ appended, arrived }) => {
        const inOrder = foldCases(appended);
        const shuffled = foldCases(arrived);
        expect(shuffled).toEqual(inOrder);
        for (const [caseId, state] of inOrder) {
          const other = present(shuffled.get(caseId));
          for (const asOf of PROBE_TIMES) {
            expect(caseView(other, asOf)).toEqual(caseView(state, asOf));
            expect(handoffFacts(other, asOf)).toEqual(handoffFacts(state, asOf));
            expect(ownershipIntervals(other, asOf)).toEqual(ownershipIntervals(state, asOf));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same handoff report for any arrival order', () => {
    fc.assert(
      fc.property(historyArb, fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 30 }), ({ appended, arrived }, a, b) => {
        const window = { from: at(Math.min(a, b)), to: at(Math.max(a, b)) };
        expect(handoffReport(foldCases(arrived).values(), window)).toEqual(handoffReport(foldCases(appended).values(), window));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same views of the hand-checked dataset for any arrival order', () => {
    const events = handoffDataset();
    const reference = foldCases(events);
    fc.assert(
      fc.property(fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }), asOfArb, (arrived, asOf) => {
        const states = foldCases(arrived);
        for (const [caseId, state] of reference) expect(caseView(present(states.get(caseId)), asOf)).toEqual(caseView(state, asOf));
      }),
      { numRuns: 100 },
    );
  });
});

describe('invariants of any history', () => {
  function checkView(view: CaseView): void {
    const pending = view.handoffs.filter((handoff) => handoff.outcome === 'pending');
    expect(pending.length).toBeLessThanOrEqual(1);
    expect(view.pendingTeam).toBe(pending[0]?.toTeam ?? null);
    if (view.pendingTeam !== null) expect(view.owner).toBeNull(); // unowned until accepted
    if (view.status === 'resolved') expect([view.owner, view.pendingTeam]).toEqual([null, null]);
    expect(view.unownedMinutes).toBeGreaterThanOrEqual(0);
    // rounded to 1 decimal, so it may exceed the exact age by up to half a tenth
    expect(view.unownedMinutes).toBeLessThanOrEqual((view.asOf - view.startedAt) / 60_000 + 0.051);
    for (const handoff of view.handoffs) {
      if (handoff.flags.includes('takeover')) expect(handoff.minutesToAccept).toBeNull();
      if (handoff.minutesToAccept !== null) expect(handoff.minutesToAccept).toBeGreaterThanOrEqual(0);
    }
  }

  it('keeps the case consistent at every asOf', () => {
    fc.assert(
      fc.property(historyArb, asOfArb, ({ appended }, asOf) => {
        for (const state of foldCases(appended).values()) {
          const view = caseView(state, asOf);
          if (view) checkView(view);
          const intervals = ownershipIntervals(state, asOf);
          // ordered, not overlapping, only the last one may be running, and only while open
          intervals.forEach((interval, i) => {
            expect(interval.end === null || interval.end > interval.start).toBe(true);
            if (i > 0) expect(interval.start).toBeGreaterThanOrEqual(present(intervals[i - 1].end));
            if (i < intervals.length - 1) expect(interval.end).not.toBeNull();
          });
          const running = intervals.length > 0 && intervals[intervals.length - 1].end === null;
          if (view) expect(running).toBe(view.status === 'open');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps report totals equal to the sums of its teams and matrix', () => {
    fc.assert(
      fc.property(historyArb, ({ appended }) => {
        const report = handoffReport(foldCases(appended).values(), { from: at(5), to: at(25) });
        const sum = (values: number[]) => values.reduce((x, y) => x + y, 0);
        expect(sum(report.teams.map((row) => row.handoffsIn))).toBe(report.totals.handoffs);
        expect(sum(report.matrix.map((cell) => cell.count))).toBe(report.totals.handoffs);
        const since = report.ownerless.map((row) => row.unownedSince);
        expect(since).toEqual([...since].sort((x, y) => x - y));
      }),
      { numRuns: 300 },
    );
  });
});

describe('one case folded in every order', () => {
  it('an acceptance before, between or after the rest ends the same', () => {
    const e = eventFactory();
    const events = [
      e.opened('c1', at(0), 'billing'),
      e.requested('c1', at(10), 'billing', 'tech'),
      e.accepted('c1', at(25), 'tech'),
      e.requested('c1', at(40), 'tech', 'billing'),
      e.accepted('c1', at(70), 'billing'),
    ];
    const expected = foldCase('c1', events);
    fc.assert(
      fc.property(fc.shuffledSubarray(events, { minLength: 5, maxLength: 5 }), (arrived) => {
        expect(foldCase('c1', arrived)).toEqual(expected);
      }),
    );
    expect(caseView(expected, at(80))?.handoffs.map((h) => [h.minutesToAccept, h.flags])).toEqual([
      [15, []],
      [30, ['pingPong']],
    ]);
  });
});

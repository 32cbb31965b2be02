import fc from 'fast-check';
import type { AnyLedgerEvent } from '@cx/events';
import { lastSpanSeq, stepCase, type CaseFold, type OwnershipSpan, type Resolution } from './case-fold';
import { replayCase } from './case-replay';
import { compareFacts, toCaseEventFact, type CaseEventFact } from './case-state';
import { caseStatusAt, openCasesAt } from './case-status';
import { at, eventFactory, foldCase } from './case-test-kit';
import type { Handoff } from './handoff';
import { present } from '../testing/present';

/**
 * The one fold (SPEC §2.3): events in, state out. A store keeps the rows the steps hand out
 * and a state per event; a late event folds again from the state before it (`lastSpanSeq`).
 * Whatever order events arrive in, the rows must be those of one fold in time order.
 */

const TEAMS = ['billing', 'tech', 'sales'] as const;

const stepArb = fc.record({
  kind: fc.constantFrom('opened', 'requested', 'requested', 'accepted', 'accepted', 'resolved', 'reopened'),
  // Few minutes, so that many events share an instant and position breaks the tie.
  minute: fc.integer({ min: 0, max: 20 }),
  team: fc.option(fc.constantFrom(...TEAMS), { nil: undefined }),
  otherTeam: fc.constantFrom(...TEAMS),
  agentId: fc.option(fc.constantFrom('ann', 'bob'), { nil: undefined }),
  stranger: fc.boolean(),
});
type Step = typeof stepArb extends fc.Arbitrary<infer S> ? S : never;

function toEvents(steps: Step[]): AnyLedgerEvent[] {
  let customer = 'first';
  const e = eventFactory(() => customer);
  return steps.map(({ kind, minute, team, otherTeam, agentId, stranger }) => {
    customer = stranger ? 'stranger' : 'owner';
    const time = at(minute);
    if (kind === 'opened') return e.opened('c1', time, team, agentId);
    if (kind === 'requested') return e.requested('c1', time, team ?? otherTeam, otherTeam);
    if (kind === 'accepted') return e.accepted('c1', time, team ?? otherTeam, agentId);
    if (kind === 'resolved') return e.resolved('c1', time, team);
    return e.reopened('c1', time);
  });
}

const historyArb = fc
  .array(stepArb, { minLength: 1, maxLength: 25 })
  .map(toEvents)
  .chain((appended) =>
    fc.tuple(fc.constant(appended), fc.shuffledSubarray(appended, { minLength: appended.length, maxLength: appended.length })),
  );

/** The rows a projection keeps for one case, written only from what steps hand out. */
class CaseRows {
  readonly handoffs = new Map<number, Handoff>();
  readonly spans = new Map<number, OwnershipSpan>();
  readonly resolutions = new Map<number, Resolution>();
  /** The case's events in time order, each with the state after it. */
  private events: Array<{ event: CaseEventFact; after: CaseFold }> = [];

  arrive(ledgerEvent: AnyLedgerEvent): void {
    const event = toCaseEventFact(ledgerEvent);
    if (this.events.some((known) => known.event.position === event.position)) return;
    const at = this.events.findIndex((known) => compareFacts(event, known.event) < 0);
    const place = at === -1 ? this.events.length : at;
    const before = place === 0 ? null : this.events[place - 1].after;
    const tail = this.events.slice(place).map((known) => known.event);
    this.rewind(before, tail);
    this.events = this.events.slice(0, place);
    let fold = before;
    for (const next of [event, ...tail]) {
      const step = stepCase(fold, next, 'c1');
      for (const handoff of step.handoffs) this.handoffs.set(handoff.position, handoff);
      for (const seq of step.droppedSpans) this.spans.delete(seq);
      for (const span of step.spans) this.spans.set(span.seq, span);
      if (step.resolution) this.resolutions.set(step.resolution.position, step.resolution);
      fold = step.fold;
      // A store keeps states as JSON: fold on from the parsed copy, as it would.
      this.events.push({ event: next, after: JSON.parse(JSON.stringify(fold)) as CaseFold });
    }
  }

  /** Puts the rows back as they stood at `before`: removes what the events after it made (see `lastSpanSeq`). */
  private rewind(before: CaseFold | null, tail: readonly CaseEventFact[]): void {
    for (const { position } of tail) {
      this.handoffs.delete(position);
      this.resolutions.delete(position);
    }
    for (const seq of [...this.spans.keys()]) if (seq > lastSpanSeq(before)) this.spans.delete(seq);
    // A span the tail had closed is open again until the refold closes it anew.
    for (const span of before?.spans ?? []) this.spans.set(span.seq, span);
  }
}

const byPosition = <T extends { position: number }>(rows: Iterable<T>) => [...rows].sort((a, b) => a.position - b.position);

describe('stepCase', () => {
  it('refuses an event that comes before the last one folded', () => {
    const e = eventFactory();
    const first = stepCase(null, toCaseEventFact(e.opened('c1', at(10), 'billing')), 'c1');
    expect(() => stepCase(first.fold, toCaseEventFact(e.resolved('c1', at(5))))).toThrow(RangeError);
  });

  it('hands out what each event changed, and keeps a state that does not grow with the history', () => {
    const e = eventFactory();
    let fold: CaseFold | null = null;
    const effects: string[] = [];
    for (let i = 0; i < 200; i++) {
      const step = stepCase(
        fold,
        toCaseEventFact(
          i === 0
            ? e.opened('c1', at(0), 'billing')
            : i % 2
              ? e.requested('c1', at(i), 'billing', 'tech')
              : e.accepted('c1', at(i), i % 4 ? 'tech' : 'billing'),
        ),
        'c1',
      );
      effects.push(step.effect);
      fold = step.fold;
    }
    expect(effects.slice(0, 4)).toEqual(['opened', 'requested', 'handoff', 'requested']);
    expect(present(fold).spans.length).toBeLessThanOrEqual(2);
    expect(JSON.stringify(fold).length).toBeLessThan(1_000);
    expect(present(fold).handoffCount).toBe(99);
  });
});

describe('a store folding from the state before each late event', () => {
  it('ends with the rows of one fold in time order, whatever the arrival order', () => {
    fc.assert(
      fc.property(historyArb, ([appended, arrived]) => {
        const rows = new CaseRows();
        for (const event of arrived) rows.arrive(event);
        const replayed = present(replayCase(foldCase('c1', appended)));
        expect(byPosition(rows.handoffs.values())).toEqual(byPosition(replayed.handoffs));
        expect([...rows.spans.values()].sort((a, b) => a.seq - b.seq)).toEqual(replayed.spans);
        expect(byPosition(rows.resolutions.values())).toEqual(byPosition(replayed.resolutions));
      }),
      { numRuns: 400 },
    );
  });
});

describe('caseStatusAt: what the lifecycle reads of a case', () => {
  it('an orphan is open from its first event, with no opening', () => {
    const e = eventFactory();
    const state = foldCase('c1', [e.requested('c1', at(5), 'billing', 'tech'), e.opened('c1', at(30), 'tech')]);
    expect(caseStatusAt(state, at(4))).toBeNull();
    expect(caseStatusAt(state, at(10))).toMatchObject({ open: true, openedAt: null, category: null });
    expect(caseStatusAt(state, at(30))).toMatchObject({ open: true, openedAt: at(30), category: 'complaint' });
  });

  it('an opening after the resolution does not reopen the case; a reopen does', () => {
    const e = eventFactory();
    const state = foldCase('c1', [e.resolved('c1', at(5)), e.opened('c1', at(10)), e.reopened('c1', at(20))]);
    expect([at(5), at(10), at(20)].map((t) => caseStatusAt(state, t)?.open)).toEqual([false, false, true]);
  });

  it('openCasesAt lists the open ones, orphans included', () => {
    const e = eventFactory();
    const states = [
      foldCase('a', [e.opened('a', at(0)), e.resolved('a', at(10))]),
      foldCase('b', [e.accepted('b', at(5), 'tech')]),
      foldCase('c', [e.opened('c', at(20))]),
    ];
    expect(openCasesAt(states, at(6))).toEqual(['a', 'b']);
    expect(openCasesAt(states, at(20))).toEqual(['b', 'c']);
  });
});

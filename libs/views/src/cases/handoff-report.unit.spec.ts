import fc from 'fast-check';
import type { AnyLedgerEvent } from '@cx/events';
import { HANDOFF_DATASET_REPORT, handoffDataset, WINDOW } from './handoff-dataset';
import { handoffReport } from './handoff-report';
import { at, eventFactory, foldCases } from './case-test-kit';
import { caseView } from './case-view';
import { present } from '../testing/present';

const reportOf = (events: readonly AnyLedgerEvent[]) => handoffReport(foldCases(events).values(), WINDOW);

describe('handoff report over the hand-checked dataset', () => {
  const events = handoffDataset();

  it('has at least 40 case events across 5 teams', () => {
    const caseEvents = events.filter((event) => event.type.startsWith('cx.case.'));
    expect(caseEvents.length).toBeGreaterThanOrEqual(40);
  });

  it('matches the report worked out by hand', () => {
    expect(reportOf(events)).toEqual(HANDOFF_DATASET_REPORT);
  });

  it('keeps the totals consistent with the teams and the matrix', () => {
    const report = reportOf(events);
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
    expect(sum(report.teams.map((row) => row.handoffsIn))).toBe(report.totals.handoffs);
    expect(sum(report.matrix.map((cell) => cell.count))).toBe(report.totals.handoffs);
  });

  it('is the same whatever order the events arrive in, redeliveries included', () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
        fc.array(fc.constantFrom(...events), { maxLength: 10 }),
        (shuffled, redelivered) => {
          expect(reportOf([...shuffled, ...redelivered])).toEqual(HANDOFF_DATASET_REPORT);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('case views of the dataset at `to`', () => {
  const states = foldCases(handoffDataset());
  const viewOf = (caseId: string) => caseView(present(states.get(caseId)), WINDOW.to);

  it('C3: the first request superseded, the second accepted by the wrong team', () => {
    expect(viewOf('C3')?.handoffs.map((h) => [h.toTeam, h.acceptedBy, h.minutesToAccept, h.flags])).toEqual([
      ['billing', null, null, ['superseded']],
      ['retention', 'billing', 15.1, ['misrouted']],
    ]);
  });

  it('C4: two takeovers, the second a ping-pong', () => {
    expect(viewOf('C4')?.handoffs.map((h) => [h.fromTeam, h.toTeam, h.minutesToAccept, h.flags])).toEqual([
      ['retention', 'sales', null, ['takeover']],
      ['sales', 'retention', null, ['takeover', 'pingPong']],
    ]);
  });

  it('C5 stalled, C6 exactly at the SLA not (asOf = `to` includes events at `to`, so C10 is accepted)', () => {
    expect(viewOf('C5')?.handoffs[0].flags).toEqual(['stalled']);
    expect(viewOf('C6')?.handoffs[0].flags).toEqual([]);
    expect(viewOf('C10')?.owner).toEqual({ team: 'field' });
  });

  it('C8: an orphan, reopened once, unowned 60 minutes', () => {
    expect(viewOf('C8')).toMatchObject({ flags: ['orphan'], reopenCount: 1, status: 'resolved', resolvedBy: 'tech', unownedMinutes: 60 });
  });
});

describe('handoff report edges', () => {
  it('is empty over no cases, with null medians', () => {
    expect(handoffReport([], WINDOW)).toEqual({
      ...WINDOW,
      teams: [],
      matrix: [],
      ownerless: [],
      totals: { handoffs: 0, medianMinutesToAccept: null, unownedHours: 0 },
    });
  });

  it('counts the SLA boundary at `to`: exactly 4 h pending is not stalled, 1 ms more is', () => {
    const e = eventFactory();
    const states = foldCases([e.opened('c1', at(0), 'billing'), e.requested('c1', at(10), 'billing', 'tech')]);
    const to = at(10 + 240);
    const stalledAt = (end: number) => handoffReport(states.values(), { from: at(0), to: end }).teams.find((r) => r.team === 'tech');
    expect(stalledAt(to)).toBeUndefined(); // a team with nothing to count has no row
    expect(stalledAt(to + 1)?.stalledNow).toBe(1);
  });

  it('follows the SLA setting', () => {
    const e = eventFactory();
    const states = foldCases([e.opened('c1', at(0), 'billing'), e.requested('c1', at(10), 'billing', 'tech')]);
    const report = handoffReport(states.values(), { from: at(0), to: at(41), settings: { handoffAcceptanceSlaMs: 30 * 60_000 } });
    expect(report.teams.find((row) => row.team === 'tech')?.stalledNow).toBe(1);
  });

  it('counts unowned time only inside the window', () => {
    const e = eventFactory();
    const states = foldCases([e.opened('c1', at(0)), e.accepted('c1', at(120), 'tech')]);
    // unowned 0→120; the window [30, 90) sees 60 minutes of it
    expect(handoffReport(states.values(), { from: at(30), to: at(90) }).totals.unownedHours).toBe(1);
  });

  it('rejects a window that ends before it starts', () => {
    expect(() => handoffReport([], { from: at(10), to: at(0) })).toThrow(RangeError);
  });
});

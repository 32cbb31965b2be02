import fc from 'fast-check';
import type { AnyLedgerEvent } from '@cx/events';
import { handoffDataset, WINDOW } from './handoff-dataset';
import { handoffReport, type HandoffReport } from './handoff-report';
import { at, eventFactory, foldCases } from './case-test-kit';
import { caseView } from './case-view';
import { present } from '../testing/present';

/**
 * The report over the dataset of handoff-dataset.ts, window [at(60), at(720)), worked out
 * by hand (minutes after T0; "C2 45.1" = case C2's handoff of 45.1 minutes).
 *
 * handoffsOut: requests with from <= requestedAt < to, by fromTeam
 *   billing: C1@100, C5@300 = 2 · field: C2@200, C7@600, C12@250 = 3 · tech: C6@480 = 1
 *   sales: C3@150, C3@160 (superseded ones count), C8@130, C10@500, C12@330, C14@60 = 6
 *   (C2@30 and C13@-200 are before the window.)
 * handoffsIn: accepted handoffs with from <= acceptedAt < to, by the accepting team
 *   tech: C1 30, C2 45.1 (pingPong), C7 50, C8 60 = 4; median (45.1 + 50) / 2 = 47.55 → 47.6
 *   field: C2 60, C12 30 (pingPong) = 2; median (30 + 60) / 2 = 45
 *   billing: C3 15.0833 (misrouted) = 1; median 15.1
 *   sales: C4 takeover, C12 40 = 2; median of [40] = 40 (takeovers have no minutes)
 *   retention: C4 takeover (pingPong) = 1; median of nothing = null
 *   (C7's claim is no handoff; C10's acceptance is at `to`; C13's is before `from`.)
 * stalledNow at `to` (pending > 240 min): field C5 (420), retention C14 (660);
 *   not C6 (exactly 240) nor C10 (220).
 * openOwned at `to`: tech C2, billing C3, retention C9 and C13.
 * resolved (resolved at `to`, last resolution in the window, by the owner then, else the
 *   event's team, else unknown): tech C1, C7 (owner tech, event said field), C8 (last @420);
 *   retention C4; field C12; unknown C11. Not C9 (reopened), C10 (@800).
 * matrix: 9 pairs, 10 handoffs; field→tech holds C2 45.1 and C7 50 → 47.6.
 * ownerless at `to`, oldest first: C14 since 60 (retention), C5 300 (field),
 *   C6 480 (billing), C10 500 (field).
 * totals: 10 handoffs; minutes [15.08, 30, 30, 40, 45.1, 50, 60, 60] → (40 + 45.1) / 2 =
 *   42.55 → 42.6; unowned minutes in the window: C1 30 + C2 (30 + 45.1) + C3 25.083 +
 *   C5 420 + C6 240 + C7 (35 + 50) + C8 60 + C10 220 + C11 30 + C12 (40 + 30) + C14 660
 *   = 1915 min 11 s = 31.9197 h → 31.92.
 */
const EXPECTED: HandoffReport = {
  from: WINDOW.from,
  to: WINDOW.to,
  teams: [
    { team: 'billing', handoffsOut: 2, handoffsIn: 1, medianMinutesToAccept: 15.1, stalledNow: 0, openOwned: 1, pingPongs: 0, resolved: 0 },
    { team: 'field', handoffsOut: 3, handoffsIn: 2, medianMinutesToAccept: 45, stalledNow: 1, openOwned: 0, pingPongs: 1, resolved: 1 },
    {
      team: 'retention',
      handoffsOut: 0,
      handoffsIn: 1,
      medianMinutesToAccept: null,
      stalledNow: 1,
      openOwned: 2,
      pingPongs: 1,
      resolved: 1,
    },
    { team: 'sales', handoffsOut: 6, handoffsIn: 2, medianMinutesToAccept: 40, stalledNow: 0, openOwned: 0, pingPongs: 0, resolved: 0 },
    { team: 'tech', handoffsOut: 1, handoffsIn: 4, medianMinutesToAccept: 47.6, stalledNow: 0, openOwned: 1, pingPongs: 1, resolved: 3 },
    { team: 'unknown', handoffsOut: 0, handoffsIn: 0, medianMinutesToAccept: null, stalledNow: 0, openOwned: 0, pingPongs: 0, resolved: 1 },
  ],
  matrix: [
    { fromTeam: 'billing', toTeam: 'tech', count: 1, medianMinutesToAccept: 30 },
    { fromTeam: 'field', toTeam: 'sales', count: 1, medianMinutesToAccept: 40 },
    { fromTeam: 'field', toTeam: 'tech', count: 2, medianMinutesToAccept: 47.6 },
    { fromTeam: 'retention', toTeam: 'sales', count: 1, medianMinutesToAccept: null },
    { fromTeam: 'sales', toTeam: 'billing', count: 1, medianMinutesToAccept: 15.1 },
    { fromTeam: 'sales', toTeam: 'field', count: 1, medianMinutesToAccept: 30 },
    { fromTeam: 'sales', toTeam: 'retention', count: 1, medianMinutesToAccept: null },
    { fromTeam: 'sales', toTeam: 'tech', count: 1, medianMinutesToAccept: 60 },
    { fromTeam: 'tech', toTeam: 'field', count: 1, medianMinutesToAccept: 60 },
  ],
  ownerless: [
    { caseId: 'C14', customerId: 'cust-C14', unownedSince: at(60), pendingTeam: 'retention' },
    { caseId: 'C5', customerId: 'cust-C5', unownedSince: at(300), pendingTeam: 'field' },
    { caseId: 'C6', customerId: 'cust-C6', unownedSince: at(480), pendingTeam: 'billing' },
    { caseId: 'C10', customerId: 'cust-C10', unownedSince: at(500), pendingTeam: 'field' },
  ],
  totals: { handoffs: 10, medianMinutesToAccept: 42.6, unownedHours: 31.92 },
};

const reportOf = (events: readonly AnyLedgerEvent[]) => handoffReport(foldCases(events).values(), WINDOW);

describe('handoff report over the hand-checked dataset', () => {
  const events = handoffDataset();

  it('has at least 40 case events across 5 teams', () => {
    const caseEvents = events.filter((event) => event.type.startsWith('cx.case.'));
    expect(caseEvents.length).toBeGreaterThanOrEqual(40);
  });

  it('matches the report worked out by hand', () => {
    expect(reportOf(events)).toEqual(EXPECTED);
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
          expect(reportOf([...shuffled, ...redelivered])).toEqual(EXPECTED);
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

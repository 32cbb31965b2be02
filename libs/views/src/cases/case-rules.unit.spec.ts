import { handoffFacts, ownershipIntervals } from './case-facts';
import { DEFAULT_CASE_SETTINGS } from './case-settings';
import { evolveCase, initialCaseState } from './case-state';
import { at, eventFactory, foldCase } from './case-test-kit';
import { caseView, type CaseView } from './case-view';
import { FoldSpecification } from '../testing';
import type { CaseState } from './case-state';

/** Each rule of SPEC §2.3 on its own; times are minutes after T0 (see case-test-kit). */

const HOUR = 60;
const SLA_MINUTES = 4 * HOUR;

/** Case c1 as a fold: given the events it holds, when one more arrives, then its view at a time. */
const caseC1 = FoldSpecification.for({ initial: () => initialCaseState('c1'), evolve: evolveCase });

function viewOf(state: CaseState, minutes: number, seconds = 0): CaseView {
  const view = caseView(state, at(minutes, seconds));
  if (!view) throw new Error('expected the case to exist');
  return view;
}

function viewAt(events: ReturnType<ReturnType<typeof eventFactory>['opened']>[], minutes: number, seconds = 0): CaseView {
  const view = caseView(foldCase('c1', events), at(minutes, seconds));
  if (!view) throw new Error('expected the case to exist');
  return view;
}

describe('opened', () => {
  it('with a team: owned by it from the start, nothing unowned', () => {
    const e = eventFactory();
    const view = viewAt([e.opened('c1', at(0), 'billing', 'ann')], 30);
    expect(view).toMatchObject({
      caseId: 'c1',
      customerId: 'cust-c1',
      status: 'open',
      owner: { team: 'billing', agentId: 'ann' },
      pendingTeam: null,
      handoffs: [],
      unownedMinutes: 0,
      reopenCount: 0,
      flags: [],
    });
  });

  it('without a team: unowned, and the unowned minutes run up to asOf', () => {
    const e = eventFactory();
    const view = viewAt([e.opened('c1', at(0))], 90, 30);
    expect(view.owner).toBeNull();
    expect(view.unownedMinutes).toBe(90.5); // 0:00 → 1:30:30
  });

  it('a second opening is a duplicate and changes nothing', () => {
    const e = eventFactory();
    const view = viewAt([e.opened('c1', at(0), 'billing'), e.opened('c1', at(5), 'tech')], 10);
    expect(view.owner).toEqual({ team: 'billing' });
    expect(view.timeline.map((entry) => entry.effect)).toEqual(['opened', 'ignored']);
  });
});

describe('handoff requested', () => {
  it('makes the case pending for toTeam and unowned until accepted', () => {
    const e = eventFactory();
    caseC1
      .given(e.opened('c1', at(0), 'billing'))
      .when(e.requested('c1', at(10), 'billing', 'tech'))
      .then((state) => {
        const view = viewOf(state, 25);
        expect(view.owner).toBeNull();
        expect(view.pendingTeam).toBe('tech');
        expect(view.unownedMinutes).toBe(15); // 0:10 → 0:25
        expect(view.handoffs).toEqual([
          {
            fromTeam: 'billing',
            toTeam: 'tech',
            requestedAt: at(10),
            acceptedAt: null,
            acceptedBy: null,
            minutesToAccept: null,
            outcome: 'pending',
            flags: [],
          },
        ]);
      });
  });

  it('a new request while one is pending supersedes it', () => {
    const e = eventFactory();
    caseC1
      .given(e.opened('c1', at(0), 'billing'), e.requested('c1', at(10), 'billing', 'tech'))
      .when(e.requested('c1', at(20), 'billing', 'sales'))
      .then((state) => {
        const view = viewOf(state, 30);
        expect(view.pendingTeam).toBe('sales');
        expect(view.handoffs.map((h) => [h.toTeam, h.outcome, h.flags])).toEqual([
          ['tech', 'superseded', ['superseded']],
          ['sales', 'pending', []],
        ]);
        expect(view.unownedMinutes).toBe(20); // one unowned stretch 0:10 → 0:30, not two
      });
  });
});

describe('handoff accepted', () => {
  it('with a pending request: a handoff, minutes to accept = accepted - requested', () => {
    const e = eventFactory();
    const view = viewAt(
      [e.opened('c1', at(0), 'billing'), e.requested('c1', at(10), 'billing', 'tech'), e.accepted('c1', at(52, 15), 'tech', 'tom')],
      60,
    );
    expect(view.owner).toEqual({ team: 'tech', agentId: 'tom' });
    expect(view.pendingTeam).toBeNull();
    expect(view.handoffs).toEqual([
      {
        fromTeam: 'billing',
        toTeam: 'tech',
        requestedAt: at(10),
        acceptedAt: at(52, 15),
        acceptedBy: 'tech',
        agentId: 'tom',
        minutesToAccept: 42.3, // 42 min 15 s = 42.25 → 42.3, half away from zero
        outcome: 'accepted',
        flags: [],
      },
    ]);
  });

  it('by another team than toTeam: the handoff is misrouted, and that team owns the case', () => {
    const e = eventFactory();
    caseC1
      .given(e.opened('c1', at(0), 'billing'), e.requested('c1', at(10), 'billing', 'tech'))
      .when(e.accepted('c1', at(20), 'sales'))
      .then((state) => {
        const view = viewOf(state, 30);
        expect(view.owner).toEqual({ team: 'sales' });
        expect(view.handoffs[0]).toMatchObject({ toTeam: 'tech', acceptedBy: 'sales', minutesToAccept: 10, flags: ['misrouted'] });
      });
  });

  it('without a request on an unowned case: a claim, not a handoff', () => {
    const e = eventFactory();
    caseC1
      .given(e.opened('c1', at(0)))
      .when(e.accepted('c1', at(30), 'field'))
      .then((state) => {
        const view = viewOf(state, 45);
        expect(view.owner).toEqual({ team: 'field' });
        expect(view.handoffs).toEqual([]);
        expect(view.unownedMinutes).toBe(30);
        expect(view.timeline.map((entry) => entry.effect)).toEqual(['opened', 'claimed']);
      });
  });

  it('without a request on a case another team owns: a takeover, with no minutes to accept', () => {
    const e = eventFactory();
    const view = viewAt([e.opened('c1', at(0), 'billing'), e.accepted('c1', at(30), 'retention')], 45);
    expect(view.owner).toEqual({ team: 'retention' });
    expect(view.handoffs).toEqual([
      {
        fromTeam: 'billing',
        toTeam: 'retention',
        requestedAt: null,
        acceptedAt: at(30),
        acceptedBy: 'retention',
        minutesToAccept: null,
        outcome: 'accepted',
        flags: ['takeover'],
      },
    ]);
    expect(view.unownedMinutes).toBe(0);
  });

  it('by the owning team without a request: no handoff; a named agent picks the case up', () => {
    const e = eventFactory();
    const view = viewAt(
      [e.opened('c1', at(0), 'billing'), e.accepted('c1', at(10), 'billing'), e.accepted('c1', at(20), 'billing', 'bea')],
      30,
    );
    expect(view.owner).toEqual({ team: 'billing', agentId: 'bea' });
    expect(view.handoffs).toEqual([]);
    expect(view.timeline.map((entry) => entry.effect)).toEqual(['opened', 'ignored', 'assigned']);
  });
});

describe('ping-pong', () => {
  it('a handoff back to a team that owned the case before', () => {
    const e = eventFactory();
    const view = viewAt(
      [
        e.opened('c1', at(0), 'billing'),
        e.requested('c1', at(10), 'billing', 'tech'),
        e.accepted('c1', at(20), 'tech'),
        e.requested('c1', at(30), 'tech', 'billing'),
        e.accepted('c1', at(45), 'billing'),
      ],
      60,
    );
    expect(view.handoffs.map((h) => h.flags)).toEqual([[], ['pingPong']]);
  });

  it('a takeover by a former owner is a ping-pong takeover', () => {
    const e = eventFactory();
    const view = viewAt([e.opened('c1', at(0), 'billing'), e.accepted('c1', at(10), 'sales'), e.accepted('c1', at(20), 'billing')], 30);
    expect(view.handoffs.map((h) => h.flags)).toEqual([['takeover'], ['takeover', 'pingPong']]);
  });

  it('a claim by a former owner is no handoff, so no ping-pong', () => {
    const e = eventFactory();
    const view = viewAt(
      [e.opened('c1', at(0), 'billing'), e.resolved('c1', at(5)), e.reopened('c1', at(6)), e.accepted('c1', at(7), 'billing')],
      10,
    );
    expect(view.handoffs).toEqual([]);
  });
});

describe('stalled (SLA 4 hours, "more than" is strict)', () => {
  const e = eventFactory();
  const events = [e.opened('c1', at(0), 'billing'), e.requested('c1', at(10), 'billing', 'tech')];
  const stateOf = foldCase('c1', events);
  const requestedAt = at(10);
  const sla = DEFAULT_CASE_SETTINGS.handoffAcceptanceSlaMs;

  it('is not stalled exactly at the SLA', () => {
    expect(caseView(stateOf, requestedAt + sla)?.handoffs[0].flags).toEqual([]);
    expect(handoffFacts(stateOf, requestedAt + sla)[0].stalled).toBe(false);
  });

  it('is stalled 1 ms past the SLA', () => {
    expect(caseView(stateOf, requestedAt + sla + 1)?.handoffs[0].flags).toEqual(['stalled']);
    expect(handoffFacts(stateOf, requestedAt + sla + 1)[0].stalled).toBe(true);
  });

  it('follows the setting', () => {
    const settings = { handoffAcceptanceSlaMs: 30 * 60_000 };
    expect(caseView(stateOf, at(40), settings)?.handoffs[0].flags).toEqual([]);
    expect(caseView(stateOf, at(40, 1), settings)?.handoffs[0].flags).toEqual(['stalled']);
  });

  it('an accepted handoff is never stalled, however long it took', () => {
    const view = viewAt([...events, e.accepted('c1', at(10 + SLA_MINUTES + 50), 'tech')], 10 + SLA_MINUTES + 60);
    expect(view.handoffs[0]).toMatchObject({ flags: [], minutesToAccept: SLA_MINUTES + 50 });
  });
});

describe('resolved and reopened', () => {
  it('resolution ends ownership time; reopening returns the case to the owner at resolution', () => {
    const e = eventFactory();
    const events = [
      e.opened('c1', at(0), 'tech', 'tom'),
      e.resolved('c1', at(30), 'billing'), // owner (tech) wins over the event's team
      e.reopened('c1', at(90)),
    ];
    expect(viewAt(events, 60)).toMatchObject({ status: 'resolved', owner: null, resolvedAt: at(30), resolvedBy: 'tech' });
    expect(viewAt(events, 100)).toMatchObject({
      status: 'open',
      owner: { team: 'tech', agentId: 'tom' },
      resolvedAt: null,
      reopenCount: 1,
      unownedMinutes: 0, // the resolved hour is neither owned nor unowned
    });
    expect(ownershipIntervals(foldCase('c1', events), at(100))).toEqual([
      { caseId: 'c1', customerId: 'cust-c1', team: 'tech', start: at(0), end: at(30) },
      { caseId: 'c1', customerId: 'cust-c1', team: 'tech', start: at(90), end: null },
    ]);
  });

  it('an unowned case resolved with a team returns to that team on reopen', () => {
    const e = eventFactory();
    const view = viewAt([e.opened('c1', at(0)), e.resolved('c1', at(20), 'field'), e.reopened('c1', at(40))], 50);
    expect(view).toMatchObject({ owner: { team: 'field' }, unownedMinutes: 20 });
  });

  it('resolved with neither owner nor team: reopens unowned', () => {
    const e = eventFactory();
    const view = viewAt([e.opened('c1', at(0)), e.resolved('c1', at(20)), e.reopened('c1', at(40))], 50);
    expect(view).toMatchObject({ owner: null, unownedMinutes: 30, reopenCount: 1 }); // 0:00–0:20 + 0:40–0:50
  });

  it('resolution cancels a pending request, which then never stalls', () => {
    const e = eventFactory();
    const view = viewAt(
      [e.opened('c1', at(0), 'billing'), e.requested('c1', at(10), 'billing', 'tech'), e.resolved('c1', at(20), 'billing')],
      10 + SLA_MINUTES + 1,
    );
    expect(view).toMatchObject({ pendingTeam: null, resolvedBy: 'billing', unownedMinutes: 10 });
    expect(view.handoffs[0]).toMatchObject({ outcome: 'cancelled', flags: [] });
  });

  it('counts reopens; a reopen of an open case and a repeat resolution are ignored', () => {
    const e = eventFactory();
    const view = viewAt(
      [
        e.opened('c1', at(0), 'tech'),
        e.reopened('c1', at(5)),
        e.resolved('c1', at(10)),
        e.resolved('c1', at(12), 'sales'),
        e.reopened('c1', at(20)),
        e.resolved('c1', at(30)),
        e.reopened('c1', at(40)),
      ],
      50,
    );
    expect(view).toMatchObject({ reopenCount: 2, owner: { team: 'tech' } });
    expect(view.timeline.map((entry) => entry.effect)).toEqual([
      'opened',
      'ignored',
      'resolved',
      'ignored',
      'reopened',
      'resolved',
      'reopened',
    ]);
  });

  it('requests and acceptances on a resolved case change nothing', () => {
    const e = eventFactory();
    const view = viewAt(
      [
        e.opened('c1', at(0), 'tech'),
        e.resolved('c1', at(10)),
        e.requested('c1', at(20), 'tech', 'sales'),
        e.accepted('c1', at(30), 'sales'),
      ],
      40,
    );
    expect(view).toMatchObject({ status: 'resolved', owner: null, pendingTeam: null, handoffs: [] });
  });
});

describe('orphan cases (events for a case never opened)', () => {
  it('start at their first event, open and unowned; an acceptance is then a claim', () => {
    const e = eventFactory();
    const view = viewAt([e.accepted('c1', at(10), 'tech'), e.requested('c1', at(20), 'tech', 'billing')], 30);
    expect(view).toMatchObject({
      flags: ['orphan'],
      status: 'open',
      startedAt: at(10),
      owner: null,
      pendingTeam: 'billing',
      unownedMinutes: 10, // 0:20 → 0:30; before 0:10 the case did not exist
    });
    expect(view.timeline.map((entry) => entry.effect)).toEqual(['claimed', 'requested']);
  });

  it('a request as the first event makes the case pending from then on', () => {
    const e = eventFactory();
    const view = viewAt([e.requested('c1', at(10), 'sales', 'tech'), e.accepted('c1', at(25), 'tech')], 30);
    expect(view.handoffs[0]).toMatchObject({ fromTeam: 'sales', minutesToAccept: 15, flags: [] });
    expect(view.unownedMinutes).toBe(15);
  });

  it('a case known only by its resolution is an orphan, resolved by that team', () => {
    const e = eventFactory();
    const view = viewAt([e.resolved('c1', at(10), 'field')], 20);
    expect(view).toMatchObject({ flags: ['orphan'], status: 'resolved', resolvedBy: 'field', unownedMinutes: 0 });
  });

  it('stops being an orphan once an opening counts; a late-timed opening does not undo earlier handoffs', () => {
    const e = eventFactory();
    const events = [e.accepted('c1', at(10), 'tech'), e.opened('c1', at(20), 'billing')];
    expect(viewAt(events, 15).flags).toEqual(['orphan']);
    expect(viewAt(events, 20)).toMatchObject({ flags: [], owner: { team: 'tech' } });
  });
});

describe('asOf', () => {
  it('only events with time <= asOf count; before the first event there is no case', () => {
    const e = eventFactory();
    const state = foldCase('c1', [e.opened('c1', at(10), 'billing'), e.requested('c1', at(20), 'billing', 'tech')]);
    expect(caseView(state, at(10) - 1)).toBeNull();
    expect(caseView(state, at(10))?.owner).toEqual({ team: 'billing' });
    expect(caseView(state, at(20))?.pendingTeam).toBe('tech');
  });
});

describe('the fold', () => {
  it('an acceptance that arrives before its request ends the same as when it arrives after', () => {
    const e = eventFactory();
    const opened = e.opened('c1', at(0), 'billing');
    const accepted = e.accepted('c1', at(30), 'tech'); // appended first, happened later
    const requested = e.requested('c1', at(10), 'billing', 'tech');
    const early = foldCase('c1', [opened, accepted, requested]);
    const inOrder = foldCase('c1', [opened, requested, accepted]);
    expect(early).toEqual(inOrder);
    expect(caseView(early, at(40))?.handoffs[0]).toMatchObject({ minutesToAccept: 20, flags: [] });
  });

  it('ties in time are broken by position', () => {
    const e = eventFactory();
    const requested = e.requested('c1', at(10), 'billing', 'tech');
    const accepted = e.accepted('c1', at(10), 'tech');
    const view = caseView(foldCase('c1', [accepted, e.opened('c1', at(0), 'billing'), requested]), at(20));
    expect(view?.handoffs[0]).toMatchObject({ minutesToAccept: 0, outcome: 'accepted' });
    expect(view?.unownedMinutes).toBe(0);
  });

  it('ignores redeliveries, other cases and other event types', () => {
    const e = eventFactory();
    const opened = e.opened('c1', at(0), 'billing');
    const state = foldCase('c1', [opened, opened, e.opened('c2', at(1), 'tech'), e.interaction('c1', at(2), 'sales')]);
    expect(state.events).toHaveLength(1);
  });

  it('keeps a plain JSON state', () => {
    const e = eventFactory();
    const state = [e.opened('c1', at(0), 'billing'), e.requested('c1', at(10), 'billing', 'tech')].reduce(
      evolveCase,
      initialCaseState('c1'),
    );
    expect(JSON.parse(JSON.stringify(state))).toStrictEqual(state);
  });
});

describe('fact rows', () => {
  it('one handoff row per handoff with flag columns and when (and by which event) it stopped pending, one interval per stretch of open time', () => {
    const e = eventFactory();
    const state = foldCase('c1', [
      e.opened('c1', at(0), 'billing'),
      e.requested('c1', at(10), 'billing', 'tech'),
      e.requested('c1', at(20), 'billing', 'sales'),
      e.accepted('c1', at(50), 'tech', 'tom'),
      e.accepted('c1', at(60), 'billing'),
    ]);
    const row = { caseId: 'c1', customerId: 'cust-c1' };
    const noFlags = { superseded: false, misrouted: false, takeover: false, pingPong: false, stalled: false };
    expect(handoffFacts(state, at(70))).toEqual([
      {
        ...row,
        ...noFlags,
        position: 2,
        fromTeam: 'billing',
        toTeam: 'tech',
        requestedAt: at(10),
        acceptedAt: null,
        acceptedBy: null,
        agentId: null,
        minutesToAccept: null,
        outcome: 'superseded',
        superseded: true,
        closedAt: at(20),
        closedPosition: 3,
      },
      {
        ...row,
        ...noFlags,
        position: 3,
        fromTeam: 'billing',
        toTeam: 'sales',
        requestedAt: at(20),
        acceptedAt: at(50),
        acceptedBy: 'tech',
        agentId: 'tom',
        minutesToAccept: 30,
        outcome: 'accepted',
        misrouted: true,
        closedAt: at(50),
        closedPosition: 4,
      },
      {
        ...row,
        ...noFlags,
        position: 5,
        fromTeam: 'tech',
        toTeam: 'billing',
        requestedAt: null,
        acceptedAt: at(60),
        acceptedBy: 'billing',
        agentId: null,
        minutesToAccept: null,
        outcome: 'accepted',
        takeover: true,
        pingPong: true,
        closedAt: at(60),
        closedPosition: 5,
      },
    ]);
    expect(ownershipIntervals(state, at(70))).toEqual([
      { ...row, team: 'billing', start: at(0), end: at(10) },
      { ...row, team: null, start: at(10), end: at(50) },
      { ...row, team: 'tech', start: at(50), end: at(60) },
      { ...row, team: 'billing', start: at(60), end: null },
    ]);
  });

  it('no rows before the case exists', () => {
    const e = eventFactory();
    const state = foldCase('c1', [e.opened('c1', at(10), 'billing')]);
    expect(handoffFacts(state, at(0))).toEqual([]);
    expect(ownershipIntervals(state, at(0))).toEqual([]);
  });
});

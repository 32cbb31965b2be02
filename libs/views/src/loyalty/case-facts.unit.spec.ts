import fc from 'fast-check';
import type { AnyLedgerEvent } from '@cx/events';
import { caseView, evolveCase, initialCaseState } from '../cases';
import { caseFacts, type CaseFact } from './case-facts';
import { LEDGER, TO, ledgerBuilder } from './loyalty.fixtures';
import { present } from '../testing/present';

const at = (iso: string) => Date.parse(iso);
const byId = (facts: CaseFact[]) => Object.fromEntries(facts.map((f) => [f.caseId, f]));

describe('caseFacts on the hand-built ledger, folded at TO', () => {
  const facts = byId(caseFacts(LEDGER, TO));

  it('one fact per case, sorted by caseId; other event types ignored', () => {
    expect(Object.keys(facts)).toEqual(['K1', 'K10', 'K11', 'K12', 'K13', 'K14', 'K2', 'K3', 'K4', 'K5', 'K6', 'K7', 'K8', 'K9']);
  });

  it('K11: a late opening still comes first; a superseded request is not a handoff', () => {
    expect(facts.K11).toEqual({
      caseId: 'K11',
      customerId: 'carol',
      channel: 'web',
      openedAt: at('2026-03-18T09:00:00Z'),
      openTeam: 'billing',
      handoffs: 1,
      reopens: 0,
      lastResolvedAt: at('2026-03-18T12:00:00Z'),
      resolvedTeam: 'support',
      resolved: true,
    });
  });

  it('K8: a takeover is a handoff, and the owner at resolution beats the event team', () => {
    expect(facts.K8).toMatchObject({ openTeam: 'tech', handoffs: 1, resolvedTeam: 'billing', resolved: true });
  });

  it('K5: a claim of an unowned case is not a handoff', () => {
    expect(facts.K5).toMatchObject({ openTeam: null, handoffs: 0, resolvedTeam: 'support' });
  });

  it('K4: reopened, then resolved again by the team it returned to', () => {
    expect(facts.K4).toMatchObject({ reopens: 1, resolved: true, lastResolvedAt: at('2026-03-13T08:00:00Z'), resolvedTeam: 'tech' });
  });

  it('same-instant events go by position: K13 ends reopened, K14 ends resolved with no reopen', () => {
    expect(facts.K13).toMatchObject({ reopens: 1, resolved: false });
    expect(facts.K14).toMatchObject({ reopens: 0, resolved: true });
  });

  it('K9: an orphan has no opening, channel or opening team', () => {
    expect(facts.K9).toMatchObject({ openedAt: null, channel: null, openTeam: null, resolved: true, resolvedTeam: 'support' });
  });

  it('K12: no owner at resolution, so the resolving event names the team', () => {
    expect(facts.K12).toMatchObject({ openTeam: null, resolvedTeam: 'billing' });
  });

  it('only events before the cutoff count: K7 and K10 are open at TO, resolved later', () => {
    expect([facts.K7.resolved, facts.K10.resolved]).toEqual([false, false]);
    const later = byId(caseFacts(LEDGER));
    expect([later.K7.resolved, later.K10.resolved]).toEqual([true, true]);
  });
});

describe('caseFacts does not depend on arrival order', () => {
  const CASES = ['A', 'B', 'C'];
  const TEAMS = ['t1', 't2', 't3'];
  const step = fc.record({
    kind: fc.constantFrom('opened', 'requested', 'accepted', 'resolved', 'reopened'),
    caseId: fc.constantFrom(...CASES),
    team: fc.option(fc.constantFrom(...TEAMS), { nil: undefined }),
    minute: fc.integer({ min: 0, max: 20 }), // few distinct times, so ties happen
  });

  type Step = { kind: string; caseId: string; team?: string; minute: number };

  function ledgerOf(steps: readonly Step[]): AnyLedgerEvent[] {
    const { events, add } = ledgerBuilder();
    for (const s of steps) {
      const time = new Date(Date.UTC(2026, 2, 1, 0, s.minute)).toISOString();
      const team = s.team ?? 't1';
      if (s.kind === 'opened')
        add('cx.case.opened.v1', 'c', time, {
          caseId: s.caseId,
          category: 'inquiry',
          channel: 'chat',
          ...(s.team ? { team: s.team } : {}),
        });
      if (s.kind === 'requested') add('cx.case.handoff.requested.v1', 'c', time, { caseId: s.caseId, fromTeam: 't1', toTeam: team });
      if (s.kind === 'accepted') add('cx.case.handoff.accepted.v1', 'c', time, { caseId: s.caseId, team });
      if (s.kind === 'resolved') add('cx.case.resolved.v1', 'c', time, { caseId: s.caseId, ...(s.team ? { team: s.team } : {}) });
      if (s.kind === 'reopened') add('cx.case.reopened.v1', 'c', time, { caseId: s.caseId });
    }
    return events;
  }

  it('the same stored events in any order fold to the same facts', () => {
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 30 }).chain((steps) => {
          const events = ledgerOf(steps);
          return fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }));
        }),
        ([events, shuffled]) => {
          expect(caseFacts(shuffled)).toEqual(caseFacts(events));
        },
      ),
    );
  });

  it('folding with a cutoff equals folding only the events before it', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), fc.integer({ min: 0, max: 21 }), (steps, minute) => {
        const events = ledgerOf(steps);
        const cutoff = Date.UTC(2026, 2, 1, 0, minute);
        expect(caseFacts(events, cutoff)).toEqual(caseFacts(events.filter((e) => e.time < cutoff)));
      }),
    );
  });

  it('says what the case view says about each case at the cut-off: one fold', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), fc.integer({ min: 0, max: 21 }), (steps, minute) => {
        const events = ledgerOf(steps);
        const cutoff = Date.UTC(2026, 2, 1, 0, minute);
        for (const fact of caseFacts(events, cutoff)) {
          const state = events
            .filter((e) => (e.data as { caseId?: string }).caseId === fact.caseId)
            .reduce(evolveCase, initialCaseState(fact.caseId));
          const view = present(caseView(state, cutoff - 1));
          expect([fact.resolved, fact.customerId, fact.reopens]).toEqual([view.status === 'resolved', view.customerId, view.reopenCount]);
          if (fact.resolved) expect([fact.lastResolvedAt, fact.resolvedTeam]).toEqual([view.resolvedAt, view.resolvedBy]);
          expect(fact.handoffs).toBe(view.handoffs.filter((h) => h.outcome === 'accepted').length);
        }
      }),
    );
  });
});

describe('caseFacts where the case rules settle a corner', () => {
  const { events, add } = ledgerBuilder();
  add('cx.case.opened.v1', 'c', '2026-03-01T09:00:00Z', { caseId: 'R', category: 'inquiry', channel: 'chat', team: 't1' });
  add('cx.case.resolved.v1', 'c', '2026-03-01T10:00:00Z', { caseId: 'R' });
  add('cx.case.handoff.requested.v1', 'c', '2026-03-01T11:00:00Z', { caseId: 'R', fromTeam: 't1', toTeam: 't2' });
  add('cx.case.handoff.accepted.v1', 'c', '2026-03-01T12:00:00Z', { caseId: 'R', team: 't2' });
  add('cx.case.resolved.v1', 'c', '2026-03-01T13:00:00Z', { caseId: 'R', team: 't2' });

  it('a repeat resolution and handoffs of a resolved case change nothing: the first resolution stands', () => {
    expect(caseFacts(events)).toEqual([
      {
        caseId: 'R',
        customerId: 'c',
        channel: 'chat',
        openedAt: at('2026-03-01T09:00:00Z'),
        openTeam: 't1',
        handoffs: 0,
        reopens: 0,
        lastResolvedAt: at('2026-03-01T10:00:00Z'),
        resolvedTeam: 't1',
        resolved: true,
      },
    ]);
  });
});

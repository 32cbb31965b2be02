import type { AnyLedgerEvent, Channel } from '@cx/events';
import { caseIdOf, evolveCase, initialCaseState, replayCase, stepCase, type CaseFold, type CaseState } from '../cases';

/**
 * One row per case with what the `cases` block of SPEC §2.2 needs, as the case stood from its
 * events with `time < before`: the case fold of SPEC §2.3 (../cases/case-fold.ts), read at a
 * cut-off, so that loyalty and the case view never disagree about a case.
 */
export interface CaseFact {
  caseId: string;
  /** Customer of the opening event, else of the case's first event. */
  customerId: string;
  /** Channel the case was opened on; null for an orphan (never opened before the cutoff). */
  channel: Channel | null;
  /** Time of the opening event; null for an orphan. */
  openedAt: number | null;
  /** The opening event's `team`. */
  openTeam: string | null;
  /** Ownership changes between teams (SPEC §2.3): accepted requests and takeovers; claims are not. */
  handoffs: number;
  /** Reopenings of a resolved case. */
  reopens: number;
  /** Time of the latest resolution that closed the case, even if reopened since. */
  lastResolvedAt: number | null;
  /** Team owning the case at that resolution, else the resolving event's `team`. */
  resolvedTeam: string | null;
  /** Resolved and not reopened at the cutoff. */
  resolved: boolean;
}

/** The fact of one case from its events before `before`; null when none is. */
export function caseFactOf(state: CaseState, before: number): CaseFact | null {
  const atCut = replayCase(state, before, true);
  return atCut && factOfFold(atCut);
}

/**
 * The case's fact after the events of each distinct event time, in time order (the fact at
 * `time` is `caseFactOf(state, time + 1)`), from one fold of its events.
 */
export function caseFactsByTime(state: CaseState): Array<{ time: number; fact: CaseFact }> {
  const facts: Array<{ time: number; fact: CaseFact }> = [];
  let fold: CaseFold | null = null;
  state.events.forEach((event, i) => {
    fold = stepCase(fold, event, state.caseId).fold;
    if (state.events[i + 1]?.time === event.time) return;
    facts.push({ time: event.time, fact: factOfFold(fold) });
  });
  return facts;
}

function factOfFold(atCut: CaseFold): CaseFact {
  return {
    caseId: atCut.caseId,
    customerId: atCut.customerId,
    channel: atCut.opening?.channel ?? null,
    openedAt: atCut.opening?.time ?? null,
    openTeam: atCut.opening?.team ?? null,
    handoffs: atCut.handoffCount,
    reopens: atCut.reopenCount,
    lastResolvedAt: atCut.resolution?.at ?? null,
    resolvedTeam: atCut.resolution?.team ?? null,
    resolved: atCut.status === 'resolved',
  };
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * One fact per case from the case events with `time < before` (default: all of them), sorted
 * by caseId. Other event types are ignored, so the whole ledger can be passed in.
 */
export function caseFacts(events: readonly AnyLedgerEvent[], before = Number.POSITIVE_INFINITY): CaseFact[] {
  const states = new Map<string, CaseState>();
  for (const event of events) {
    const caseId = caseIdOf(event);
    if (caseId === undefined) continue;
    states.set(caseId, evolveCase(states.get(caseId) ?? initialCaseState(caseId), event));
  }
  return [...states.values()]
    .map((state) => caseFactOf(state, before))
    .filter((fact): fact is CaseFact => fact !== null)
    .sort((a, b) => byCodeUnits(a.caseId, b.caseId));
}

import type { CaseCategory } from '@cx/events';
import { replayCase } from './case-replay';
import type { CaseState } from './case-state';

/**
 * What the customer lifecycle (SPEC §2.1) reads of a case at T: whether it is open (an orphan
 * is open from its first event, as the case view says), and its opening, for the complaint rule.
 */
export interface CaseStatusAt {
  caseId: string;
  /** The case's customer at T: the opening's, else the first event's. */
  customerId: string;
  open: boolean;
  /** The opening that counts by T; null while the case is an orphan. */
  openedAt: number | null;
  category: CaseCategory | null;
}

/** The case at T (events with `time <= T`); null when none of its events happened by then. */
export function caseStatusAt(state: CaseState, T: number): CaseStatusAt | null {
  const replayed = replayCase(state, T);
  if (!replayed) return null;
  return {
    caseId: replayed.caseId,
    customerId: replayed.customerId,
    open: replayed.status === 'open',
    openedAt: replayed.opening?.time ?? null,
    category: replayed.opening?.category ?? null,
  };
}

/** Ids of the cases open at T, orphans included, in the order given. */
export const openCasesAt = (states: Iterable<CaseState>, T: number): string[] =>
  [...states].flatMap((state) => (caseStatusAt(state, T)?.open ? [state.caseId] : []));

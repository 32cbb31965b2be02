import { DEFAULT_CASE_SETTINGS, type CaseSettings } from './case-settings';
import { replayCase, type ReplayedCase } from './case-replay';
import type { CaseState } from './case-state';
import { isStalled, minutesToAccept, type Handoff } from './handoff';

/** A handoff's columns: the `Handoff` with its flags spread out (stalled aside: it depends on an instant). */
export type HandoffColumns = ReturnType<typeof handoffFact>;

/**
 * Flat rows for SQL users: one column per flag, so a query filters with `WHERE ping_pong`
 * instead of parsing a list. (caseId, position) is the key.
 */
export interface HandoffFact extends HandoffColumns {
  caseId: string;
  customerId: string;
  /** As of the `asOf` the rows were computed for. */
  stalled: boolean;
}

/** One row per stretch of open time: `team` null while unowned, `end` null while ongoing. */
export interface OwnershipIntervalFact {
  caseId: string;
  customerId: string;
  team: string | null;
  start: number;
  end: number | null;
}

export function handoffFacts(state: CaseState, asOf: number, settings: CaseSettings = DEFAULT_CASE_SETTINGS): HandoffFact[] {
  const replayed = replayCase(state, asOf);
  return replayed ? handoffFactsOf(replayed, asOf, settings) : [];
}

/** The handoff facts of a case already replayed up to `asOf`. */
export function handoffFactsOf(replayed: ReplayedCase, asOf: number, settings: CaseSettings = DEFAULT_CASE_SETTINGS): HandoffFact[] {
  const { caseId, customerId } = replayed;
  return replayed.handoffs.map((handoff) => ({ caseId, customerId, ...handoffFact(handoff), stalled: isStalled(handoff, asOf, settings) }));
}

export function ownershipIntervals(state: CaseState, asOf: number): OwnershipIntervalFact[] {
  const replayed = replayCase(state, asOf);
  return replayed ? ownershipIntervalsOf(replayed) : [];
}

/** The stretches of open time of a case already replayed. */
export function ownershipIntervalsOf(replayed: ReplayedCase): OwnershipIntervalFact[] {
  const { caseId, customerId } = replayed;
  return replayed.spans.map(({ team, start, end }) => ({ caseId, customerId, team, start, end }));
}

export function handoffFact(handoff: Handoff) {
  const { flags, agentId, ...fields } = handoff;
  return {
    ...fields,
    agentId: agentId ?? null,
    minutesToAccept: minutesToAccept(handoff),
    superseded: flags.includes('superseded'),
    misrouted: flags.includes('misrouted'),
    takeover: flags.includes('takeover'),
    pingPong: flags.includes('pingPong'),
  };
}

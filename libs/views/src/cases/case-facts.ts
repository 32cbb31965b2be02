import { DEFAULT_CASE_SETTINGS, type CaseSettings } from './case-settings';
import { replayCase, type HandoffOutcome, type HandoffRecord } from './case-replay';
import type { CaseState } from './case-state';
import { isStalled, msToAccept } from './case-view';
import { minutesFromMs } from './rounding';

/**
 * Flat rows a projection stores for SQL users: one column per flag, so a query filters
 * with `WHERE ping_pong` instead of parsing a list. (caseId, position) is the key.
 */
export interface HandoffFact {
  caseId: string;
  customerId: string;
  /** Position of the request, or of the acceptance for a takeover. */
  position: number;
  fromTeam: string;
  toTeam: string;
  requestedAt: number | null;
  acceptedAt: number | null;
  acceptedBy: string | null;
  agentId: string | null;
  minutesToAccept: number | null;
  outcome: HandoffOutcome;
  superseded: boolean;
  misrouted: boolean;
  takeover: boolean;
  pingPong: boolean;
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

export function handoffFacts(
  state: CaseState,
  asOf: number,
  settings: CaseSettings = DEFAULT_CASE_SETTINGS,
): HandoffFact[] {
  const replayed = replayCase(state, asOf);
  if (!replayed) return [];
  const { caseId, customerId } = replayed;
  return replayed.handoffs.map((handoff) => ({ caseId, customerId, ...factOf(handoff, asOf, settings) }));
}

export function ownershipIntervals(state: CaseState, asOf: number): OwnershipIntervalFact[] {
  const replayed = replayCase(state, asOf);
  if (!replayed) return [];
  const { caseId, customerId } = replayed;
  return replayed.spans.map(({ team, start, end }) => ({ caseId, customerId, team, start, end }));
}

function factOf(handoff: HandoffRecord, asOf: number, settings: CaseSettings) {
  const waitedMs = msToAccept(handoff);
  return {
    position: handoff.position,
    fromTeam: handoff.fromTeam,
    toTeam: handoff.toTeam,
    requestedAt: handoff.requestedAt,
    acceptedAt: handoff.acceptedAt,
    acceptedBy: handoff.acceptedBy,
    agentId: handoff.agentId ?? null,
    minutesToAccept: waitedMs === null ? null : minutesFromMs(waitedMs),
    outcome: handoff.outcome,
    superseded: handoff.flags.includes('superseded'),
    misrouted: handoff.flags.includes('misrouted'),
    takeover: handoff.flags.includes('takeover'),
    pingPong: handoff.flags.includes('pingPong'),
    stalled: isStalled(handoff, asOf, settings),
  };
}

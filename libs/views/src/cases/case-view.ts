import { DEFAULT_CASE_SETTINGS, type CaseSettings } from './case-settings';
import type { CaseOwner, OwnershipSpan } from './case-fold';
import { replayCase, type CaseTimelineEntry, type ReplayedCase } from './case-replay';
import type { CaseState } from './case-state';
import { flagsAt, minutesToAccept, type Handoff } from './handoff';
import { minutesFromMs } from './rounding';

/** `orphan`: events exist but no `opened` counts (SPEC §2.3). */
export type CaseFlag = 'orphan';

/**
 * A handoff as the case view shows it (SPEC §2.3): the `Handoff` without its keys (position,
 * what closed it), flags as of `asOf`, and its minutes to accept.
 */
export type CaseHandoff = Omit<Handoff, 'position' | 'closedAt' | 'closedPosition'> & {
  /** accepted - requested, to 1 decimal; null while pending, when never accepted, and for takeovers. */
  minutesToAccept: number | null;
};

/** The case view of SPEC §2.3. Times are epoch milliseconds; the HTTP layer formats them. */
export interface CaseView {
  caseId: string;
  customerId: string;
  asOf: number;
  status: 'open' | 'resolved';
  owner: CaseOwner | null;
  pendingTeam: string | null;
  /** Time of the case's first event (the opening, for a case that is not an orphan). */
  startedAt: number;
  resolvedAt: number | null;
  /** The team the case would return to on reopen: owner at resolution, else the event's team. */
  resolvedBy: string | null;
  handoffs: CaseHandoff[];
  /** Minutes up to `asOf` while open and without owner, to 1 decimal. */
  unownedMinutes: number;
  reopenCount: number;
  flags: CaseFlag[];
  timeline: CaseTimelineEntry[];
}

/** The case as of `asOf` (events with `time <= asOf`); null when none counts yet (404). */
export function caseView(state: CaseState, asOf: number, settings: CaseSettings = DEFAULT_CASE_SETTINGS): CaseView | null {
  const replayed = replayCase(state, asOf);
  return replayed && viewOfReplayed(replayed, asOf, settings);
}

/** The case view of a case already replayed up to `asOf` (callers that derive more from one replay). */
export function viewOfReplayed(replayed: ReplayedCase, asOf: number, settings: CaseSettings = DEFAULT_CASE_SETTINGS): CaseView {
  const resolved = replayed.status === 'resolved' ? replayed.resolution : null;
  return {
    caseId: replayed.caseId,
    customerId: replayed.customerId,
    asOf,
    status: replayed.status,
    owner: replayed.owner,
    pendingTeam: replayed.pending?.toTeam ?? null,
    startedAt: replayed.startedAt,
    resolvedAt: resolved?.at ?? null,
    resolvedBy: resolved?.team ?? null,
    handoffs: replayed.handoffs.map((handoff) => viewHandoff(handoff, asOf, settings)),
    unownedMinutes: minutesFromMs(unownedMs(replayed.spans, asOf)),
    reopenCount: replayed.reopenCount,
    flags: replayed.opening ? [] : ['orphan'],
    timeline: replayed.timeline,
  };
}

export function viewHandoff(handoff: Handoff, asOf: number, settings: CaseSettings): CaseHandoff {
  const { fromTeam, toTeam, requestedAt, acceptedAt, acceptedBy, agentId, outcome } = handoff;
  return {
    fromTeam,
    toTeam,
    requestedAt,
    acceptedAt,
    acceptedBy,
    ...(agentId !== undefined ? { agentId } : {}),
    outcome,
    flags: flagsAt(handoff, asOf, settings),
    minutesToAccept: minutesToAccept(handoff),
  };
}

function unownedMs(spans: readonly OwnershipSpan[], asOf: number): number {
  return spans.filter((span) => span.team === null).reduce((total, span) => total + (span.end ?? asOf) - span.start, 0);
}

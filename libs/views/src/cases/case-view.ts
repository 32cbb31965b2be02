import { DEFAULT_CASE_SETTINGS, type CaseSettings } from './case-settings';
import {
  replayCase,
  type CaseOwner,
  type CaseTimelineEntry,
  type HandoffFlag,
  type HandoffOutcome,
  type HandoffRecord,
  type OwnershipSpan,
} from './case-replay';
import type { CaseState } from './case-state';
import { minutesFromMs } from './rounding';

/** `orphan`: events exist but no `opened` counts (SPEC §2.3). */
export type CaseFlag = 'orphan';

export interface CaseHandoff {
  fromTeam: string;
  toTeam: string;
  requestedAt: number | null;
  acceptedAt: number | null;
  acceptedBy: string | null;
  agentId?: string;
  /** accepted - requested, to 1 decimal; null while pending, when never accepted, and for takeovers. */
  minutesToAccept: number | null;
  outcome: HandoffOutcome;
  flags: HandoffFlag[];
}

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
export function caseView(
  state: CaseState,
  asOf: number,
  settings: CaseSettings = DEFAULT_CASE_SETTINGS,
): CaseView | null {
  const replayed = replayCase(state, asOf);
  if (!replayed) return null;
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
    flags: replayed.opened ? [] : ['orphan'],
    timeline: replayed.timeline,
  };
}

function viewHandoff(handoff: HandoffRecord, asOf: number, settings: CaseSettings): CaseHandoff {
  const { position: _position, ...fields } = handoff;
  const flags = isStalled(handoff, asOf, settings) ? [...handoff.flags, 'stalled' as const] : handoff.flags;
  const waitedMs = msToAccept(handoff);
  return { ...fields, minutesToAccept: waitedMs === null ? null : minutesFromMs(waitedMs), flags };
}

/** "More than" the SLA (SPEC §2.1: strict everywhere): exactly at the SLA it is not stalled. */
export function isStalled(handoff: HandoffRecord, asOf: number, settings: CaseSettings): boolean {
  if (handoff.outcome !== 'pending' || handoff.requestedAt === null) return false;
  return asOf - handoff.requestedAt > settings.handoffAcceptanceSlaMs;
}

/** Accepted - requested; null for takeovers, which have no request to measure from. */
export function msToAccept(handoff: HandoffRecord): number | null {
  if (handoff.acceptedAt === null || handoff.requestedAt === null) return null;
  return handoff.acceptedAt - handoff.requestedAt;
}

function unownedMs(spans: readonly OwnershipSpan[], asOf: number): number {
  return spans
    .filter((span) => span.team === null)
    .reduce((total, span) => total + (span.end ?? asOf) - span.start, 0);
}

import type { CaseSettings } from './case-settings';
import { minutesFromMs } from './rounding';

export type HandoffFlag = 'superseded' | 'misrouted' | 'takeover' | 'pingPong' | 'stalled';

/** What became of a handoff: `cancelled` when the case was resolved while it was pending. */
export type HandoffOutcome = 'pending' | 'accepted' | 'superseded' | 'cancelled';

/**
 * A handoff (SPEC §2.3), the one description every view, report and table uses: a request
 * (accepted or not) or a takeover (another team accepting an owned case without a request).
 * A claim of an unowned case is no handoff.
 */
export interface Handoff {
  /** Position of the event that started it (the request, or a takeover's acceptance): its key. */
  position: number;
  fromTeam: string;
  /** The team asked; for a takeover, the team that took the case. */
  toTeam: string;
  /** null for a takeover, which had no request. */
  requestedAt: number | null;
  acceptedAt: number | null;
  /** The team that accepted; differs from `toTeam` when misrouted. */
  acceptedBy: string | null;
  agentId?: string;
  outcome: HandoffOutcome;
  /** When it stopped pending: its acceptance, the request that superseded it, the resolution that cancelled it; null while pending. */
  closedAt: number | null;
  /** Position of the event that closed it; null while pending. */
  closedPosition: number | null;
  /** Flags fixed by the events; `stalled` depends on an instant and is added by `flagsAt`. */
  flags: HandoffFlag[];
}

/** Accepted - requested in milliseconds; null for takeovers (no request) and unaccepted requests. */
export function msToAccept(handoff: Handoff): number | null {
  if (handoff.acceptedAt === null || handoff.requestedAt === null) return null;
  return handoff.acceptedAt - handoff.requestedAt;
}

/** Minutes to accept, to 1 decimal (SPEC §2.3); null where `msToAccept` is. */
export function minutesToAccept(handoff: Handoff): number | null {
  const waited = msToAccept(handoff);
  return waited === null ? null : minutesFromMs(waited);
}

/** A request pending at `asOf` for more than the SLA ("more than" is strict, SPEC §2.1): exactly at the SLA it is not stalled. */
export function isStalled(handoff: Handoff, asOf: number, settings: CaseSettings): boolean {
  if (handoff.outcome !== 'pending' || handoff.requestedAt === null) return false;
  return asOf - handoff.requestedAt > settings.handoffAcceptanceSlaMs;
}

/** The fixed flags plus `stalled` as of `asOf`. */
export const flagsAt = (handoff: Handoff, asOf: number, settings: CaseSettings): HandoffFlag[] =>
  isStalled(handoff, asOf, settings) ? [...handoff.flags, 'stalled'] : handoff.flags;

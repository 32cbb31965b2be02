import { replayCase } from '../cases/case-replay';
import type { CaseSettings } from '../cases/case-settings';
import type { CaseEventFact, CaseState } from '../cases/case-state';
import { alertId, type Alert, type FollowUp } from './alert';
import { sortAlerts } from './customer-signals';

/** What follows a case alert up: the case's next acceptance or resolution (SPEC §2.4). */
const FOLLOW_UP_TYPES = new Set(['cx.case.handoff.accepted.v1', 'cx.case.resolved.v1']);

/** The case's first `handoff.accepted` or `resolved` strictly after `raisedAt`, or null. */
export function caseFollowUp(sortedEvents: readonly CaseEventFact[], raisedAt: number): FollowUp | null {
  const next = sortedEvents.find((event) => event.time > raisedAt && FOLLOW_UP_TYPES.has(event.type));
  return next ? { at: next.time, position: next.position, team: next.team ?? null } : null;
}

/**
 * The instant a pending request becomes stalled: "older than the SLA" is strict (SPEC §2.3),
 * so one millisecond past request time + SLA, like every threshold of the lifecycle.
 */
export const stalledAt = (requestedAt: number, settings: CaseSettings): number => requestedAt + settings.handoffAcceptanceSlaMs + 1;

/**
 * The case's alerts, from its whole history folded by the one case fold: `handoff_stalled`
 * for each request still pending when it passes the SLA, `ping_pong` for each handoff
 * flagged pingPong, at its acceptance. Sorted by raisedAt, then id.
 */
export function caseAlerts(state: CaseState, settings: CaseSettings): Alert[] {
  const replayed = replayCase(state);
  if (!replayed) return [];
  const events = state.events;
  const alerts = new Map<string, Alert>();
  const add = (alert: Omit<Alert, 'id' | 'followUp' | 'subject' | 'customerId' | 'caseId'>) => {
    const id = alertId(alert.signal, state.caseId, alert.raisedAt);
    if (alerts.has(id)) return;
    alerts.set(id, {
      id,
      subject: state.caseId,
      customerId: replayed.customerId,
      caseId: state.caseId,
      ...alert,
      followUp: caseFollowUp(events, alert.raisedAt),
    });
  };
  for (const handoff of replayed.handoffs) {
    const detail = {
      handoffPosition: handoff.position,
      fromTeam: handoff.fromTeam,
      toTeam: handoff.toTeam,
      ...(handoff.requestedAt === null ? {} : { requestedAt: handoff.requestedAt }),
    };
    if (handoff.requestedAt !== null) {
      const raisedAt = stalledAt(handoff.requestedAt, settings);
      // Pending at raisedAt: nothing closed it by then (an event at that instant counts then).
      if (handoff.closedAt === null || handoff.closedAt > raisedAt) {
        // The case is unowned while a request is pending: the team asked is the one to act.
        add({ signal: 'handoff_stalled', raisedAt, raisedBy: null, team: handoff.toTeam, detail });
      }
    }
    if (handoff.flags.includes('pingPong') && handoff.acceptedAt !== null) {
      add({ signal: 'ping_pong', raisedAt: handoff.acceptedAt, raisedBy: handoff.closedPosition, team: handoff.acceptedBy, detail });
    }
  }
  return sortAlerts([...alerts.values()]);
}

/** The team owning the case at T (events with `time <= T`), or null: the team of a detractor whose survey names the case. */
export function caseOwnerAt(state: CaseState, T: number): string | null {
  return replayCase(state, T)?.owner?.team ?? null;
}

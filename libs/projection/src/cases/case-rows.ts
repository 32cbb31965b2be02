import {
  handoffFactsOf,
  ownershipIntervalsOf,
  replayCase,
  viewOfReplayed,
  type CaseEffect,
  type CaseSettings,
  type CaseState,
  type CaseTimelineEntry,
  type CaseView,
  type HandoffFact,
  type ReplayedCase,
} from '@cx/views';
import { lengthClass, type CaseHandoffsTable, type CaseOwnershipTable, type CaseResolutionsTable, type CasesTable } from './cases.tables';

/** Every row one case contributes, with flags as booleans (the projection adapts them to the dialect). */
export interface CaseRows {
  case: CasesTable;
  handoffs: CaseHandoffsTable[];
  ownership: CaseOwnershipTable[];
  resolutions: CaseResolutionsTable[];
}

/** What ends a pending request: its acceptance, a newer request (superseding it), a resolution (cancelling it). */
const ENDS_PENDING: ReadonlySet<CaseEffect> = new Set(['handoff', 'requested', 'resolved']);

/**
 * The rows of a case as of its latest event, all derived through the pure views of
 * @cx/views so that SQL over them answers what the views answer. Rows depend only on the
 * case's events, never on how they were batched: a rebuild gives the same rows.
 */
export function caseRows(state: CaseState, settings: CaseSettings): CaseRows | null {
  const latest = state.events.at(-1);
  if (!latest) return null;
  // One replay serves every row (it was five: the view, the handoffs, the stretches, and one per resolution).
  const replayed = replayCase(state, latest.time);
  if (!replayed) return null;
  const view = viewOfReplayed(replayed, latest.time, settings);
  const closed = closingTimes(view.timeline);
  return {
    case: caseRow(state, view),
    handoffs: handoffFactsOf(replayed, latest.time, settings).map((fact) => handoffRow(fact, closed)),
    ownership: ownershipIntervalsOf(replayed).map((interval, i) => ({
      case_id: interval.caseId,
      seq: i + 1,
      customer_id: interval.customerId,
      team: interval.team,
      started_at: interval.start,
      ended_at: interval.end,
      length_class: classOf(interval.start, interval.end),
    })),
    resolutions: resolutionRows(replayed, view),
  };
}

function caseRow(state: CaseState, view: CaseView): CasesTable {
  return {
    case_id: view.caseId,
    customer_id: view.customerId,
    first_customer_id: state.events[0].customerId,
    status: view.status,
    owner_team: view.owner?.team ?? null,
    owner_agent: view.owner?.agentId ?? null,
    pending_team: view.pendingTeam,
    started_at: view.startedAt,
    opened_at: view.timeline.find((entry) => entry.effect === 'opened')?.time ?? null,
    resolved_at: view.resolvedAt,
    resolved_by: view.resolvedBy,
    reopen_count: view.reopenCount,
    orphan: view.flags.includes('orphan'),
    handoffs: view.handoffs.length,
    last_event_at: view.asOf,
    last_position: state.events.reduce((highest, event) => Math.max(highest, event.position), 0),
    state: JSON.stringify(state),
  };
}

/**
 * `stalled` is left out: it depends on the instant asked about, so queries derive it from
 * `requested_at`, `closed_at` and the SLA setting.
 */
function handoffRow(fact: HandoffFact, closed: ReadonlyMap<number, number>): CaseHandoffsTable {
  const closedAt = fact.takeover ? fact.acceptedAt : (closed.get(fact.position) ?? null);
  return {
    case_id: fact.caseId,
    position: fact.position,
    customer_id: fact.customerId,
    from_team: fact.fromTeam,
    to_team: fact.toTeam,
    requested_at: fact.requestedAt,
    accepted_at: fact.acceptedAt,
    accepted_by: fact.acceptedBy,
    agent_id: fact.agentId,
    minutes_to_accept: fact.minutesToAccept,
    outcome: fact.outcome,
    closed_at: closedAt,
    pending_class: fact.requestedAt === null ? null : classOf(fact.requestedAt, closedAt),
    superseded: fact.superseded,
    misrouted: fact.misrouted,
    takeover: fact.takeover,
    ping_pong: fact.pingPong,
  };
}

const classOf = (start: number, end: number | null): number | null => (end === null ? null : lengthClass(end - start));

/**
 * When each request (by position) stopped pending: the first event after it that ended it.
 * One pass, since a case has at most one pending request at a time.
 */
function closingTimes(timeline: readonly CaseTimelineEntry[]): Map<number, number> {
  const closed = new Map<number, number>();
  let pending: number | undefined;
  for (const entry of timeline) {
    if (pending !== undefined && ENDS_PENDING.has(entry.effect)) {
      closed.set(pending, entry.time);
      pending = undefined;
    }
    if (entry.effect === 'requested') pending = entry.position;
  }
  return closed;
}

/**
 * One row per resolution that closed the case, with the team it would return to (the
 * owner then, else the resolving event's team), as the replay recorded it at that event.
 */
function resolutionRows(replayed: ReplayedCase, view: CaseView): CaseResolutionsTable[] {
  const teams = new Map(replayed.resolutions.map((resolution) => [resolution.position, resolution.team]));
  return view.timeline.flatMap((entry, i) => {
    if (entry.effect !== 'resolved') return [];
    const reopened = view.timeline.slice(i + 1).find((later) => later.effect === 'reopened');
    return [
      {
        case_id: replayed.caseId,
        position: entry.position,
        customer_id: view.customerId,
        resolved_at: entry.time,
        team: teams.get(entry.position) ?? null,
        reopened_at: reopened?.time ?? null,
      },
    ];
  });
}

import type { CaseEventFact, CaseEventType, CaseState } from './case-state';

/**
 * The ownership rules of SPEC §2.3, replayed over a case's events in time order.
 * Everything here is derived: nothing is kept between calls, so any `asOf` can be asked.
 */

export interface CaseOwner {
  team: string;
  agentId?: string;
}

export type HandoffFlag = 'superseded' | 'misrouted' | 'takeover' | 'pingPong' | 'stalled';

/** What became of a handoff: `cancelled` when the case was resolved while it was pending. */
export type HandoffOutcome = 'pending' | 'accepted' | 'superseded' | 'cancelled';

export interface HandoffRecord {
  /** Position of the event that started it (the request, or a takeover's acceptance): a stable key. */
  position: number;
  fromTeam: string;
  toTeam: string;
  /** null for a takeover, which had no request. */
  requestedAt: number | null;
  acceptedAt: number | null;
  /** The team that accepted; differs from `toTeam` when misrouted. */
  acceptedBy: string | null;
  agentId?: string;
  outcome: HandoffOutcome;
  /** Flags fixed by the events; `stalled` depends on `asOf` and is added by the views. */
  flags: HandoffFlag[];
}

/** A stretch of time while the case was open, owned by `team` (null: unowned). */
export interface OwnershipSpan {
  team: string | null;
  start: number;
  /** null while it is still running at the replay's cut-off. */
  end: number | null;
}

/** What an event did to the case, as the timeline shows it. */
export type CaseEffect =
  | 'opened'
  | 'claimed'
  | 'requested'
  | 'handoff'
  | 'takeover'
  | 'assigned'
  | 'resolved'
  | 'reopened'
  | 'ignored';

export interface CaseTimelineEntry {
  position: number;
  time: number;
  type: CaseEventType;
  customerId: string;
  effect: CaseEffect;
  team?: string;
  agentId?: string;
  fromTeam?: string;
  toTeam?: string;
}

export interface Resolution {
  at: number;
  /** The owner at resolution, else the resolving event's team, else null (SPEC §2.2). */
  team: string | null;
  /** Kept so that a reopen hands the case back to the same agent too. */
  owner: CaseOwner | null;
}

export interface ReplayedCase {
  caseId: string;
  customerId: string;
  /** Time of the case's first event: the opening, or for an orphan whatever came first. */
  startedAt: number;
  /** Whether an `opened` event counts; false makes the case an orphan. */
  opened: boolean;
  status: 'open' | 'resolved';
  owner: CaseOwner | null;
  pending: HandoffRecord | null;
  handoffs: HandoffRecord[];
  spans: OwnershipSpan[];
  reopenCount: number;
  resolution: Resolution | null;
  timeline: CaseTimelineEntry[];
}

/** Mutable only while one replay runs; `formerOwners` feeds the ping-pong rule. */
interface Replay extends ReplayedCase {
  formerOwners: Set<string>;
}

/**
 * Replays the case's events up to a cut-off: `time <= until` for views as of `until`, or
 * `time < until` for reports "at `to`" (SPEC §2.2). Null when no event counts yet.
 */
export function replayCase(state: CaseState, until: number, exclusive = false): ReplayedCase | null {
  const counted = state.events.filter((e) => (exclusive ? e.time < until : e.time <= until));
  if (counted.length === 0) return null;
  const replay = startCase(state.caseId, counted[0]);
  for (const event of counted) replay.timeline.push(timelineEntry(event, apply(replay, event)));
  const { formerOwners: _formerOwners, ...replayed } = replay;
  return replayed;
}

/**
 * A case starts at its first event, open and unowned; that event then applies like any
 * other. For a normal case the first event is the opening, which sets the owner; for an
 * orphan (no opening) it means a stray acceptance is a claim, a request makes it pending.
 */
function startCase(caseId: string, first: CaseEventFact): Replay {
  return {
    caseId,
    customerId: first.customerId,
    startedAt: first.time,
    opened: false,
    status: 'open',
    owner: null,
    pending: null,
    handoffs: [],
    spans: [{ team: null, start: first.time, end: null }],
    reopenCount: 0,
    resolution: null,
    timeline: [],
    formerOwners: new Set(),
  };
}

function apply(replay: Replay, event: CaseEventFact): CaseEffect {
  switch (event.type) {
    case 'cx.case.opened.v1':
      return applyOpened(replay, event);
    case 'cx.case.handoff.requested.v1':
      return applyRequested(replay, event);
    case 'cx.case.handoff.accepted.v1':
      return applyAccepted(replay, event);
    case 'cx.case.resolved.v1':
      return applyResolved(replay, event);
    case 'cx.case.reopened.v1':
      return applyReopened(replay, event);
  }
}

/**
 * The opening's team is the case's *first* owner (SPEC §1.3), so it only takes effect
 * while nobody owns the case and nothing is pending: true for every normal case, and it
 * keeps a late-timed opening from overriding handoffs that happened before it. A second
 * opening is a duplicate and changes nothing.
 */
function applyOpened(replay: Replay, event: CaseEventFact): CaseEffect {
  if (replay.opened) return 'ignored';
  replay.opened = true;
  replay.customerId = event.customerId;
  const free = replay.status === 'open' && !replay.owner && !replay.pending;
  if (free && event.team) takeOwnership(replay, ownerOf(event), event.time);
  return 'opened';
}

/** The case becomes pending for `toTeam` and unowned; a pending request is superseded. */
function applyRequested(replay: Replay, event: CaseEventFact): CaseEffect {
  // A resolved case has no owner to hand off: the request stays in the timeline only.
  if (replay.status === 'resolved') return 'ignored';
  if (replay.pending) closePending(replay.pending, 'superseded');
  const request: HandoffRecord = {
    position: event.position,
    fromTeam: event.fromTeam ?? '',
    toTeam: event.toTeam ?? '',
    requestedAt: event.time,
    acceptedAt: null,
    acceptedBy: null,
    outcome: 'pending',
    flags: [],
  };
  replay.handoffs.push(request);
  replay.pending = request;
  moveOwnership(replay, null, event.time);
  return 'requested';
}

function applyAccepted(replay: Replay, event: CaseEventFact): CaseEffect {
  if (replay.status === 'resolved') return 'ignored';
  if (replay.pending) return acceptPending(replay, event);
  if (!replay.owner) {
    takeOwnership(replay, ownerOf(event), event.time);
    return 'claimed';
  }
  if (replay.owner.team !== event.team) return takeOver(replay, event);
  // The owning team accepting again is no handoff; an agent named picks the case up.
  if (!event.agentId) return 'ignored';
  replay.owner = ownerOf(event);
  return 'assigned';
}

function acceptPending(replay: Replay, event: CaseEventFact): CaseEffect {
  const request = replay.pending as HandoffRecord;
  const team = event.team ?? '';
  recordAcceptance(request, event);
  if (team !== request.toTeam) request.flags.push('misrouted');
  if (replay.formerOwners.has(team)) request.flags.push('pingPong');
  replay.pending = null;
  takeOwnership(replay, ownerOf(event), event.time);
  return 'handoff';
}

/** Another team takes an owned case without a request: a handoff with no minutes to accept. */
function takeOver(replay: Replay, event: CaseEventFact): CaseEffect {
  const team = event.team ?? '';
  const takeover: HandoffRecord = {
    position: event.position,
    fromTeam: (replay.owner as CaseOwner).team,
    toTeam: team,
    requestedAt: null,
    acceptedAt: null,
    acceptedBy: null,
    outcome: 'pending',
    flags: ['takeover'],
  };
  recordAcceptance(takeover, event);
  if (replay.formerOwners.has(team)) takeover.flags.push('pingPong');
  replay.handoffs.push(takeover);
  takeOwnership(replay, ownerOf(event), event.time);
  return 'takeover';
}

/** Ends ownership time; a pending request dies with it (`cancelled`). */
function applyResolved(replay: Replay, event: CaseEventFact): CaseEffect {
  // Only the resolution that closed the case counts; a repeat adds nothing.
  if (replay.status === 'resolved') return 'ignored';
  if (replay.pending) closePending(replay.pending, 'cancelled');
  replay.pending = null;
  const owner = replay.owner;
  replay.resolution = { at: event.time, team: owner?.team ?? event.team ?? null, owner };
  replay.owner = null;
  replay.status = 'resolved';
  closeSpan(replay, event.time);
  return 'resolved';
}

/** Returns the case to whoever resolved it: the owner then, else the resolving event's team. */
function applyReopened(replay: Replay, event: CaseEventFact): CaseEffect {
  if (replay.status === 'open') return 'ignored';
  const resolution = replay.resolution as Resolution;
  const owner = resolution.owner ?? (resolution.team ? { team: resolution.team } : null);
  replay.status = 'open';
  replay.reopenCount += 1;
  if (owner) takeOwnership(replay, owner, event.time);
  else moveOwnership(replay, null, event.time);
  return 'reopened';
}

function takeOwnership(replay: Replay, owner: CaseOwner, time: number): void {
  replay.formerOwners.add(owner.team);
  moveOwnership(replay, owner, time);
}

/**
 * Sets the owner (null: unowned) and starts a new ownership span when the owning team
 * changes. Zero-length spans (a request accepted in the same millisecond) are dropped and
 * equal neighbours merged, so the spans say only what took time.
 */
function moveOwnership(replay: Replay, owner: CaseOwner | null, time: number): void {
  replay.owner = owner;
  const team = owner?.team ?? null;
  const current = replay.spans[replay.spans.length - 1];
  if (current && current.end === null && current.team === team) return;
  closeSpan(replay, time);
  const previous = replay.spans[replay.spans.length - 1];
  if (previous && previous.team === team && previous.end === time) previous.end = null;
  else replay.spans.push({ team, start: time, end: null });
}

function closeSpan(replay: Replay, time: number): void {
  const current = replay.spans[replay.spans.length - 1];
  if (!current || current.end !== null) return;
  current.end = time;
  if (current.start === time) replay.spans.pop();
}

function closePending(request: HandoffRecord, outcome: 'superseded' | 'cancelled'): void {
  request.outcome = outcome;
  if (outcome === 'superseded') request.flags.push('superseded');
}

function recordAcceptance(handoff: HandoffRecord, event: CaseEventFact): void {
  handoff.acceptedAt = event.time;
  handoff.acceptedBy = event.team ?? '';
  if (event.agentId) handoff.agentId = event.agentId;
  handoff.outcome = 'accepted';
}

function ownerOf(event: CaseEventFact): CaseOwner {
  const owner: CaseOwner = { team: event.team ?? '' };
  if (event.agentId) owner.agentId = event.agentId;
  return owner;
}

function timelineEntry(event: CaseEventFact, effect: CaseEffect): CaseTimelineEntry {
  const { position, time, type, customerId, ...details } = event;
  return { position, time, type, customerId, effect, ...details };
}

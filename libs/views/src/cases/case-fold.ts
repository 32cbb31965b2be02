import type { CaseCategory, Channel } from '@cx/events';
import { compareFacts, type CaseEventFact } from './case-state';
import type { Handoff } from './handoff';

/**
 * The ownership rules of SPEC §2.3, the one place they live: `stepCase` folds one event
 * into a small state, in (time, position) order, and says what the event changed. Every
 * view of a case (case view, handoff report, loyalty's case block, the lifecycle's open
 * cases and complaint rule) and the cases projection fold through it. The state does not
 * grow with the case's history (the handoffs, stretches and resolutions an event closes
 * are handed out, not kept), so a projection can store it after any event and fold on
 * from there.
 */

export interface CaseOwner {
  team: string;
  agentId?: string;
}

/** A stretch of open time owned by `team` (null: unowned); `seq` numbers them 1, 2, … in time order. */
export interface OwnershipSpan {
  seq: number;
  team: string | null;
  start: number;
  /** null while it runs. */
  end: number | null;
}

/** The opening that counts: the case's first `opened` event in time order. */
export interface CaseOpening {
  position: number;
  time: number;
  customerId: string;
  channel: Channel | null;
  category: CaseCategory | null;
  /** The opening event's team (the first owner, when the case was free to take). */
  team: string | null;
}

/** A resolution that closed the case (a repeat resolution of a resolved case is none). */
export interface Resolution {
  position: number;
  at: number;
  /** The owner at resolution, else the resolving event's team, else null (SPEC §2.2). */
  team: string | null;
  /** Kept so that a reopen hands the case back to the same agent too. */
  owner: CaseOwner | null;
  /** The reopen that followed it; null while it stands. */
  reopenedAt: number | null;
  reopenedPosition: number | null;
  /** Neither a handoff nor a reopen before it (SPEC §2.2 first-contact resolution). */
  firstContact: boolean;
  /** The opening by then; null when the case was an orphan at its resolution. */
  openedAt: number | null;
  /** The opening's channel by then, and the case's customer then. */
  channel: Channel | null;
  customerId: string;
}

/** What an event did to the case, as the timeline shows it. */
export type CaseEffect = 'opened' | 'claimed' | 'requested' | 'handoff' | 'takeover' | 'assigned' | 'resolved' | 'reopened' | 'ignored';

/** The fold state of one case after some of its events: small, plain JSON. */
export interface CaseFold {
  caseId: string;
  /** Customer of the opening that counts, else of the first event. */
  customerId: string;
  /** Customer of the case's first event. */
  firstCustomerId: string;
  /** Time of the first event: the opening, or for an orphan whatever came first. */
  startedAt: number;
  opening: CaseOpening | null;
  status: 'open' | 'resolved';
  owner: CaseOwner | null;
  pending: Handoff | null;
  /** Teams that owned the case: the ping-pong rule. */
  formerOwners: string[];
  /** The last stretches (at most two: the previous one may merge with the next, see `moveOwnership`). */
  spans: OwnershipSpan[];
  reopenCount: number;
  /** Accepted requests and takeovers so far. */
  handoffCount: number;
  /** The latest resolution that closed the case, also once reopened (a reopen returns it to that owner). */
  resolution: Resolution | null;
  /** The last event folded: the next one must come after it in (time, position) order. */
  last: { time: number; position: number };
}

/** One event folded: the new state, and what the event changed (as they now stand). */
export interface CaseStep {
  fold: CaseFold;
  effect: CaseEffect;
  /** Handoffs the event started or closed. */
  handoffs: Handoff[];
  /** Stretches the event started or changed. */
  spans: OwnershipSpan[];
  /** Stretches the event removed (zero-length ones), by seq, unless `spans` reuses the seq. */
  droppedSpans: number[];
  /** The resolution the event made, or reopened. */
  resolution: Resolution | null;
}

/** Mutable copy of the state while one event is folded, with what it touched. */
interface Draft extends CaseFold {
  touchedHandoffs: Map<number, Handoff>;
  touchedSpans: Set<number>;
  touchedResolution: Resolution | null;
}

/**
 * Folds `event` into `fold` (null: the case has no event yet). Events must come in
 * (time, position) order: a late event is the caller's to place, by folding again from the
 * state before it (a projection keeps states; `replayCase` folds a whole history).
 */
export function stepCase(fold: CaseFold | null, event: CaseEventFact, caseId = fold?.caseId ?? ''): CaseStep {
  if (fold && compareFacts(event, fold.last) <= 0) {
    throw new RangeError(`case ${fold.caseId}: event ${event.position} comes before the last one folded (${fold.last.position})`);
  }
  const draft = toDraft(fold ?? startCase(caseId, event));
  // A new case's first stretch is this event's doing too.
  if (!fold) draft.touchedSpans.add(1);
  const effect = apply(draft, event);
  draft.last = { time: event.time, position: event.position };
  return finish(draft, effect);
}

/** A case starts at its first event, open and unowned; that event then applies like any other. */
function startCase(caseId: string, first: CaseEventFact): CaseFold {
  return {
    caseId,
    customerId: first.customerId,
    firstCustomerId: first.customerId,
    startedAt: first.time,
    opening: null,
    status: 'open',
    owner: null,
    pending: null,
    formerOwners: [],
    spans: [{ seq: 1, team: null, start: first.time, end: null }],
    reopenCount: 0,
    handoffCount: 0,
    resolution: null,
    last: { time: first.time, position: first.position - 1 },
  };
}

const copyOwner = (owner: CaseOwner | null): CaseOwner | null => (owner ? { ...owner } : null);

function toDraft(fold: CaseFold): Draft {
  return {
    ...fold,
    opening: fold.opening ? { ...fold.opening } : null,
    owner: copyOwner(fold.owner),
    pending: fold.pending ? { ...fold.pending, flags: [...fold.pending.flags] } : null,
    formerOwners: [...fold.formerOwners],
    spans: fold.spans.map((span) => ({ ...span })),
    resolution: fold.resolution ? { ...fold.resolution, owner: copyOwner(fold.resolution.owner) } : null,
    last: { ...fold.last },
    touchedHandoffs: new Map(),
    touchedSpans: new Set(),
    touchedResolution: null,
  };
}

function finish(draft: Draft, effect: CaseEffect): CaseStep {
  const { touchedHandoffs, touchedSpans, touchedResolution, ...fold } = draft;
  // Only the last two stretches can still change; older ones are final.
  fold.spans = fold.spans.slice(-2);
  const standing = new Map(draft.spans.map((span) => [span.seq, span]));
  const touched = [...touchedSpans].sort((a, b) => a - b);
  return {
    fold,
    effect,
    handoffs: [...touchedHandoffs.values()].map((handoff) => ({ ...handoff, flags: [...handoff.flags] })),
    spans: touched.flatMap((seq) => {
      const span = standing.get(seq);
      return span ? [{ ...span }] : [];
    }),
    droppedSpans: touched.filter((seq) => !standing.has(seq)),
    resolution: touchedResolution ? { ...touchedResolution, owner: copyOwner(touchedResolution.owner) } : null,
  };
}

function apply(draft: Draft, event: CaseEventFact): CaseEffect {
  switch (event.type) {
    case 'cx.case.opened.v1':
      return applyOpened(draft, event);
    case 'cx.case.handoff.requested.v1':
      return applyRequested(draft, event);
    case 'cx.case.handoff.accepted.v1':
      return applyAccepted(draft, event);
    case 'cx.case.resolved.v1':
      return applyResolved(draft, event);
    case 'cx.case.reopened.v1':
      return applyReopened(draft, event);
  }
}

/**
 * The opening's team is the case's *first* owner (SPEC §1.3), so it only takes effect
 * while nobody owns the case and nothing is pending: true for every normal case, and it
 * keeps a late-timed opening from overriding handoffs that happened before it. A second
 * opening is a duplicate and changes nothing.
 */
function applyOpened(draft: Draft, event: CaseEventFact): CaseEffect {
  if (draft.opening) return 'ignored';
  draft.opening = {
    position: event.position,
    time: event.time,
    customerId: event.customerId,
    channel: event.channel ?? null,
    category: event.category ?? null,
    team: event.team ?? null,
  };
  draft.customerId = event.customerId;
  const free = draft.status === 'open' && !draft.owner && !draft.pending;
  if (free && event.team) takeOwnership(draft, ownerOf(event), event.time);
  return 'opened';
}

/** The case becomes pending for `toTeam` and unowned; a pending request is superseded. */
function applyRequested(draft: Draft, event: CaseEventFact): CaseEffect {
  // A resolved case has no owner to hand off: the request stays in the timeline only.
  if (draft.status === 'resolved') return 'ignored';
  if (draft.pending) closePending(draft, 'superseded', event);
  const request: Handoff = {
    position: event.position,
    fromTeam: event.fromTeam ?? '',
    toTeam: event.toTeam ?? '',
    requestedAt: event.time,
    acceptedAt: null,
    acceptedBy: null,
    outcome: 'pending',
    closedAt: null,
    closedPosition: null,
    flags: [],
  };
  draft.pending = request;
  draft.touchedHandoffs.set(request.position, request);
  moveOwnership(draft, null, event.time);
  return 'requested';
}

function applyAccepted(draft: Draft, event: CaseEventFact): CaseEffect {
  if (draft.status === 'resolved') return 'ignored';
  if (draft.pending) return acceptPending(draft, event);
  if (!draft.owner) {
    takeOwnership(draft, ownerOf(event), event.time);
    return 'claimed';
  }
  if (draft.owner.team !== event.team) return takeOver(draft, event);
  // The owning team accepting again is no handoff; an agent named picks the case up.
  if (!event.agentId) return 'ignored';
  draft.owner = ownerOf(event);
  return 'assigned';
}

function acceptPending(draft: Draft, event: CaseEventFact): CaseEffect {
  const request = draft.pending as Handoff;
  const team = event.team ?? '';
  recordAcceptance(request, event);
  if (team !== request.toTeam) request.flags.push('misrouted');
  if (draft.formerOwners.includes(team)) request.flags.push('pingPong');
  draft.touchedHandoffs.set(request.position, request);
  draft.pending = null;
  draft.handoffCount += 1;
  takeOwnership(draft, ownerOf(event), event.time);
  return 'handoff';
}

/** Another team takes an owned case without a request: a handoff with no minutes to accept. */
function takeOver(draft: Draft, event: CaseEventFact): CaseEffect {
  const team = event.team ?? '';
  const takeover: Handoff = {
    position: event.position,
    fromTeam: (draft.owner as CaseOwner).team,
    toTeam: team,
    requestedAt: null,
    acceptedAt: null,
    acceptedBy: null,
    outcome: 'pending',
    closedAt: null,
    closedPosition: null,
    flags: ['takeover'],
  };
  recordAcceptance(takeover, event);
  if (draft.formerOwners.includes(team)) takeover.flags.push('pingPong');
  draft.touchedHandoffs.set(takeover.position, takeover);
  draft.handoffCount += 1;
  takeOwnership(draft, ownerOf(event), event.time);
  return 'takeover';
}

/** Ends ownership time; a pending request dies with it (`cancelled`). */
function applyResolved(draft: Draft, event: CaseEventFact): CaseEffect {
  // Only the resolution that closed the case counts; a repeat adds nothing.
  if (draft.status === 'resolved') return 'ignored';
  if (draft.pending) closePending(draft, 'cancelled', event);
  draft.pending = null;
  const owner = draft.owner;
  const resolution: Resolution = {
    position: event.position,
    at: event.time,
    team: owner?.team ?? event.team ?? null,
    owner,
    reopenedAt: null,
    reopenedPosition: null,
    firstContact: draft.handoffCount === 0 && draft.reopenCount === 0,
    openedAt: draft.opening?.time ?? null,
    channel: draft.opening?.channel ?? null,
    customerId: draft.customerId,
  };
  draft.resolution = resolution;
  draft.touchedResolution = resolution;
  draft.owner = null;
  draft.status = 'resolved';
  closeSpan(draft, event.time);
  return 'resolved';
}

/** Returns the case to whoever resolved it: the owner then, else the resolving event's team. */
function applyReopened(draft: Draft, event: CaseEventFact): CaseEffect {
  if (draft.status === 'open') return 'ignored';
  const resolution = draft.resolution as Resolution;
  const owner = resolution.owner ? { ...resolution.owner } : resolution.team ? { team: resolution.team } : null;
  resolution.reopenedAt = event.time;
  resolution.reopenedPosition = event.position;
  draft.touchedResolution = resolution;
  draft.status = 'open';
  draft.reopenCount += 1;
  if (owner) takeOwnership(draft, owner, event.time);
  else moveOwnership(draft, null, event.time);
  return 'reopened';
}

function takeOwnership(draft: Draft, owner: CaseOwner, time: number): void {
  if (!draft.formerOwners.includes(owner.team)) draft.formerOwners.push(owner.team);
  moveOwnership(draft, owner, time);
}

/**
 * Sets the owner (null: unowned) and starts a new stretch when the owning team changes.
 * Zero-length stretches (a request accepted in the same millisecond) are dropped and equal
 * neighbours merged, so the stretches say only what took time.
 */
function moveOwnership(draft: Draft, owner: CaseOwner | null, time: number): void {
  draft.owner = owner;
  const team = owner?.team ?? null;
  const current = draft.spans.at(-1);
  if (current && current.end === null && current.team === team) return;
  closeSpan(draft, time);
  const previous = draft.spans.at(-1);
  if (previous && previous.team === team && previous.end === time) {
    previous.end = null;
    draft.touchedSpans.add(previous.seq);
    return;
  }
  const seq = (previous?.seq ?? 0) + 1;
  draft.spans.push({ seq, team, start: time, end: null });
  draft.touchedSpans.add(seq);
}

function closeSpan(draft: Draft, time: number): void {
  const current = draft.spans.at(-1);
  if (!current || current.end !== null) return;
  current.end = time;
  draft.touchedSpans.add(current.seq);
  if (current.start === time) draft.spans.pop();
}

function closePending(draft: Draft, outcome: 'superseded' | 'cancelled', event: CaseEventFact): void {
  const request = draft.pending as Handoff;
  request.outcome = outcome;
  request.closedAt = event.time;
  request.closedPosition = event.position;
  if (outcome === 'superseded') request.flags.push('superseded');
  draft.touchedHandoffs.set(request.position, request);
}

function recordAcceptance(handoff: Handoff, event: CaseEventFact): void {
  handoff.acceptedAt = event.time;
  handoff.acceptedBy = event.team ?? '';
  if (event.agentId) handoff.agentId = event.agentId;
  handoff.outcome = 'accepted';
  handoff.closedAt = event.time;
  handoff.closedPosition = event.position;
}

function ownerOf(event: CaseEventFact): CaseOwner {
  const owner: CaseOwner = { team: event.team ?? '' };
  if (event.agentId) owner.agentId = event.agentId;
  return owner;
}

/**
 * What a store of a case's rows removes before folding on from `fold`, the state just before
 * a late event (null: before the first event): the rows the events from there on made, i.e.
 * handoffs and resolutions keyed by those events' positions, and the stretches numbered past
 * this. Rows those events only closed need nothing: the events folded again are the same ones
 * plus the late one, so whatever closed a row before closes it again (or drops it), and the
 * step hands the row out anew.
 */
export const lastSpanSeq = (fold: CaseFold | null): number => fold?.spans.at(-1)?.seq ?? 0;

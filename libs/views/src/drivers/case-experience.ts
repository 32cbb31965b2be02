import { replayCase, type ReplayedCase } from '../cases/case-replay';
import type { CaseState } from '../cases/case-state';
import type { Handoff } from '../cases/handoff';
import { firstInstant, inPeriod, lastInstant, overlapMs, type Period } from './driver-period';
import { SLOW_RESOLUTION_MS } from './driver-settings';

/**
 * What one case put its customer through during a period (SPEC §2.5), read from the one case
 * fold (SPEC §2.3) replayed up to the period's end: the case as it stood then, so a later
 * event never changes what an earlier answer's period held.
 */
export interface CaseExperience {
  caseId: string;
  /** The case's customer as of the period's end: the opening's, else the first event's. */
  customerId: string;
  /** Opened as a complaint (the opening known by the period's end). */
  complaint: boolean;
  /** A handoff (an accepted request or a takeover; a claim is none) accepted in the period. */
  handoff: boolean;
  /** One of those handoffs gave the case back to a former owner. */
  pingPong: boolean;
  /** A request was pending for more than the SLA at some instant of the period. */
  stalled: boolean;
  /** Milliseconds of the period during which the open case had no owner. */
  unownedMs: number;
  /** Set when the case was resolved in the period: its last resolution is in it and it was not reopened by the period's end. */
  resolved: { firstContact: boolean; slow: boolean } | null;
}

/**
 * The case's experience over the period, or null when the case was not part of it: a case
 * counts when it had started by the period's end and was open at some instant of the
 * period, or was resolved in it.
 */
export function caseExperience(state: CaseState, period: Period, slaMs: number): CaseExperience | null {
  const settled = settledExperience(state, slaMs);
  if (settled && inPeriod(period, settled.from) && inPeriod(period, settled.to)) return settled.experience;
  if (settled && (settled.from > lastInstant(period) || settled.to < firstInstant(period))) return null;
  return replayedExperience(state, period, slaMs);
}

/** The experience from the case replayed up to the period's end, settled or not (what a look-up of a settled case stands for). */
export function replayedExperience(state: CaseState, period: Period, slaMs: number): CaseExperience | null {
  const replayed = replayedUpTo(state, period.hi, period.closed === 'lo');
  return replayed && experienceIn(replayed, period, slaMs);
}

/** What a period sees of the case replayed up to its end. */
function experienceIn(replayed: ReplayedCase, period: Period, slaMs: number): CaseExperience | null {
  if (!touchesPeriod(replayed, period)) return null;
  const accepted = replayed.handoffs.filter((h) => h.acceptedAt !== null && inPeriod(period, h.acceptedAt));
  return {
    caseId: replayed.caseId,
    customerId: replayed.customerId,
    complaint: replayed.opening?.category === 'complaint',
    handoff: accepted.length > 0,
    pingPong: accepted.some((h) => h.flags.includes('pingPong')),
    stalled: replayed.handoffs.some((h) => stalledIn(h, period, slaMs)),
    unownedMs: unownedMs(replayed, period),
    resolved: resolvedIn(replayed, period),
  };
}

/**
 * A resolved case with nothing left running (no pending request, no open stretch) whose every
 * instant lies in [from, to]: any period holding both ends sees all its events, its
 * resolution, whole handoffs and stretches and a stalled time (if any) wholly inside, so its
 * experience is the same for all of them; a period ending before `from` sees none of it, and
 * one starting after `to` sees it resolved before. A hot customer's answer then costs a
 * look-up per case of its 90 days instead of a pass over each case's handoffs and stretches.
 */
interface SettledExperience {
  from: number;
  to: number;
  experience: CaseExperience | null;
}

/** Each case's settled experience (null when it has none), by the state it came from (and its event count and SLA then). */
const settledExperiences = new WeakMap<CaseState, { count: number; slaMs: number; settled: SettledExperience | null }>();

function settledExperience(state: CaseState, slaMs: number): SettledExperience | null {
  const known = settledExperiences.get(state);
  if (known?.count === state.events.length && known.slaMs === slaMs) return known.settled;
  const settled = settle(state, slaMs);
  settledExperiences.set(state, { count: state.events.length, slaMs, settled });
  return settled;
}

function settle(state: CaseState, slaMs: number): SettledExperience | null {
  const replayed = replayedUpTo(state, Number.POSITIVE_INFINITY, false);
  if (!replayed || replayed.status !== 'resolved') return null;
  // A handoff or span still open leaves the case unsettled.
  const span = quietSpan(state, replayed, (s) => s.end === null);
  if (!span) return null;
  const { from, to } = span;
  return { from, to, experience: replayedExperience(state, { lo: from - 1, hi: to, closed: 'hi' }, slaMs) };
}

/**
 * The case's first and last instants (its events, handoffs, stretches, resolutions and
 * reopenings), or null when a request is pending or a stretch that `runs` has no end.
 */
function quietSpan(
  state: CaseState,
  replayed: ReplayedCase,
  runs: (span: ReplayedCase['spans'][number]) => boolean,
): { from: number; to: number } | null {
  const instants = state.events.map((e) => e.time);
  for (const h of replayed.handoffs) {
    if (h.closedAt === null) return null;
    instants.push(h.requestedAt ?? h.closedAt, h.acceptedAt ?? h.closedAt, h.closedAt);
  }
  for (const s of replayed.spans) {
    if (runs(s)) return null;
    instants.push(s.start, s.end ?? s.start);
  }
  instants.push(...replayed.resolutions.flatMap((r) => [r.at, r.reopenedAt ?? r.at]));
  return { from: instants.reduce((a, b) => Math.min(a, b)), to: instants.reduce((a, b) => Math.max(a, b)) };
}

/**
 * A case with nothing left running (no pending request, no unowned stretch), open or
 * resolved, between its first and last instants [from, to]: every period holding both sees
 * `experience`, the whole case (its events, handoffs, stretches and resolution, all inside).
 * An open one is also quiet after `to`: a period starting later sees it open throughout with
 * nothing happening (`dormantExperience`). The churn outcome's SQL reads these, kept per case,
 * instead of the case's handoffs, stretches and resolutions (SPEC §2.5).
 */
export interface WholeCase {
  from: number;
  to: number;
  experience: CaseExperience;
}

/**
 * The case as a whole, or null when a request is pending or a stretch without owner runs (what
 * a period sees of it then depends on where it ends). `replayed` is the case replayed over all
 * its events, when the caller has it: the drivers projection, which folds every case it
 * touches, neither replays it twice nor keeps the replay.
 */
export function wholeCase(state: CaseState, slaMs: number, replayed: ReplayedCase | null = replayCase(state)): WholeCase | null {
  if (!replayed) return null;
  // An owner's stretch runs while the case is open; only time without one counts.
  const span = quietSpan(state, replayed, (s) => s.end === null && s.team === null);
  if (!span) return null;
  const { from, to } = span;
  const experience = experienceIn(replayed, { lo: from - 1, hi: to, closed: 'hi' }, slaMs);
  return experience && { from, to, experience };
}

/** What a period starting after a whole open case's last instant sees of it: its customer and opening, nothing else. */
export const dormantExperience = ({ caseId, customerId, complaint }: CaseExperience): CaseExperience => ({
  caseId,
  customerId,
  complaint,
  handoff: false,
  pingPong: false,
  stalled: false,
  unownedMs: 0,
  resolved: null,
});

/** Each case's replay over all its events, by the state it came from (and how many events it had then). */
const wholeReplays = new WeakMap<CaseState, { count: number; replayed: ReplayedCase | null }>();

/**
 * The case replayed up to the cut-off. A period that ends after all of a case's events sees
 * the case as it finally stands: that replay is done once per state and read again (the
 * drivers projection asks it of every answer whose 90 days the case falls in; nothing
 * here changes it), so an answer costs a pass over its cases, not a fold of each.
 */
function replayedUpTo(state: CaseState, until: number, exclusive: boolean): ReplayedCase | null {
  if (!state.events.every((e) => (exclusive ? e.time < until : e.time <= until))) return replayCase(state, until, exclusive);
  const known = wholeReplays.get(state);
  if (known?.count === state.events.length) return known.replayed;
  const replayed = replayCase(state);
  wholeReplays.set(state, { count: state.events.length, replayed });
  return replayed;
}

/** Open at the period's end, or last resolved inside it (a resolution before the period means it was closed throughout). */
function touchesPeriod(replayed: ReplayedCase, period: Period): boolean {
  if (replayed.status === 'open') return true;
  return replayed.resolution !== null && inPeriod(period, replayed.resolution.at);
}

/**
 * Stalled at instant x (SPEC §2.3): still pending at x and x − requestedAt > SLA. A request
 * stops pending at the instant it is closed (accepted, superseded, cancelled); one still
 * pending at the period's end stays so. So the stalled instants are
 * [requestedAt + SLA + 1 ms, closedAt − 1 ms], and the question is whether they meet the period.
 */
function stalledIn(handoff: Handoff, period: Period, slaMs: number): boolean {
  if (handoff.requestedAt === null) return false;
  const firstStalled = handoff.requestedAt + slaMs + 1;
  const lastStalled = handoff.closedAt === null ? Number.POSITIVE_INFINITY : handoff.closedAt - 1;
  return Math.max(firstStalled, firstInstant(period)) <= Math.min(lastStalled, lastInstant(period));
}

/** Unowned open time inside the period; a stretch still running at the period's end runs to it. */
function unownedMs(replayed: ReplayedCase, period: Period): number {
  return replayed.spans
    .filter((span) => span.team === null)
    .reduce((sum, span) => sum + overlapMs(period, span.start, span.end ?? period.hi), 0);
}

/** SPEC §2.2's "resolved": last resolved in the period and not reopened by its end. */
function resolvedIn(replayed: ReplayedCase, period: Period): CaseExperience['resolved'] {
  const resolution = replayed.resolution;
  if (replayed.status !== 'resolved' || resolution === null || !inPeriod(period, resolution.at)) return null;
  const took = resolution.openedAt === null ? null : resolution.at - resolution.openedAt;
  return { firstContact: resolution.firstContact, slow: took !== null && took > SLOW_RESOLUTION_MS };
}

import { stepCase, type CaseEffect, type CaseFold, type OwnershipSpan, type Resolution } from './case-fold';
import type { CaseEventFact, CaseEventType, CaseState } from './case-state';
import type { Handoff } from './handoff';

/**
 * A case's history folded up to a cut-off with `stepCase`, keeping everything the events
 * made: the views and reports read it. Nothing is kept between calls, so any `asOf` can be
 * asked.
 */

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

export interface ReplayedCase extends CaseFold {
  /** Every handoff, in the order they started. */
  handoffs: Handoff[];
  /** Every stretch of open time, in time order. */
  spans: OwnershipSpan[];
  /** Every resolution that closed the case, in time order. */
  resolutions: Resolution[];
  timeline: CaseTimelineEntry[];
}

/**
 * Replays the case's events up to a cut-off: `time <= until` for views as of `until`, or
 * `time < until` for reports "at `to`" (SPEC §2.2). Null when no event counts yet.
 */
export function replayCase(state: CaseState, until = Number.POSITIVE_INFINITY, exclusive = false): ReplayedCase | null {
  const counted = state.events.filter((e) => (exclusive ? e.time < until : e.time <= until));
  if (counted.length === 0) return null;
  const handoffs = new Map<number, Handoff>();
  const spans = new Map<number, OwnershipSpan>();
  const resolutions = new Map<number, Resolution>();
  const timeline: CaseTimelineEntry[] = [];
  let fold: CaseFold | null = null;
  for (const event of counted) {
    const step = stepCase(fold, event, state.caseId);
    fold = step.fold;
    for (const handoff of step.handoffs) handoffs.set(handoff.position, handoff);
    for (const seq of step.droppedSpans) spans.delete(seq);
    for (const span of step.spans) spans.set(span.seq, span);
    if (step.resolution) resolutions.set(step.resolution.position, step.resolution);
    timeline.push(timelineEntry(event, step.effect));
  }
  return {
    ...(fold as CaseFold),
    handoffs: [...handoffs.values()],
    spans: [...spans.values()].sort((a, b) => a.seq - b.seq),
    resolutions: [...resolutions.values()],
    timeline,
  };
}

function timelineEntry(event: CaseEventFact, effect: CaseEffect): CaseTimelineEntry {
  // The opening's channel and category are the case's, not the timeline's: left out as before.
  const { position, time, type, customerId, channel: _channel, category: _category, ...details } = event;
  return { position, time, type, customerId, effect, ...details };
}

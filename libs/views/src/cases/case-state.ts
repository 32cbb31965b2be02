import type { AnyLedgerEvent, CaseCategory, Channel, LedgerEvent } from '@cx/events';

/** The event types that drive a case (SPEC §1.3). */
export const CASE_EVENT_TYPES = [
  'cx.case.opened.v1',
  'cx.case.handoff.requested.v1',
  'cx.case.handoff.accepted.v1',
  'cx.case.resolved.v1',
  'cx.case.reopened.v1',
] as const;
export type CaseEventType = (typeof CASE_EVENT_TYPES)[number];

const caseTypes = new Set<string>(CASE_EVENT_TYPES);

/**
 * One case event, reduced to what the ownership rules read. Optional fields are left out
 * rather than set to `undefined`, so the state is plain JSON and survives a round trip.
 */
export interface CaseEventFact {
  position: number;
  time: number;
  type: CaseEventType;
  customerId: string;
  /** opened: first owner; accepted: accepting team; resolved: resolving team. */
  team?: string;
  agentId?: string;
  fromTeam?: string;
  toTeam?: string;
  /** opened: the channel it was opened on and its category (the complaint rule of SPEC §2.1). */
  channel?: Channel;
  category?: CaseCategory;
}

/**
 * A case's history: its events sorted by (time, position), one per position. Adding an
 * event is independent of arrival order: a late event simply takes its place, and every
 * view folds the history in time order (SPEC §2) with the one set of rules in case-fold.ts.
 * A projection keeps the same events as rows and folds only from where a new one lands.
 */
export interface CaseState {
  caseId: string;
  events: CaseEventFact[];
}

export const initialCaseState = (caseId: string): CaseState => ({ caseId, events: [] });

/** The case an event belongs to, or undefined when it is not one of the case types. */
export function caseIdOf(event: LedgerEvent | AnyLedgerEvent): string | undefined {
  if (!caseTypes.has(event.type)) return undefined;
  return (event.data as { caseId?: string }).caseId;
}

/**
 * Adds one event to the case. Events of other types or other cases leave the state as it
 * is, and so does a second delivery of the same position (at-least-once delivery).
 */
export function evolveCase(state: CaseState, event: LedgerEvent | AnyLedgerEvent): CaseState {
  if (caseIdOf(event) !== state.caseId) return state;
  if (state.events.some((known) => known.position === event.position)) return state;
  const fact = toCaseEventFact(event);
  const at = state.events.findIndex((known) => compareFacts(fact, known) < 0);
  const events = [...state.events];
  events.splice(at === -1 ? events.length : at, 0, fact);
  return { caseId: state.caseId, events };
}

/** SPEC §2 order: event time, ties by append order. */
export const compareFacts = (a: { time: number; position: number }, b: { time: number; position: number }): number =>
  a.time - b.time || a.position - b.position;

/** The case event as the rules read it; for an event of a case type (see `caseIdOf`). */
export function toCaseEventFact(event: LedgerEvent | AnyLedgerEvent): CaseEventFact {
  // The case types' data carry these fields under the fact's names (SPEC §1.3).
  const data = event.data as Omit<CaseEventFact, 'position' | 'time' | 'type' | 'customerId'>;
  const fact: CaseEventFact = {
    position: event.position,
    time: event.time,
    type: event.type as CaseEventType,
    customerId: event.customerId,
  };
  if (data.team !== undefined) fact.team = data.team;
  if (data.agentId !== undefined) fact.agentId = data.agentId;
  if (data.fromTeam !== undefined) fact.fromTeam = data.fromTeam;
  if (data.toTeam !== undefined) fact.toTeam = data.toTeam;
  if (event.type === 'cx.case.opened.v1') {
    if (data.channel !== undefined) fact.channel = data.channel;
    if (data.category !== undefined) fact.category = data.category;
  }
  return fact;
}

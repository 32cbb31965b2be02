/**
 * Builders for the case specs (not exported from the library). Times are written as
 * minutes after 2026-03-02T00:00Z so that expectations can be worked out by hand.
 */
import type { AnyLedgerEvent, EventDataByType, EventType } from '@cx/events';
import { caseIdOf, evolveCase, initialCaseState, type CaseState } from './case-state';

export const T0 = Date.UTC(2026, 2, 2, 0, 0, 0);
/** Epoch ms of `minutes` (and optionally `seconds`) after T0. */
export const at = (minutes: number, seconds = 0): number => T0 + minutes * 60_000 + seconds * 1_000;

type Data<T extends EventType> = Omit<EventDataByType[T], 'customer'>;

/** Hands out events with increasing positions, as the store would append them. */
export function eventFactory(customerOf: (caseId: string) => string = (caseId) => `cust-${caseId}`) {
  let position = 0;
  function make<T extends EventType>(type: T, time: number, data: Data<T>, customerId: string): AnyLedgerEvent {
    position += 1;
    return {
      position,
      streamId: `customer-${customerId}`,
      revision: position - 1,
      customerId,
      id: `evt-${position}`,
      source: '/channels/test',
      type,
      time,
      recordedAt: time,
      data: { customer: { id: customerId }, ...data },
    } as AnyLedgerEvent;
  }
  const forCase = <T extends EventType>(type: T, caseId: string, time: number, data: Omit<Data<T>, 'caseId'>) =>
    make(type, time, { caseId, ...data } as unknown as Data<T>, customerOf(caseId));
  return {
    opened: (caseId: string, time: number, team?: string, agentId?: string) =>
      forCase('cx.case.opened.v1', caseId, time, { category: 'complaint', channel: 'phone', ...defined({ team, agentId }) }),
    requested: (caseId: string, time: number, fromTeam: string, toTeam: string) =>
      forCase('cx.case.handoff.requested.v1', caseId, time, { fromTeam, toTeam }),
    accepted: (caseId: string, time: number, team: string, agentId?: string) =>
      forCase('cx.case.handoff.accepted.v1', caseId, time, { team, ...defined({ agentId }) }),
    resolved: (caseId: string, time: number, team?: string) => forCase('cx.case.resolved.v1', caseId, time, defined({ team })),
    reopened: (caseId: string, time: number) => forCase('cx.case.reopened.v1', caseId, time, {}),
    interaction: (caseId: string, time: number, team: string) =>
      make('cx.interaction.recorded.v1', time, { channel: 'chat', direction: 'inbound', caseId, team }, customerOf(caseId)),
  };
}

/** A step of a random case history, as the arrival-order and oracle properties draw them. */
export interface CaseStep {
  caseId: string;
  kind: 'opened' | 'requested' | 'accepted' | 'resolved' | 'reopened';
  minute: number;
  team?: string | undefined;
  otherTeam: string;
  agentId?: string | undefined;
}

/** What makes a case's events: `eventFactory` (ledger events), or the end-to-end harness (CloudEvents). */
export interface CaseEventMaker<E> {
  opened(caseId: string, time: number, team?: string, agentId?: string): E;
  requested(caseId: string, time: number, fromTeam: string, toTeam: string): E;
  accepted(caseId: string, time: number, team: string, agentId?: string): E;
  resolved(caseId: string, time: number, team?: string): E;
  reopened(caseId: string, time: number): E;
}

/** The step as an event: a request without a team comes from the team it goes to, an acceptance without one is by it. */
export function caseEventOf<E>(make: CaseEventMaker<E>, { caseId, kind, minute, team, otherTeam, agentId }: CaseStep): E {
  const time = at(minute);
  switch (kind) {
    case 'opened':
      return make.opened(caseId, time, team, agentId);
    case 'requested':
      return make.requested(caseId, time, team ?? otherTeam, otherTeam);
    case 'accepted':
      return make.accepted(caseId, time, team ?? otherTeam, agentId);
    case 'resolved':
      return make.resolved(caseId, time, team);
    case 'reopened':
      return make.reopened(caseId, time);
  }
}

function defined<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Folds events (in the order given) into one state per case, as a projection would. */
export function foldCases(events: readonly AnyLedgerEvent[]): Map<string, CaseState> {
  const states = new Map<string, CaseState>();
  for (const event of events) {
    const caseId = caseIdOf(event);
    if (caseId === undefined) continue;
    states.set(caseId, evolveCase(states.get(caseId) ?? initialCaseState(caseId), event));
  }
  return states;
}

export const foldCase = (caseId: string, events: readonly AnyLedgerEvent[]): CaseState =>
  events.reduce(evolveCase, initialCaseState(caseId));

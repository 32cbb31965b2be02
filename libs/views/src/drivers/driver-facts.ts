import { byTimeThenPosition, type AnyLedgerEvent, type Channel, type LedgerEvent } from '@cx/events';
import { caseIdOf, evolveCase, initialCaseState, type CaseState } from '../cases/case-state';

/**
 * The facts the drivers report reads besides the loyalty facts (answers, orders): contacts
 * (for `channel:<name>`), alert follow-ups (for `followedUpAlert`), segments (groupBy) and
 * the cases. Customer ids are canonical: the caller has mapped merged anonymous customers
 * to the customer they were merged into, so their history counts as that customer's.
 */

/** The customer reached the company on a channel: an inbound interaction, or a case opening. */
export interface ContactFact {
  customerId: string;
  channel: Channel;
  time: number;
  position: number;
}

/** An alert of SPEC §2.4 about a customer, as `followedUpAlert` reads it. */
export interface AlertFollowUpFact {
  customerId: string;
  signal: string;
  raisedAt: number;
  /** null while not followed up. */
  followedUpAt: number | null;
}

/** A profile update that named a segment. */
export interface SegmentFact {
  customerId: string;
  segment: string;
  time: number;
  position: number;
}

export const toContactFact = (event: AnyLedgerEvent): ContactFact | null => {
  if (event.type === 'cx.interaction.recorded.v1' && event.data.direction === 'inbound') {
    return { customerId: event.customerId, channel: event.data.channel, time: event.time, position: event.position };
  }
  if (event.type === 'cx.case.opened.v1')
    return { customerId: event.customerId, channel: event.data.channel, time: event.time, position: event.position };
  return null;
};

export const contactFacts = (events: readonly AnyLedgerEvent[]): ContactFact[] =>
  [...events].sort(byTimeThenPosition).flatMap((event) => toContactFact(event) ?? []);

export const segmentFacts = (events: readonly AnyLedgerEvent[]): SegmentFact[] =>
  [...events].sort(byTimeThenPosition).flatMap((event) => {
    if (event.type !== 'cx.customer.profiled.v1' || event.data.segment === undefined) return [];
    return [{ customerId: event.customerId, segment: event.data.segment, time: event.time, position: event.position }];
  });

/** Every case with its events, whatever order they came in (the one case fold reads them in time order). */
export function caseStates(events: readonly (AnyLedgerEvent | LedgerEvent)[]): CaseState[] {
  const states = new Map<string, CaseState>();
  for (const event of events) {
    const caseId = caseIdOf(event);
    if (caseId === undefined) continue;
    states.set(caseId, evolveCase(states.get(caseId) ?? initialCaseState(caseId), event));
  }
  return [...states.values()];
}

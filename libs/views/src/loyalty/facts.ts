import { byTimeThenPosition, type AnyLedgerEvent, type Channel, type EventType, type LedgerEvent, type Survey } from '@cx/events';

/**
 * Fact rows of the loyalty report: one per survey answer, per order, per referral. A projection
 * stores them as they are; the report (and the SQL that must match it) only filters and counts.
 */

/** One survey answer. Missing optional fields are null, so SQL can group them as 'unknown'. */
export interface SurveyFact {
  customerId: string;
  survey: Survey;
  score: number;
  time: number;
  channel: Channel | null;
  team: string | null;
  caseId: string | null;
  position: number;
}

/** One order: the first `cx.purchase.completed.v1` of its orderId (see `orderFacts`). */
export interface OrderFact {
  customerId: string;
  orderId: string;
  amountMinor: number;
  currency: string;
  channel: Channel;
  time: number;
  position: number;
}

/** One referral made by `customerId`. The referred person is left out: it is personal data. */
export interface ReferralFact {
  customerId: string;
  channel: Channel | null;
  time: number;
  position: number;
}

type EventOf<T extends EventType> = Extract<AnyLedgerEvent, { type: T }>;

const ofType =
  <T extends EventType>(type: T) =>
  (event: AnyLedgerEvent): event is EventOf<T> =>
    event.type === type;

/** Facts come out in SPEC §2 order (time, then position), whatever order the events came in. */
const inLedgerOrder = <E extends LedgerEvent>(events: readonly E[]): E[] => [...events].sort(byTimeThenPosition);

export const toSurveyFact = (event: LedgerEvent<'cx.survey.answered.v1'>): SurveyFact => ({
  customerId: event.customerId,
  survey: event.data.survey,
  score: event.data.score,
  time: event.time,
  channel: event.data.channel ?? null,
  team: event.data.team ?? null,
  caseId: event.data.caseId ?? null,
  position: event.position,
});

export const toOrderFact = (event: LedgerEvent<'cx.purchase.completed.v1'>): OrderFact => ({
  customerId: event.customerId,
  orderId: event.data.orderId,
  amountMinor: event.data.amountMinor,
  currency: event.data.currency,
  channel: event.data.channel,
  time: event.time,
  position: event.position,
});

export const toReferralFact = (event: LedgerEvent<'cx.customer.referred.v1'>): ReferralFact => ({
  customerId: event.customerId,
  channel: event.data.channel ?? null,
  time: event.time,
  position: event.position,
});

export const surveyFacts = (events: readonly AnyLedgerEvent[]): SurveyFact[] =>
  inLedgerOrder(events.filter(ofType('cx.survey.answered.v1'))).map(toSurveyFact);

export const referralFacts = (events: readonly AnyLedgerEvent[]): ReferralFact[] =>
  inLedgerOrder(events.filter(ofType('cx.customer.referred.v1'))).map(toReferralFact);

/**
 * One fact per orderId. A channel system that re-sends an order under a new event id must not
 * double its revenue, so the earliest completion (time, then position) is the order; later
 * ones with the same orderId are ignored. Keeping the earliest, not the latest arrival, keeps
 * the result independent of arrival order.
 */
export function orderFacts(events: readonly AnyLedgerEvent[]): OrderFact[] {
  const byOrderId = new Map<string, OrderFact>();
  for (const event of inLedgerOrder(events.filter(ofType('cx.purchase.completed.v1')))) {
    if (!byOrderId.has(event.data.orderId)) byOrderId.set(event.data.orderId, toOrderFact(event));
  }
  return [...byOrderId.values()];
}

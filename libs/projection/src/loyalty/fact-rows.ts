import type { AnyLedgerEvent } from '@cx/events';
import { toOrderFact, toReferralFact, toSurveyFact } from '@cx/views';
import { caseEventRow } from './case-versions';
import type {
  CustomerSegmentsTable,
  LoyaltyCaseEventsTable,
  LoyaltyStageMomentsTable,
  OrdersTable,
  ReferralsTable,
  SurveyAnswersTable,
} from './loyalty.tables';

/** UTC `YYYY-MM` of an event time: the cohort month, and a portable GROUP BY key for analysts. */
export const monthOf = (time: number): string => new Date(time).toISOString().slice(0, 7);

/** The rows one batch adds, with the customer ids as stored on the events (made canonical before writing). */
export interface FactRows {
  surveys: SurveyAnswersTable[];
  orders: OrdersTable[];
  referrals: ReferralsTable[];
  segments: CustomerSegmentsTable[];
  caseEvents: LoyaltyCaseEventsTable[];
  moments: LoyaltyStageMomentsTable[];
}

export const noFactRows = (): FactRows => ({ surveys: [], orders: [], referrals: [], segments: [], caseEvents: [], moments: [] });

/** Events whose time feeds the lifecycle stage (SPEC §2.1): see `LoyaltyStageMomentsTable`. */
const STAGE_TYPES = new Set<string>([
  'cx.purchase.completed.v1',
  'cx.customer.churned.v1',
  'cx.customer.referred.v1',
  'cx.case.opened.v1',
  'cx.case.resolved.v1',
  'cx.case.reopened.v1',
]);

const feedsStage = (event: AnyLedgerEvent): boolean =>
  STAGE_TYPES.has(event.type) || (event.type === 'cx.survey.answered.v1' && event.data.survey === 'nps');

/** Adds the fact rows of one event. The pure extractors of @cx/views decide what a fact holds. */
export function addFactRows(rows: FactRows, event: AnyLedgerEvent): void {
  const base = { position: event.position, customer_id: event.customerId, time: event.time };
  if (feedsStage(event)) rows.moments.push(base);
  switch (event.type) {
    case 'cx.survey.answered.v1': {
      const fact = toSurveyFact(event);
      rows.surveys.push({
        ...base,
        survey: fact.survey,
        score: fact.score,
        month: monthOf(fact.time),
        channel: fact.channel,
        team: fact.team,
        case_id: fact.caseId,
      });
      return;
    }
    case 'cx.purchase.completed.v1': {
      const fact = toOrderFact(event);
      rows.orders.push({
        ...base,
        order_id: fact.orderId,
        amount_minor: fact.amountMinor,
        currency: fact.currency,
        channel: fact.channel,
        month: monthOf(fact.time),
      });
      return;
    }
    case 'cx.customer.referred.v1':
      rows.referrals.push({ ...base, channel: toReferralFact(event).channel });
      return;
    case 'cx.customer.profiled.v1':
      if (event.data.segment !== undefined) rows.segments.push({ ...base, segment: event.data.segment });
      return;
    default: {
      const caseEvent = caseEventRow(event, event.customerId);
      if (caseEvent) rows.caseEvents.push(caseEvent);
    }
  }
}

/** Every row's customer as it stands after the batch's merges. */
export function canonicalize(rows: FactRows, canonical: (id: string) => string): void {
  for (const list of Object.values(rows) as Array<Array<{ customer_id: string }>>) {
    for (const row of list) row.customer_id = canonical(row.customer_id);
  }
}

const isEarlier = (a: OrdersTable, b: OrdersTable): boolean =>
  Number(a.time) < Number(b.time) || (Number(a.time) === Number(b.time) && Number(a.position) < Number(b.position));

/** The first completion of each order id among `orders` and the rows already stored (SPEC §2 order: time, then position). */
export function firstCompletions(orders: readonly OrdersTable[], stored: readonly OrdersTable[]): OrdersTable[] {
  const first = new Map(stored.map((row) => [row.order_id, row]));
  const changed = new Map<string, OrdersTable>();
  for (const order of orders) {
    const current = first.get(order.order_id);
    if (current && !isEarlier(order, current)) continue;
    first.set(order.order_id, order);
    changed.set(order.order_id, order);
  }
  return [...changed.values()];
}

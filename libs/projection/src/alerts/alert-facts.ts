import { EVENT_TYPES, type AnyLedgerEvent, type EventType } from '@cx/events';
import { caseIdOf, toCaseEventFact, type CaseEventFact, type CaseState, type CustomerAnswer, type OutboundContact } from '@cx/views';
import type { Kysely } from 'kysely';
import { inChunks, toNumber } from '../sql-batches';
import type { AlertCustomerFactsTable, AlertsTables } from './alerts.tables';

type Db = Kysely<AlertsTables>;

/** The event types the alerts projection reads: every one but `cx.customer.forgotten.v1`. */
export const ALERT_EVENT_TYPES: readonly EventType[] = EVENT_TYPES.filter((type) => type !== 'cx.customer.forgotten.v1');

const blank = { score: null, team: null, case_id: null, case_type: null, category: null, segment: null };

/** The customer fact an event adds (under the customer it stands for now), or null: inbound interactions add none. */
export function customerFactOf(event: AnyLedgerEvent, customerId: string): AlertCustomerFactsTable | null {
  const base = { ...blank, customer_id: customerId, origin_id: event.customerId, time: event.time, position: event.position };
  const caseId = caseIdOf(event);
  if (caseId !== undefined) {
    const category = event.type === 'cx.case.opened.v1' ? event.data.category : null;
    return { ...base, kind: 'case', case_id: caseId, case_type: event.type, category };
  }
  switch (event.type) {
    case 'cx.purchase.completed.v1':
      return { ...base, kind: 'purchase' };
    case 'cx.survey.answered.v1':
      return {
        ...base,
        kind: event.data.survey,
        score: event.data.score,
        team: event.data.team ?? null,
        case_id: event.data.caseId ?? null,
      };
    case 'cx.customer.churned.v1':
      return { ...base, kind: 'churn' };
    case 'cx.customer.referred.v1':
      return { ...base, kind: 'referral' };
    case 'cx.customer.profiled.v1':
      return { ...base, kind: 'profile', segment: event.data.segment ?? null };
    case 'cx.interaction.recorded.v1':
      return event.data.direction === 'outbound' ? { ...base, kind: 'outbound', team: event.data.team ?? null } : null;
    default:
      return null;
  }
}

const fromRow = (row: AlertCustomerFactsTable): AlertCustomerFactsTable => ({
  ...row,
  time: Number(row.time),
  position: Number(row.position),
  score: toNumber(row.score),
});

/** Every fact of the customers, in (time, position) order. */
export async function customerFacts(db: Db, customerIds: readonly string[]): Promise<Map<string, AlertCustomerFactsTable[]>> {
  const facts = new Map<string, AlertCustomerFactsTable[]>(customerIds.map((id) => [id, []]));
  for (const chunk of inChunks(customerIds)) {
    const rows = await db
      .selectFrom('alert_customer_facts')
      .selectAll()
      .where('customer_id', 'in', chunk)
      .orderBy('time')
      .orderBy('position')
      .execute();
    for (const row of rows) facts.get(row.customer_id)!.push(fromRow(row));
  }
  return facts;
}

/** Each case's events, sorted, as the one case fold reads them. */
export async function caseStates(db: Db, caseIds: readonly string[]): Promise<Map<string, CaseState>> {
  const states = new Map<string, CaseState>(caseIds.map((caseId) => [caseId, { caseId, events: [] as CaseEventFact[] }]));
  for (const chunk of inChunks(caseIds)) {
    const rows = await db
      .selectFrom('alert_case_events')
      .select(['case_id', 'fact'])
      .where('case_id', 'in', chunk)
      .orderBy('time')
      .orderBy('position')
      .execute();
    for (const row of rows) states.get(row.case_id)!.events.push(JSON.parse(row.fact) as CaseEventFact);
  }
  return states;
}

export const caseEventRow = (event: AnyLedgerEvent, caseId: string) => ({
  case_id: caseId,
  time: event.time,
  position: event.position,
  fact: JSON.stringify(toCaseEventFact(event)),
});

export function answersOf(facts: readonly AlertCustomerFactsTable[]): CustomerAnswer[] {
  return facts
    .filter((f) => f.kind === 'nps' || f.kind === 'csat' || f.kind === 'ces')
    .map((f) => ({
      answeredAs: f.origin_id,
      time: f.time,
      position: f.position,
      survey: f.kind as CustomerAnswer['survey'],
      score: f.score ?? 0,
      team: f.team,
      caseId: f.case_id,
    }));
}

export const outboundOfFacts = (facts: readonly AlertCustomerFactsTable[]): OutboundContact[] =>
  facts.filter((f) => f.kind === 'outbound').map((f) => ({ time: f.time, position: f.position, team: f.team }));

/**
 * The facts the lifecycle fold reads, as the events it folds (`foldCustomer` is the one
 * place the stage rules read a customer from): only the fields the stage rules use are real.
 */
export function stageEventsOf(customerId: string, facts: readonly AlertCustomerFactsTable[]): AnyLedgerEvent[] {
  return facts.flatMap((f): AnyLedgerEvent[] => {
    const base = {
      position: f.position,
      time: f.time,
      recordedAt: f.time,
      customerId,
      streamId: customerId,
      revision: 0,
      id: `f${f.position}`,
      source: '/alerts',
    };
    const customer = { id: customerId };
    switch (f.kind) {
      case 'purchase':
        return [
          {
            ...base,
            type: 'cx.purchase.completed.v1',
            data: { customer, orderId: '-', amountMinor: 0, currency: 'XXX', channel: 'other' },
          },
        ];
      case 'nps':
        return [{ ...base, type: 'cx.survey.answered.v1', data: { customer, survey: 'nps', score: f.score ?? 0 } }];
      case 'churn':
        return [{ ...base, type: 'cx.customer.churned.v1', data: { customer } }];
      case 'referral':
        return [{ ...base, type: 'cx.customer.referred.v1', data: { customer } }];
      case 'case':
        return [
          {
            ...base,
            type: f.case_type,
            data: { customer, caseId: f.case_id, ...(f.category ? { category: f.category, channel: 'other' } : {}) },
          } as unknown as AnyLedgerEvent,
        ];
      default:
        return [];
    }
  });
}

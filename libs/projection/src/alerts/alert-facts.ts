import { EVENT_TYPES, type AnyLedgerEvent, type EventType } from '@cx/events';
import { caseIdOf, toCaseEventFact, type CaseEventFact, type CaseState, type CustomerAnswer, type OutboundContact } from '@cx/views';
import { sql, type Kysely } from 'kysely';
import { inChunks, toNumber, unionAll } from '../sql-batches';
import type { AlertCustomerFactsTable, AlertFactKind, AlertsTables } from './alerts.tables';
import { known } from '../known';

type Db = Kysely<AlertsTables>;

/** The event types the alerts projection reads: every one but `cx.customer.forgotten.v1`. */
export const ALERT_EVENT_TYPES: readonly EventType[] = EVENT_TYPES.filter((type) => type !== 'cx.customer.forgotten.v1');

type FactFields = Partial<Pick<AlertCustomerFactsTable, 'score' | 'team' | 'case_id' | 'case_type' | 'category' | 'segment'>>;

/**
 * A fact row, every column set in one order: rows of one shape keep V8's property reads
 * monomorphic (spreading a shared blank row into each kind's fields cost 6.5% of an alerts rebuild).
 */
function factRow(event: AnyLedgerEvent, customerId: string, kind: AlertFactKind, fields: FactFields = {}): AlertCustomerFactsTable {
  return {
    customer_id: customerId,
    origin_id: event.customerId,
    time: event.time,
    position: event.position,
    kind,
    score: fields.score ?? null,
    team: fields.team ?? null,
    case_id: fields.case_id ?? null,
    case_type: fields.case_type ?? null,
    category: fields.category ?? null,
    segment: fields.segment ?? null,
  };
}

/** The customer fact an event adds (under the customer it stands for now), or null: inbound interactions add none. */
export function customerFactOf(event: AnyLedgerEvent, customerId: string): AlertCustomerFactsTable | null {
  const caseId = caseIdOf(event);
  if (caseId !== undefined) {
    const category = event.type === 'cx.case.opened.v1' ? event.data.category : null;
    return factRow(event, customerId, 'case', { case_id: caseId, case_type: event.type, category });
  }
  switch (event.type) {
    case 'cx.purchase.completed.v1':
      return factRow(event, customerId, 'purchase');
    case 'cx.survey.answered.v1':
      return factRow(event, customerId, event.data.survey, { score: event.data.score, team: event.data.team, case_id: event.data.caseId });
    case 'cx.customer.churned.v1':
      return factRow(event, customerId, 'churn');
    case 'cx.customer.referred.v1':
      return factRow(event, customerId, 'referral');
    case 'cx.customer.profiled.v1':
      return factRow(event, customerId, 'profile', { segment: event.data.segment });
    case 'cx.interaction.recorded.v1':
      return event.data.direction === 'outbound' ? factRow(event, customerId, 'outbound', { team: event.data.team }) : null;
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

/** A customer and the instant from which its facts of some kind are read. */
export interface CustomerSince {
  customerId: string;
  from: number;
}

const FACTS = sql.table('alert_customer_facts');

/** Each customer's survey answers from its `from` on (an index seek each), in (time, position) order. */
export async function answersSince(db: Db, starts: readonly CustomerSince[]): Promise<Map<string, CustomerAnswer[]>> {
  const rows = await unionAll<AlertCustomerFactsTable>(
    db,
    starts.map(
      ({ customerId, from }) =>
        sql`SELECT * FROM ${FACTS} WHERE customer_id = ${customerId} AND kind IN ('nps', 'csat', 'ces') AND time >= ${from}`,
    ),
  );
  const byCustomer = factsByCustomer(rows);
  return new Map(starts.map(({ customerId }) => [customerId, answersOf(byCustomer.get(customerId) ?? [])]));
}

/**
 * Each customer's outbound interactions that can follow up an alert raised in [from, to]:
 * those after `from` up to the first one after `to` (the one that follows up the latest),
 * in (time, position) order.
 */
export async function outboundAround(
  db: Db,
  spans: ReadonlyArray<{ customerId: string; from: number; to: number }>,
): Promise<Map<string, OutboundContact[]>> {
  const rows = await unionAll<AlertCustomerFactsTable>(
    db,
    spans.map(
      ({ customerId, from, to }) =>
        sql`SELECT * FROM ${FACTS} WHERE customer_id = ${customerId} AND kind = 'outbound' AND time > ${from} AND time <= COALESCE((SELECT MIN(time) FROM ${FACTS} WHERE customer_id = ${customerId} AND kind = 'outbound' AND time > ${to}), ${Number.MAX_SAFE_INTEGER})`,
    ),
  );
  const byCustomer = factsByCustomer(rows);
  return new Map(spans.map(({ customerId }) => [customerId, outboundOfFacts(byCustomer.get(customerId) ?? [])]));
}

/** The rows as read back, by customer, each list in (time, position) order. */
function factsByCustomer(rows: readonly AlertCustomerFactsTable[]): Map<string, AlertCustomerFactsTable[]> {
  const byCustomer = new Map<string, AlertCustomerFactsTable[]>();
  for (const row of rows.map(fromRow).sort((a, b) => a.time - b.time || a.position - b.position)) {
    const list = byCustomer.get(row.customer_id);
    if (list) list.push(row);
    else byCustomer.set(row.customer_id, [row]);
  }
  return byCustomer;
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
    for (const row of rows) known(states, row.case_id).events.push(JSON.parse(row.fact) as CaseEventFact);
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

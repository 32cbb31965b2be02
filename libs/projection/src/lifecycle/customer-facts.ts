import type { AnyLedgerEvent, CaseCategory, Channel } from '@cx/events';
import type { CaseChangeFact, CustomerState, LifecycleMoment, PurchaseFact, SurveyAnswerFact } from '@cx/views';
import type { CustomerFactsTable, FactKind } from './lifecycle.tables';

const SURVEYS: ReadonlySet<string> = new Set(['nps', 'csat', 'ces']);

type FactColumns = Partial<
  Pick<CustomerFactsTable, 'channel' | 'amount_minor' | 'currency' | 'score' | 'case_id' | 'case_change' | 'category' | 'segment'>
>;

/** What the lifecycle keeps of an event: its kind and the few values the rules and the view read (no personal field). */
function factOf(event: AnyLedgerEvent): { kind: FactKind } & FactColumns {
  switch (event.type) {
    case 'cx.interaction.recorded.v1':
      return { kind: 'interaction', channel: event.data.channel };
    case 'cx.purchase.completed.v1':
      return { kind: 'purchase', channel: event.data.channel, amount_minor: event.data.amountMinor, currency: event.data.currency };
    case 'cx.survey.answered.v1':
      // Ingest validates `survey`; an unknown one is no activity, as in the pure fold.
      return SURVEYS.has(event.data.survey) ? { kind: event.data.survey, score: event.data.score } : { kind: 'none' };
    case 'cx.case.opened.v1':
      return { kind: 'case', case_id: event.data.caseId, case_change: 'opened', category: event.data.category };
    case 'cx.case.resolved.v1':
      return { kind: 'case', case_id: event.data.caseId, case_change: 'resolved' };
    case 'cx.case.reopened.v1':
      return { kind: 'case', case_id: event.data.caseId, case_change: 'reopened' };
    case 'cx.case.handoff.requested.v1':
    case 'cx.case.handoff.accepted.v1':
      return { kind: 'case', case_id: event.data.caseId, case_change: 'handoff' };
    case 'cx.customer.referred.v1':
      return { kind: 'referral' };
    case 'cx.customer.churned.v1':
      return { kind: 'churn' };
    case 'cx.customer.profiled.v1':
      return { kind: 'profile', segment: event.data.segment ?? null };
    default:
      return { kind: 'none' };
  }
}

/** The row of one event, under the customer it stands for now. */
export function factRow(event: AnyLedgerEvent, customerId: string): CustomerFactsTable {
  return {
    position: event.position,
    customer_id: customerId,
    time: event.time,
    type: event.type,
    stream_id: event.streamId,
    revision: event.revision,
    channel: null,
    amount_minor: null,
    currency: null,
    score: null,
    case_id: null,
    case_change: null,
    category: null,
    segment: null,
    ...factOf(event),
  };
}

/** Whether a fact is activity: it counts for firstSeen, lastSeen and where a stage history starts. */
export const isActivity = (kind: FactKind): boolean => kind !== 'none';

/** The kinds the stage rules read (SPEC §2.1): purchases, NPS answers, churns, referrals and cases. */
export const STAGE_KINDS: readonly FactKind[] = ['purchase', 'nps', 'churn', 'referral', 'case'];

/** A fact row as read back (PostgreSQL answers BIGINT as text). */
export type StoredFact = Pick<CustomerFactsTable, 'kind' | 'channel' | 'currency' | 'case_id' | 'case_change' | 'category'> & {
  time: number | string;
  position: number | string;
  amount_minor: number | string | null;
  score: number | null;
};

const momentOf = (row: StoredFact): LifecycleMoment => ({ time: Number(row.time), position: Number(row.position) });

const purchaseOf = (row: StoredFact): PurchaseFact => ({
  ...momentOf(row),
  amountMinor: Number(row.amount_minor),
  currency: row.currency as string,
  channel: row.channel as Channel,
});

function caseChangeOf(row: StoredFact): CaseChangeFact {
  const change = { ...momentOf(row), caseId: row.case_id as string, change: row.case_change as CaseChangeFact['change'] };
  return row.category === null ? change : { ...change, category: row.category as CaseCategory };
}

const byMoment = (a: LifecycleMoment, b: LifecycleMoment): number => a.time - b.time || a.position - b.position;
const sorted = <F extends LifecycleMoment>(facts: F[]): F[] => facts.sort(byMoment);

/**
 * A customer state holding the given stage facts (the rules' input), each list sorted as
 * the pure fold sorts it. Only the kinds of `STAGE_KINDS` are read.
 */
export function stateOfFacts(customerId: string, rows: readonly StoredFact[]): CustomerState {
  const of = (kind: FactKind) => rows.filter((row) => row.kind === kind);
  return {
    customerId,
    purchases: sorted(of('purchase').map(purchaseOf)),
    surveys: { nps: sorted(of('nps').map((row): SurveyAnswerFact => ({ ...momentOf(row), score: Number(row.score) }))), csat: [], ces: [] },
    churns: sorted(of('churn').map(momentOf)),
    referrals: sorted(of('referral').map(momentOf)),
    caseChanges: sorted(of('case').map(caseChangeOf)),
    interactions: [],
    profiles: [],
  };
}

export const caseChangesOf = (rows: readonly StoredFact[]): CaseChangeFact[] => sorted(rows.map(caseChangeOf));

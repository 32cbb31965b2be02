import type { AnyLedgerEvent } from '@cx/events';
import { caseFactsByTime, evolveCase, initialCaseState, type CaseFact } from '@cx/views';
import type { LoyaltyCaseEventsTable, LoyaltyCaseFactsTable } from './loyalty.tables';

type CaseKind = LoyaltyCaseEventsTable['kind'];

const KIND_BY_TYPE: Partial<Record<AnyLedgerEvent['type'], CaseKind>> = {
  'cx.case.opened.v1': 'opened',
  'cx.case.handoff.requested.v1': 'handoff_requested',
  'cx.case.handoff.accepted.v1': 'handoff_accepted',
  'cx.case.resolved.v1': 'resolved',
  'cx.case.reopened.v1': 'reopened',
};

const TYPE_BY_KIND = Object.fromEntries(Object.entries(KIND_BY_TYPE).map(([type, kind]) => [kind, type])) as Record<CaseKind, string>;

/** The row of a case event (with its customer already made canonical); undefined for other types. */
export function caseEventRow(event: AnyLedgerEvent, customerId: string): LoyaltyCaseEventsTable | undefined {
  const kind = KIND_BY_TYPE[event.type];
  if (kind === undefined) return undefined;
  const data = event.data as { caseId: string; channel?: string; team?: string; toTeam?: string };
  return {
    position: event.position,
    case_id: data.caseId,
    customer_id: customerId,
    kind,
    time: event.time,
    channel: kind === 'opened' ? (data.channel ?? null) : null,
    team: data.team ?? null,
    to_team: kind === 'handoff_requested' ? (data.toTeam ?? null) : null,
  };
}

/** Back to the event shape the pure `caseFacts` folds: the one place the case rules live. */
function toLedgerEvent(row: LoyaltyCaseEventsTable): AnyLedgerEvent {
  const data: Record<string, unknown> = { caseId: row.case_id };
  if (row.channel !== null) data.channel = row.channel;
  if (row.team !== null) data.team = row.team;
  if (row.to_team !== null) data.toTeam = row.to_team;
  return {
    position: Number(row.position),
    time: Number(row.time),
    customerId: row.customer_id,
    type: TYPE_BY_KIND[row.kind],
    data,
  } as unknown as AnyLedgerEvent;
}

type FactColumns = Omit<LoyaltyCaseFactsTable, 'since' | 'until'>;

const factColumns = (fact: CaseFact): FactColumns => ({
  case_id: fact.caseId,
  customer_id: fact.customerId,
  channel: fact.channel,
  opened_at: fact.openedAt,
  open_team: fact.openTeam,
  handoffs: fact.handoffs,
  reopens: fact.reopens,
  last_resolved_at: fact.lastResolvedAt,
  resolved_team: fact.resolvedTeam,
  resolved: fact.resolved ? 1 : 0,
});

/** Compares the fact columns of `fact` only, so `version` may carry its since/until. */
const sameFact = (fact: FactColumns, version: FactColumns): boolean =>
  (Object.keys(fact) as (keyof FactColumns)[]).every((key) => fact[key] === version[key]);

/**
 * Every version of one case: after the events at each distinct event time, the fact as the
 * pure rules fold it, valid for a cut-off `to` in (that time, next time]. Consecutive equal
 * versions (a handoff request changes no fact) are one row.
 */
export function caseVersionRows(rows: readonly LoyaltyCaseEventsTable[]): LoyaltyCaseFactsTable[] {
  if (rows.length === 0) return [];
  const state = rows.map(toLedgerEvent).reduce(evolveCase, initialCaseState(rows[0].case_id));
  const facts = caseFactsByTime(state);
  const versions: LoyaltyCaseFactsTable[] = [];
  facts.forEach(({ time, fact: caseFact }, i) => {
    const fact = factColumns(caseFact);
    const until = facts[i + 1]?.time ?? null;
    const previous = versions.at(-1);
    if (previous && sameFact(fact, previous)) previous.until = until;
    else versions.push({ ...fact, since: time, until });
  });
  return versions;
}

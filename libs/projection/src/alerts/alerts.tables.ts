/**
 * The alerts projection's tables (docs/read-models.md). Times are epoch milliseconds.
 * `alerts` is what analysts read; the `alert_*` tables hold the facts the signals are
 * computed from, so that a late event recomputes only what it touches.
 */
export interface AlertsTable {
  alert_id: string;
  signal: string;
  subject: string;
  customer_id: string;
  case_id: string | null;
  /** May lie in the future: a threshold the events already imply (filter `raised_at <= now`). */
  raised_at: number;
  raised_by: number | null;
  team: string | null;
  survey: string | null;
  score: number | null;
  handoff_position: number | null;
  from_team: string | null;
  to_team: string | null;
  requested_at: number | null;
  followed_up_at: number | null;
  follow_up_position: number | null;
  follow_up_team: string | null;
}

/** One fact of a customer that its alerts read: purchases, answers, churns, referrals, case events, outbound interactions, profiles. */
export interface AlertCustomerFactsTable {
  /** The customer it stands for now (after merges). */
  customer_id: string;
  /** The customer the event was stored under: a detractor alert's subject. */
  origin_id: string;
  time: number;
  position: number;
  kind: AlertFactKind;
  /** Survey answers: the score. */
  score: number | null;
  /** Survey answers and outbound interactions: the team named. */
  team: string | null;
  /** Survey answers: the case named; case events: their case. */
  case_id: string | null;
  /** Case events: their type; openings: the category. */
  case_type: string | null;
  category: string | null;
  /** Profiles: the segment named (null: none named). */
  segment: string | null;
}

export type AlertFactKind = 'purchase' | 'nps' | 'csat' | 'ces' | 'churn' | 'referral' | 'case' | 'outbound' | 'profile';

/** Every event of a case, as the one case fold reads it (JSON of `CaseEventFact`). */
export interface AlertCaseEventsTable {
  case_id: string;
  time: number;
  position: number;
  fact: string;
}

/** The customer's stage changes (SPEC §2.1), for "churned at `to`" in the closed-loop report. */
export interface AlertCustomerStagesTable {
  customer_id: string;
  since: number;
  stage: string;
}

/** When each of a customer's cases is open (from `since`, until `until`, null: still): the complaint rule's "open at T". */
export interface AlertCaseStretchesTable {
  customer_id: string;
  case_id: string;
  since: number;
  until: number | null;
}

/** Anonymous customers merged into named ones: the customer each id stands for now. */
export interface AlertCustomerAliasesTable {
  alias_id: string;
  customer_id: string;
}

/** Customers and cases whose alerts a rebuild catching up left to `settle`. */
export interface AlertPendingTable {
  entity: string;
}

export interface AlertsTables {
  alerts: AlertsTable;
  alert_customer_facts: AlertCustomerFactsTable;
  alert_case_events: AlertCaseEventsTable;
  alert_customer_stages: AlertCustomerStagesTable;
  alert_case_stretches: AlertCaseStretchesTable;
  alert_customer_aliases: AlertCustomerAliasesTable;
  alert_pending: AlertPendingTable;
}

export const ALERTS_TABLES = [
  'alerts',
  'alert_customer_facts',
  'alert_case_events',
  'alert_customer_stages',
  'alert_case_stretches',
  'alert_customer_aliases',
  'alert_pending',
] as const satisfies readonly (keyof AlertsTables)[];

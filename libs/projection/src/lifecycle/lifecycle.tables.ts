/**
 * The lifecycle projection's tables (documented for analysts in docs/read-models.md).
 * Times are epoch milliseconds of event time; customer ids are canonical (after merges).
 */
export interface CustomersTable {
  customer_id: string;
  first_seen: number | null;
  last_seen: number | null;
  /** The latest segment any profile update named. */
  segment: string | null;
  purchases: number;
}

/**
 * What a fact row is to the lifecycle rules: `purchase`, `nps`, `csat`, `ces`, `churn`,
 * `referral`, `case` (opened, resolved, reopened or a handoff), `interaction`, `profile`;
 * `none` for events that are not activity (merges, erasures, a survey of an unknown kind).
 */
export const FACT_KINDS = ['purchase', 'nps', 'csat', 'ces', 'churn', 'referral', 'case', 'interaction', 'profile', 'none'] as const;
export type FactKind = (typeof FACT_KINDS)[number];

/** One row per event of the customer: the timeline's index and the facts the rules read. */
export interface CustomerFactsTable {
  position: number;
  customer_id: string;
  time: number;
  type: string;
  kind: FactKind;
  /** Where the stored event is: the timeline reads it back from the event store. */
  stream_id: string;
  revision: number;
  /** Purchases and interactions. */
  channel: string | null;
  amount_minor: number | null;
  currency: string | null;
  /** Survey answers. */
  score: number | null;
  /** Case events: the case, what the event did to it, and the category of an opening. */
  case_id: string | null;
  case_change: 'opened' | 'resolved' | 'reopened' | 'handoff' | null;
  category: string | null;
  /** Profile updates that named a segment. */
  segment: string | null;
}

/** A case of the customer is open from `since` (inclusive) until `until` (exclusive; null: still). */
export interface CustomerCaseStretchesTable {
  customer_id: string;
  case_id: string;
  since: number;
  until: number | null;
}

/** One row per stage a customer passes through: in `stage` from `since` until `until` (null: still). */
export interface CustomerStagesTable {
  customer_id: string;
  stage: string;
  since: number;
  until: number | null;
}

/** An anonymous customer merged into a named one (SPEC §1.2 step 4). */
export interface CustomerAliasesTable {
  alias_id: string;
  customer_id: string;
  merged_at: number;
}

export interface LifecycleTables {
  customers: CustomersTable;
  customer_facts: CustomerFactsTable;
  customer_case_stretches: CustomerCaseStretchesTable;
  customer_stages: CustomerStagesTable;
  customer_aliases: CustomerAliasesTable;
}

export const LIFECYCLE_TABLES = ['customers', 'customer_facts', 'customer_case_stretches', 'customer_stages', 'customer_aliases'] as const;

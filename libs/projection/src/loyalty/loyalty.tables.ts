/**
 * The loyalty projection's tables (SPEC §2.2; documented for analysts in docs/read-models.md).
 * Fact rows, not totals: a report over any window is a GROUP BY over them, and a late event
 * only adds a row. Times are epoch milliseconds of event time; `month` is its UTC `YYYY-MM`.
 *
 * Customer ids are canonical: an anonymous customer merged into a named one (SPEC §1.2 step 4)
 * has its rows re-pointed to the named customer, so every table counts them as one.
 */

import type { CustomerColumn } from '../canonical-customers';

/** One row per survey answer. */
export interface SurveyAnswersTable {
  position: number;
  customer_id: string;
  survey: 'nps' | 'csat' | 'ces';
  score: number;
  time: number;
  month: string;
  channel: string | null;
  team: string | null;
  case_id: string | null;
}

/** One row per order id: its first completion (time, then position) wins, so a re-sent order counts once. */
export interface OrdersTable {
  order_id: string;
  customer_id: string;
  amount_minor: number;
  currency: string;
  channel: string;
  time: number;
  month: string;
  position: number;
}

/** One row per referral, by the referring customer (the referred person is personal data: left out). */
export interface ReferralsTable {
  position: number;
  customer_id: string;
  channel: string | null;
  time: number;
}

/** One row per profile update that named a segment; the segment at T is the latest with `time < T`. */
export interface CustomerSegmentsTable {
  position: number;
  customer_id: string;
  segment: string;
  time: number;
}

/** One row per case event: the input the case facts are folded from. */
export interface LoyaltyCaseEventsTable {
  position: number;
  case_id: string;
  customer_id: string;
  kind: 'opened' | 'handoff_requested' | 'handoff_accepted' | 'resolved' | 'reopened';
  time: number;
  /** opened: its channel. */
  channel: string | null;
  /** opened: first owner; accepted: the accepting team; resolved: the resolving event's team. */
  team: string | null;
  /** handoff_requested: the team asked. */
  to_team: string | null;
}

/**
 * A case as it stood from its events with `time < T`, for every T in `(since, until]`
 * (`until` null: every later T). One row per change, so "the case at `to`" is
 * `since < :to AND (until IS NULL OR until >= :to)`: exact for any `to`, also before
 * the case's last event (a case reopened after `to` is still resolved at `to`).
 */
export interface LoyaltyCaseFactsTable {
  case_id: string;
  since: number;
  until: number | null;
  /** The customer of the opening, else of the case's first event. */
  customer_id: string;
  /** The channel it was opened on; null while it was never opened (an orphan). */
  channel: string | null;
  opened_at: number | null;
  /** The team owning it when opened. */
  open_team: string | null;
  /** Ownership changes between teams: accepted requests and takeovers (a claim is not one). */
  handoffs: number;
  /** Reopenings of a resolved case. */
  reopens: number;
  last_resolved_at: number | null;
  /** The owner at that resolution, else the resolving event's team. */
  resolved_team: string | null;
  /** 1 when resolved and not reopened since, else 0 (an integer on both databases). */
  resolved: number;
}

/** Which customer an id stands for now, after merges (the loyalty projection's own copy). */
export interface LoyaltyAliasesTable {
  alias_id: string;
  customer_id: string;
}

/**
 * One row per event that feeds the lifecycle stage (purchase completions, re-sent ones too;
 * NPS answers; churns; referrals; case openings, resolutions and reopenings). The churn block
 * needs the stage "from the events before" `from` and `to`; `customer_stages` counts events at
 * exactly T, so the report uses these rows to find the few customers with an event at exactly
 * `from` or `to` and works their stage out from their state instead.
 */
export interface LoyaltyStageMomentsTable {
  position: number;
  customer_id: string;
  time: number;
}

/**
 * One row per customer with an order of its own (a row of `orders`): the time of its earliest.
 * The churn block counts a customer at `from` only when it bought before `from`; read here, that
 * is one range of customers, not a look-up of each customer's orders.
 */
export interface LoyaltyFirstOrdersTable {
  customer_id: string;
  first_at: number;
}

export interface LoyaltyTables {
  survey_answers: SurveyAnswersTable;
  orders: OrdersTable;
  referrals: ReferralsTable;
  customer_segments: CustomerSegmentsTable;
  loyalty_case_events: LoyaltyCaseEventsTable;
  loyalty_case_facts: LoyaltyCaseFactsTable;
  loyalty_aliases: LoyaltyAliasesTable;
  loyalty_stage_moments: LoyaltyStageMomentsTable;
  loyalty_first_orders: LoyaltyFirstOrdersTable;
}

export const LOYALTY_TABLES = [
  'survey_answers',
  'orders',
  'referrals',
  'customer_segments',
  'loyalty_case_events',
  'loyalty_case_facts',
  'loyalty_aliases',
  'loyalty_stage_moments',
  'loyalty_first_orders',
] as const;

/**
 * Every table but the aliases keys its rows by customer: a merge re-points them (the aliases are
 * written apart, and each customer's first order is worked out again from its orders).
 */
export const LOYALTY_CUSTOMER_COLUMNS: readonly CustomerColumn[] = LOYALTY_TABLES.filter(
  (table) => table !== 'loyalty_aliases' && table !== 'loyalty_first_orders',
).map((table) => [table, 'customer_id'] as const);

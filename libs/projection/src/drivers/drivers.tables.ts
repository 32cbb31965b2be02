/**
 * The drivers projection's tables (SPEC §2.5; documented for analysts in docs/read-models.md).
 * Times are epoch milliseconds of event time. Customer ids are canonical: an anonymous
 * customer merged into a named one has its rows re-pointed, so its history counts as the
 * named customer's. Flags are integers 0/1 on both databases, so `SUM(flag)` counts and
 * `SUM(flag * points)` adds up an outcome.
 */

import type { CustomerColumn } from '../canonical-customers';

/**
 * One row per NPS or CSAT answer, with the attributes of SPEC §2.5 over (time − 90 days,
 * time] that come from cases and contacts (`followedUpAlert` is read from the alerts at query
 * time). A late case or contact event rewrites the flags of the customer's later answers.
 */
export interface DriverAnswersTable {
  position: number;
  customer_id: string;
  survey: 'nps' | 'csat';
  score: number;
  time: number;
  /** The answer's worth: NPS +1 promoter, −1 detractor, 0 passive; CSAT 1 satisfied (4-5), else 0. */
  points: number;
  had_case: number;
  had_complaint: number;
  had_handoff: number;
  had_ping_pong: number;
  had_stalled_handoff: number;
  unowned_over_4h: number;
  first_contact_resolution: number;
  slow_resolution: number;
  channel_phone: number;
  channel_email: number;
  channel_chat: number;
  channel_web: number;
  channel_app: number;
  channel_social: number;
  channel_store: number;
  channel_letter: number;
  channel_field_service: number;
  channel_delivery: number;
  channel_other: number;
}

/** One row per contact: an inbound interaction, or a case opening, on `channel`. */
export interface DriverContactsTable {
  position: number;
  customer_id: string;
  channel: string;
  time: number;
}

/** One row per case event, as stored (customer ids as the events carry them): what a case is folded from. */
export interface DriverCaseEventsTable {
  position: number;
  case_id: string;
  customer_id: string;
  type: string;
  time: number;
  team: string | null;
  agent_id: string | null;
  from_team: string | null;
  to_team: string | null;
  channel: string | null;
  category: string | null;
}

/**
 * One row per case, from its fold over all its events. The case's customer at T is
 * `customer_id` when `opened_at <= T`, else `first_customer_id` (an orphan's).
 */
export interface DriverCasesTable {
  case_id: string;
  customer_id: string;
  first_customer_id: string;
  started_at: number;
  opened_at: number | null;
  /** 1 when opened as a complaint. */
  complaint: number;
  /** The last resolution, when the case is resolved now; null while open. */
  ended_at: number | null;
  /**
   * The case as a whole (@cx/views `wholeCase`): its first and last instants, and what a
   * window holding both sees (1 or 0 each); all null while a request is pending or a stretch
   * without owner runs. A window starting after `whole_to` sees an open case dormant.
   */
  whole_from: number | null;
  whole_to: number | null;
  whole_handoff: number | null;
  whole_ping_pong: number | null;
  whole_stalled: number | null;
  /** More than 4 hours without an owner in all. */
  whole_unowned: number | null;
  /** Resolved for good (last resolution not reopened), and whether that was at first contact, and slow. */
  whole_resolved: number | null;
  whole_first_contact: number | null;
  whole_slow: number | null;
}

export type WholeColumn = Extract<keyof DriverCasesTable, `whole_${string}`>;

/** One row per handoff (request or takeover) of a case. A request is pending at T when `requested_at <= T < closed_at` (closed_at null: still pending). */
export interface DriverCaseHandoffsTable {
  case_id: string;
  position: number;
  requested_at: number | null;
  accepted_at: number | null;
  closed_at: number | null;
  ping_pong: number;
}

/** One row per stretch of open time without an owner (`ended_at` null while it runs). */
export interface DriverCaseUnownedTable {
  case_id: string;
  seq: number;
  started_at: number;
  ended_at: number | null;
}

/** One row per resolution that closed a case. */
export interface DriverCaseResolutionsTable {
  case_id: string;
  position: number;
  resolved_at: number;
  reopened_at: number | null;
  /** 1 when the case had no handoff and no reopen before this resolution. */
  first_contact: number;
  /** The opening by then; null when the case was an orphan at this resolution. */
  opened_at: number | null;
}

/** Which customer an id stands for now (the drivers projection's own copy). */
export interface DriverAliasesTable {
  alias_id: string;
  customer_id: string;
}

/** The columns of rows carrying a customer id that a merge re-points. */
export const DRIVER_CUSTOMER_COLUMNS: readonly CustomerColumn[] = [
  ['driver_answers', 'customer_id'],
  ['driver_contacts', 'customer_id'],
  ['driver_cases', 'customer_id'],
  ['driver_cases', 'first_customer_id'],
];

export interface DriversTables {
  driver_answers: DriverAnswersTable;
  driver_contacts: DriverContactsTable;
  driver_case_events: DriverCaseEventsTable;
  driver_cases: DriverCasesTable;
  driver_case_handoffs: DriverCaseHandoffsTable;
  driver_case_unowned: DriverCaseUnownedTable;
  driver_case_resolutions: DriverCaseResolutionsTable;
  driver_aliases: DriverAliasesTable;
}

export const DRIVERS_TABLES = [
  'driver_answers',
  'driver_contacts',
  'driver_case_events',
  'driver_cases',
  'driver_case_handoffs',
  'driver_case_unowned',
  'driver_case_resolutions',
  'driver_aliases',
] as const;

/** The flag columns of `driver_answers`, by attribute (SPEC §2.5 names). */
export const ANSWER_FLAG_COLUMNS = {
  hadCase: 'had_case',
  hadComplaint: 'had_complaint',
  hadHandoff: 'had_handoff',
  hadPingPong: 'had_ping_pong',
  hadStalledHandoff: 'had_stalled_handoff',
  unownedOver4h: 'unowned_over_4h',
  firstContactResolution: 'first_contact_resolution',
  slowResolution: 'slow_resolution',
  'channel:phone': 'channel_phone',
  'channel:email': 'channel_email',
  'channel:chat': 'channel_chat',
  'channel:web': 'channel_web',
  'channel:app': 'channel_app',
  'channel:social': 'channel_social',
  'channel:store': 'channel_store',
  'channel:letter': 'channel_letter',
  'channel:field_service': 'channel_field_service',
  'channel:delivery': 'channel_delivery',
  'channel:other': 'channel_other',
} as const satisfies Record<string, keyof DriverAnswersTable>;

export type AnswerFlagColumn = (typeof ANSWER_FLAG_COLUMNS)[keyof typeof ANSWER_FLAG_COLUMNS];

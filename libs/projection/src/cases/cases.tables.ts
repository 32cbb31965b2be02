/**
 * The cases projection's tables (SPEC §2.3; documented for analysts in docs/read-models.md).
 * Times are epoch milliseconds of event time. Every row of a case is rewritten whenever the
 * case gets an event, so each one says what the case's events say *as of its latest event*.
 * What depends on a later instant (a request being stalled, a case being open at T) is a
 * range query over these rows: see the report queries in @cx/query.
 *
 * Customer ids are the ids the events were stored with; an anonymous customer merged into a
 * named one is mapped at query time through the lifecycle's `customer_aliases`.
 *
 * Flags are `boolean` on PostgreSQL and 0/1 on SQLite: `WHERE ping_pong` works on both.
 */
export interface CasesTable {
  case_id: string;
  /** The customer of the opening; of the first event for an orphan. */
  customer_id: string;
  /** The customer of the case's first event: the case's customer until its opening counts. */
  first_customer_id: string;
  status: 'open' | 'resolved';
  owner_team: string | null;
  owner_agent: string | null;
  pending_team: string | null;
  /** Time of the case's first event (its opening, unless it is an orphan). */
  started_at: number;
  /** Time of the opening that counts; null while the case is an orphan. */
  opened_at: number | null;
  resolved_at: number | null;
  resolved_by: string | null;
  reopen_count: number;
  orphan: boolean | number;
  handoffs: number;
  last_event_at: number;
  /** Highest position among the case's events. */
  last_position: number;
  /** The folded CaseState (JSON): the API answers any `asOf` from it. */
  state: string;
}

/** One row per handoff: a request (accepted or not) or a takeover. */
export interface CaseHandoffsTable {
  case_id: string;
  /** Position of the request, or of the acceptance for a takeover. */
  position: number;
  customer_id: string;
  from_team: string;
  /** The team asked; for a takeover, the team that took the case. */
  to_team: string;
  /** null for a takeover. */
  requested_at: number | null;
  accepted_at: number | null;
  /** The team that accepted; not `to_team` when misrouted. */
  accepted_by: string | null;
  agent_id: string | null;
  /** accepted - requested, to 1 decimal; null unless a request was accepted. */
  minutes_to_accept: number | null;
  /** pending, accepted, superseded or cancelled (the case was resolved while it was pending). */
  outcome: string;
  /**
   * When the request stopped pending: its acceptance, the request that superseded it, or the
   * resolution that cancelled it; null while pending. A takeover: its acceptance. A request
   * is pending at T when `requested_at <= T AND (closed_at IS NULL OR closed_at > T)`.
   */
  closed_at: number | null;
  /** Index aid: the length class of the pending time (see `lengthClass`); null while pending and for takeovers. */
  pending_class: number | null;
  superseded: boolean | number;
  misrouted: boolean | number;
  takeover: boolean | number;
  ping_pong: boolean | number;
}

/** One row per stretch of open time: owned by `team`, or unowned while `team` is null. */
export interface CaseOwnershipTable {
  case_id: string;
  /** 1, 2, … in time order within the case. */
  seq: number;
  customer_id: string;
  team: string | null;
  started_at: number;
  /** null while the stretch is still running. */
  ended_at: number | null;
  /** Index aid: the length class of the stretch (see `lengthClass`); null while running. */
  length_class: number | null;
}

/** One row per resolution that closed the case (repeat resolutions change nothing and have none). */
export interface CaseResolutionsTable {
  case_id: string;
  /** Position of the resolving event. */
  position: number;
  customer_id: string;
  resolved_at: number;
  /** The owner at resolution, else the resolving event's team; null: neither (the report's `unknown`). */
  team: string | null;
  /** When the case was reopened after this resolution; null: still resolved. */
  reopened_at: number | null;
}

/**
 * The smallest c with `length <= 2^c` (0 for 0 and 1 ms). "Running at T" (`start < T AND
 * (end IS NULL OR end >= T)`) is a stabbing query no single B-tree answers without scanning
 * the history before T; but a closed stretch of class c that runs at T started in
 * [T - 2^c, T), so an index on (class, start) answers it with one short range per class,
 * plus the still-running ones (end IS NULL). Whatever the mix of short and long stretches.
 */
export function lengthClass(lengthMs: number): number {
  let c = 0;
  while (2 ** c < lengthMs) c += 1;
  return c;
}

/** Classes up to 2^47 ms (4,000 years): every length two event times can be apart. */
export const LENGTH_CLASSES = 48;

export interface CasesTables {
  cases: CasesTable;
  case_handoffs: CaseHandoffsTable;
  case_ownership: CaseOwnershipTable;
  case_resolutions: CaseResolutionsTable;
}

export const CASES_TABLES = ['cases', 'case_handoffs', 'case_ownership', 'case_resolutions'] as const;

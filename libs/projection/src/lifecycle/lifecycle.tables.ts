/**
 * The lifecycle projection's tables (documented for analysts in docs/read-models.md).
 * Times are epoch milliseconds of event time.
 */
export interface CustomersTable {
  customer_id: string;
  first_seen: number | null;
  last_seen: number | null;
  /** The latest segment any profile update named. */
  segment: string | null;
  purchases: number;
  /** The folded lifecycle state (JSON), from which the API answers any `asOf`. */
  state: string;
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
  customer_stages: CustomerStagesTable;
  customer_aliases: CustomerAliasesTable;
}

export const LIFECYCLE_TABLES = ['customers', 'customer_stages', 'customer_aliases'] as const;

import type { Kysely } from 'kysely';
import type { ProjectionContext } from '../projection';
import { aliasesTable } from '../canonical-customers';
import { createReadIndexes, createTable, type TableSchema } from '../view-store/table-schema';

const SURVEY_ANSWERS: TableSchema = {
  name: 'survey_answers',
  columns: [
    ['position', 'bigint', 'key'],
    ['customer_id', 'text', 'required'],
    ['survey', 'text', 'required'],
    ['score', 'integer', 'required'],
    ['time', 'bigint', 'required'],
    ['month', 'text', 'required'],
    ['channel', 'text'],
    ['team', 'text'],
    ['case_id', 'text'],
  ],
  indexes: [['customer_id']],
  // A window's answers from the index alone, with every column a report groups or counts by:
  // a row read per answer was 14 of the report's 77 ms at 1,000,000 events on SQLite.
  readIndexes: [{ name: 'survey_answers_in_window', columns: ['time', 'survey', 'score', 'channel', 'team', 'customer_id'] }],
};

const ORDERS: TableSchema = {
  name: 'orders',
  columns: [
    ['order_id', 'text', 'key'],
    ['customer_id', 'text', 'required'],
    ['amount_minor', 'bigint', 'required'],
    ['currency', 'text', 'required'],
    ['channel', 'text', 'required'],
    ['time', 'bigint', 'required'],
    ['month', 'text', 'required'],
    ['position', 'bigint', 'required'],
  ],
  // Covers the churn block's buyers before `from` and the cohorts' first months (halves them on
  // SQLite), and a merge's re-pointing of a customer's orders.
  indexes: [['customer_id', 'month', 'time']],
  // A window's orders from the index alone (purchases, revenue, value tiers, the most used
  // currency), not a row read per order: a third less time for those at 300,000 events on SQLite.
  readIndexes: [
    { name: 'orders_in_window', columns: ['time', 'customer_id', 'currency', 'amount_minor', 'channel'] },
    // Value tiers (key drivers): one currency's orders over a year, and the currencies there are, one seek each.
    { name: 'orders_by_currency', columns: ['currency', 'time', 'customer_id', 'amount_minor'] },
  ],
};

const REFERRALS: TableSchema = {
  name: 'referrals',
  columns: [
    ['position', 'bigint', 'key'],
    ['customer_id', 'text', 'required'],
    ['channel', 'text'],
    ['time', 'bigint', 'required'],
  ],
  indexes: [['customer_id']],
  readIndexes: [['time']],
};

const CUSTOMER_SEGMENTS: TableSchema = {
  name: 'customer_segments',
  columns: [
    ['position', 'bigint', 'key'],
    ['customer_id', 'text', 'required'],
    ['segment', 'text', 'required'],
    ['time', 'bigint', 'required'],
  ],
  // The segment at T of a customer is the last entry of its range in this index (segment
  // included, so the look-up made per customer never reads the row).
  indexes: [['customer_id', 'time', 'position', 'segment']],
};

const CASE_EVENTS: TableSchema = {
  name: 'loyalty_case_events',
  columns: [
    ['position', 'bigint', 'key'],
    ['case_id', 'text', 'required'],
    ['customer_id', 'text', 'required'],
    ['kind', 'text', 'required'],
    ['time', 'bigint', 'required'],
    ['channel', 'text'],
    ['team', 'text'],
    ['to_team', 'text'],
  ],
  indexes: [['case_id'], ['customer_id']],
};

const CASE_FACTS: TableSchema = {
  name: 'loyalty_case_facts',
  columns: [
    ['case_id', 'text', 'required'],
    ['since', 'bigint', 'required'],
    ['until', 'bigint'],
    ['customer_id', 'text', 'required'],
    ['channel', 'text'],
    ['opened_at', 'bigint'],
    ['open_team', 'text'],
    ['handoffs', 'integer', 'required'],
    ['reopens', 'integer', 'required'],
    ['last_resolved_at', 'bigint'],
    ['resolved_team', 'text'],
    ['resolved', 'integer', 'required'],
  ],
  primaryKey: ['case_id', 'since'],
  indexes: [['customer_id']],
  // The cases opened, or resolved, in a window as they stood at `to`, from the index alone: each
  // holds the version's span and every column the case block counts or groups by. With an index
  // of the window's column only, a row read per version made the two statements 78 of the
  // loyalty report's work at 1,000,000 events on SQLite (6.6 ms with these).
  readIndexes: [
    { name: 'loyalty_cases_opened', columns: ['opened_at', 'since', 'until', 'channel', 'open_team', 'customer_id'] },
    {
      name: 'loyalty_cases_resolved',
      columns: [
        'last_resolved_at',
        'since',
        'until',
        'resolved',
        'handoffs',
        'reopens',
        'opened_at',
        'channel',
        'resolved_team',
        'customer_id',
      ],
    },
  ],
};

const ALIASES = aliasesTable('loyalty_aliases');

const STAGE_MOMENTS: TableSchema = {
  name: 'loyalty_stage_moments',
  columns: [
    ['position', 'bigint', 'key'],
    ['customer_id', 'text', 'required'],
    ['time', 'bigint', 'required'],
  ],
  indexes: [['customer_id']],
  readIndexes: [['time', 'customer_id']],
};

const FIRST_ORDERS: TableSchema = {
  name: 'loyalty_first_orders',
  columns: [
    ['customer_id', 'text', 'key'],
    ['first_at', 'bigint', 'required'],
  ],
  // The churn block probes it once per customer at the window's start: on SQLite one descent of
  // the table's own b-tree (half the time of a probe of the customer's orders at 1,000,000 events).
  clustered: true,
  // On PostgreSQL the churn block's buyers before `from`: one range of the index.
  readIndexes: [['first_at', 'customer_id']],
};

const TABLES = [SURVEY_ANSWERS, ORDERS, REFERRALS, CUSTOMER_SEGMENTS, CASE_EVENTS, CASE_FACTS, ALIASES, STAGE_MOMENTS, FIRST_ORDERS];

/**
 * Indexes serve the projection: the customer for merges (re-pointing rows) and per-customer
 * questions, the case for refolding; read indexes serve the report's filters (event time for
 * the window).
 */
export async function createLoyaltyTables(db: Kysely<any>, { unique, readIndexes, dialect }: ProjectionContext): Promise<void> {
  for (const table of TABLES) await createTable(db, table, { unique, readIndexes, dialect });
}

export async function createLoyaltyReadIndexes(db: Kysely<any>, context: ProjectionContext): Promise<void> {
  for (const table of TABLES) await createReadIndexes(db, table, context);
}

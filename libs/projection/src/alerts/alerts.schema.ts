import type { Kysely } from 'kysely';
import type { ProjectionContext } from '../projection';
import { aliasesTable } from '../canonical-customers';
import { CLOSED_LOOP_COLUMNS } from './alert-rows';
import { createReadIndexes, createTable, type TableSchema } from '../view-store/table-schema';
import type { AlertsTables } from './alerts.tables';

const ALERTS: TableSchema = {
  name: 'alerts',
  columns: [
    ['alert_id', 'text', 'key'],
    ['signal', 'text', 'required'],
    ['subject', 'text', 'required'],
    ['customer_id', 'text', 'required'],
    ['case_id', 'text'],
    ['raised_at', 'bigint', 'required'],
    ['raised_by', 'bigint'],
    ['team', 'text'],
    ['survey', 'text'],
    ['score', 'integer'],
    ['handoff_position', 'bigint'],
    ['from_team', 'text'],
    ['to_team', 'text'],
    ['requested_at', 'bigint'],
    ['followed_up_at', 'bigint'],
    ['follow_up_position', 'bigint'],
    ['follow_up_team', 'text'],
  ],
  indexes: [
    { name: 'alerts_by_raised_at', columns: ['raised_at', 'alert_id'] },
    { name: 'alerts_by_customer', columns: ['customer_id', 'raised_at'] },
    { name: 'alerts_by_case', columns: ['case_id', 'raised_at'] },
    { name: 'alerts_by_signal', columns: ['signal', 'raised_at'] },
    // Key drivers join alerts to answers by customer and follow-up time.
    { name: 'alerts_by_follow_up', columns: ['customer_id', 'followed_up_at'] },
  ],
  readIndexes: [
    // The churn outcome of key drivers: the follow-ups of a window, from the index alone, not every alert ever raised.
    { name: 'alerts_by_followed_up_at', columns: ['followed_up_at', 'signal', 'raised_at', 'customer_id'] },
    // The closed-loop report: the window's alerts, what it reads of them, from the index alone (not a row looked up per alert).
    { name: 'alerts_closed_loop', columns: CLOSED_LOOP_COLUMNS },
  ],
};

const CUSTOMER_FACTS: TableSchema = {
  name: 'alert_customer_facts',
  columns: [
    ['customer_id', 'text', 'required'],
    ['origin_id', 'text', 'required'],
    ['time', 'bigint', 'required'],
    ['position', 'bigint', 'required'],
    ['kind', 'text', 'required'],
    ['score', 'integer'],
    ['team', 'text'],
    ['case_id', 'text'],
    ['case_type', 'text'],
    ['category', 'text'],
    ['segment', 'text'],
  ],
  primaryKey: ['customer_id', 'time', 'position'],
  indexes: [
    // The report's "next NPS answer" and "segment at `to`", from the index alone (score and segment in it).
    { name: 'alert_customer_facts_by_kind', columns: ['customer_id', 'kind', 'time', 'position', 'score', 'segment'] },
    // A case's facts of the customer: its open stretches, and its history when the stages are computed again.
    { name: 'alert_customer_facts_by_case', columns: ['customer_id', 'case_id', 'time', 'position'] },
  ],
};

const CASE_EVENTS: TableSchema = {
  name: 'alert_case_events',
  columns: [
    ['case_id', 'text', 'required'],
    ['time', 'bigint', 'required'],
    ['position', 'bigint', 'required'],
    ['fact', 'text', 'required'],
  ],
  primaryKey: ['case_id', 'time', 'position'],
};

const CUSTOMER_STAGES: TableSchema = {
  name: 'alert_customer_stages',
  columns: [
    ['customer_id', 'text', 'required'],
    ['since', 'bigint', 'required'],
    ['stage', 'text', 'required'],
  ],
  primaryKey: ['customer_id', 'since'],
  // The closed-loop report's "churned just before `to`" per detractor, from the index alone.
  readIndexes: [{ name: 'alert_customer_stages_at', columns: ['customer_id', 'since', 'stage'] }],
};

const CASE_STRETCHES: TableSchema = {
  name: 'alert_case_stretches',
  columns: [
    ['customer_id', 'text', 'required'],
    ['case_id', 'text', 'required'],
    ['since', 'bigint', 'required'],
    ['until', 'bigint'],
  ],
  primaryKey: ['customer_id', 'case_id', 'since'],
  // "Open at T" needs the stretches that end after T (or run still): few, whatever the history.
  indexes: [{ name: 'alert_case_stretches_by_until', columns: ['customer_id', 'until', 'since'] }],
};

const CUSTOMER_ALIASES = aliasesTable('alert_customer_aliases', { index: 'alert_customer_aliases_by_customer' });

const PENDING: TableSchema = { name: 'alert_pending', columns: [['entity', 'text', 'key']] };

const TABLES = [ALERTS, CUSTOMER_FACTS, CASE_EVENTS, CUSTOMER_STAGES, CASE_STRETCHES, CUSTOMER_ALIASES, PENDING];

/** The tables and the indexes their reads go through: every read is a seek by customer, case or time. */
export async function createAlertsTables(db: Kysely<AlertsTables>, { unique, readIndexes }: ProjectionContext): Promise<void> {
  for (const table of TABLES) await createTable(db, table, { unique, readIndexes });
}

export async function createAlertsReadIndexes(db: Kysely<AlertsTables>, context: ProjectionContext): Promise<void> {
  for (const table of TABLES) await createReadIndexes(db, table, context);
}

import type { Kysely } from 'kysely';
import type { ProjectionContext } from '../projection';
import { aliasesTable } from '../canonical-customers';
import { createReadIndexes, createTable, type TableSchema } from '../view-store/table-schema';
import { ANSWER_FLAG_COLUMNS, type DriversTables, type WholeColumn } from './drivers.tables';

/** Answers: the report scans one survey over a window; the projection rewrites one customer's later answers. */
const ANSWERS: TableSchema = {
  name: 'driver_answers',
  columns: [
    ['position', 'bigint', 'key'],
    ['customer_id', 'text', 'required'],
    ['survey', 'text', 'required'],
    ['score', 'integer', 'required'],
    ['time', 'bigint', 'required'],
    ['points', 'integer', 'required'],
    ...Object.values(ANSWER_FLAG_COLUMNS).map((column) => [column, 'integer', 'required'] as const),
  ],
  indexes: [['customer_id', 'time']],
  readIndexes: [['survey', 'time']],
};

/**
 * Contacts: one customer's over a period (the projection), everyone's over a window (churn). The
 * churn outcome seeks each customer at the window's start: (customer_id, time, channel) answers
 * those seeks from the index alone, where (customer_id, time) read each contact's row for its
 * channel (the contacts' third of churn's 181 ms at 1,000,000 events on SQLite: 68 → 37 ms).
 */
const CONTACTS: TableSchema = {
  name: 'driver_contacts',
  columns: [
    ['position', 'bigint', 'key'],
    ['customer_id', 'text', 'required'],
    ['channel', 'text', 'required'],
    ['time', 'bigint', 'required'],
  ],
  indexes: [['customer_id', 'time']],
  readIndexes: [
    ['time', 'customer_id', 'channel'],
    ['customer_id', 'time', 'channel'],
  ],
};

const CASE_EVENTS: TableSchema = {
  name: 'driver_case_events',
  columns: [
    ['position', 'bigint', 'key'],
    ['case_id', 'text', 'required'],
    ['customer_id', 'text', 'required'],
    ['type', 'text', 'required'],
    ['time', 'bigint', 'required'],
    ['team', 'text'],
    ['agent_id', 'text'],
    ['from_team', 'text'],
    ['to_team', 'text'],
    ['channel', 'text'],
    ['category', 'text'],
  ],
  indexes: [['case_id']],
};

/** The whole case's columns (DriverCasesTable), null while something runs. */
const WHOLE_COLUMNS: ReadonlyArray<[WholeColumn, 'bigint' | 'integer']> = [
  ['whole_from', 'bigint'],
  ['whole_to', 'bigint'],
  ['whole_handoff', 'integer'],
  ['whole_ping_pong', 'integer'],
  ['whole_stalled', 'integer'],
  ['whole_unowned', 'integer'],
  ['whole_resolved', 'integer'],
  ['whole_first_contact', 'integer'],
  ['whole_slow', 'integer'],
];

const CASES: TableSchema = {
  name: 'driver_cases',
  columns: [
    ['case_id', 'text', 'key'],
    ['customer_id', 'text', 'required'],
    ['first_customer_id', 'text', 'required'],
    ['started_at', 'bigint', 'required'],
    ['opened_at', 'bigint'],
    ['complaint', 'integer', 'required'],
    ['ended_at', 'bigint'],
    ...WHOLE_COLUMNS,
  ],
  indexes: [
    // An answer's period holds the cases still open or ended after it began: few, whatever the customer's history.
    ['customer_id', 'ended_at'],
    ['first_customer_id', 'ended_at'],
  ],
  readIndexes: [
    ['customer_id', 'started_at'],
    ['first_customer_id', 'started_at'],
    // The churn outcome's cases: open ones and those ended since the window's start, read from the index alone, whole ones with what the window sees.
    {
      name: 'driver_cases_in_window',
      columns: [
        'ended_at',
        'started_at',
        'case_id',
        'customer_id',
        'first_customer_id',
        'opened_at',
        'complaint',
        ...WHOLE_COLUMNS.map(([column]) => column),
      ],
    },
  ],
};

const CASE_HANDOFFS: TableSchema = {
  name: 'driver_case_handoffs',
  columns: [
    ['case_id', 'text', 'required'],
    ['position', 'bigint', 'required'],
    ['requested_at', 'bigint'],
    ['accepted_at', 'bigint'],
    ['closed_at', 'bigint'],
    ['ping_pong', 'integer', 'required'],
  ],
  primaryKey: ['case_id', 'position'],
  readIndexes: [
    ['accepted_at'],
    // A request stalled in a window was still pending after its start: a range of closed_at (and the pending ones), not all history.
    ['closed_at', 'requested_at', 'case_id'],
  ],
};

const CASE_UNOWNED: TableSchema = {
  name: 'driver_case_unowned',
  columns: [
    ['case_id', 'text', 'required'],
    ['seq', 'integer', 'required'],
    ['started_at', 'bigint', 'required'],
    ['ended_at', 'bigint'],
  ],
  primaryKey: ['case_id', 'seq'],
  // A stretch overlapping a window ended after its start (or runs still): a range of ended_at, not all history.
  readIndexes: [['ended_at', 'started_at', 'case_id']],
};

const CASE_RESOLUTIONS: TableSchema = {
  name: 'driver_case_resolutions',
  columns: [
    ['case_id', 'text', 'required'],
    ['position', 'bigint', 'required'],
    ['resolved_at', 'bigint', 'required'],
    ['reopened_at', 'bigint'],
    ['first_contact', 'integer', 'required'],
    ['opened_at', 'bigint'],
  ],
  primaryKey: ['case_id', 'position'],
  readIndexes: [['resolved_at']],
};

const ALIASES = aliasesTable('driver_aliases');

const TABLES = [ANSWERS, CONTACTS, CASE_EVENTS, CASES, CASE_HANDOFFS, CASE_UNOWNED, CASE_RESOLUTIONS, ALIASES];

export async function createDriversTables(db: Kysely<DriversTables>, { unique, readIndexes }: ProjectionContext): Promise<void> {
  for (const table of TABLES) await createTable(db, table, { unique, readIndexes });
}

export async function createDriversReadIndexes(db: Kysely<DriversTables>, context: ProjectionContext): Promise<void> {
  for (const table of TABLES) await createReadIndexes(db, table, context);
}

import type { Kysely } from 'kysely';
import type { ProjectionContext } from '../projection';
import { ANSWER_FLAG_COLUMNS, type DriversTables } from './drivers.tables';

type Unique = ProjectionContext['unique'];
type Db = Kysely<DriversTables>;

/** An index named after its columns, unless a `name` is given (PostgreSQL keeps 63 bytes of a name). */
async function index(db: Db, unique: Unique, table: keyof DriversTables, columns: string[], name?: string): Promise<void> {
  await db.schema
    .createIndex(unique(name ?? `${table}_by_${columns.join('_')}`))
    .on(table)
    .columns(columns)
    .execute();
}

/** Answers: the report scans one survey over a window; the projection rewrites one customer's later answers. */
async function createAnswers(db: Db, unique: Unique): Promise<void> {
  let table = db.schema
    .createTable('driver_answers')
    .addColumn('position', 'bigint', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('survey', 'text', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('time', 'bigint', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull());
  for (const column of Object.values(ANSWER_FLAG_COLUMNS)) table = table.addColumn(column, 'integer', (c) => c.notNull());
  await table.execute();
  await index(db, unique, 'driver_answers', ['survey', 'time']);
  await index(db, unique, 'driver_answers', ['customer_id', 'time']);
}

/** Contacts: one customer's over a period (the projection), everyone's over a window (churn). */
async function createContacts(db: Db, unique: Unique): Promise<void> {
  await db.schema
    .createTable('driver_contacts')
    .addColumn('position', 'bigint', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('time', 'bigint', (c) => c.notNull())
    .execute();
  await index(db, unique, 'driver_contacts', ['customer_id', 'time']);
  await index(db, unique, 'driver_contacts', ['time', 'customer_id', 'channel']);
}

async function createCases(db: Db, unique: Unique): Promise<void> {
  await db.schema
    .createTable('driver_case_events')
    .addColumn('position', 'bigint', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('time', 'bigint', (c) => c.notNull())
    .addColumn('team', 'text')
    .addColumn('agent_id', 'text')
    .addColumn('from_team', 'text')
    .addColumn('to_team', 'text')
    .addColumn('channel', 'text')
    .addColumn('category', 'text')
    .execute();
  await index(db, unique, 'driver_case_events', ['case_id']);
  await db.schema
    .createTable('driver_cases')
    .addColumn('case_id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('first_customer_id', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('opened_at', 'bigint')
    .addColumn('complaint', 'integer', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .execute();
  await index(db, unique, 'driver_cases', ['customer_id', 'started_at']);
  await index(db, unique, 'driver_cases', ['first_customer_id', 'started_at']);
  // An answer's period holds the cases still open or ended after it began: few, whatever the customer's history.
  await index(db, unique, 'driver_cases', ['customer_id', 'ended_at']);
  await index(db, unique, 'driver_cases', ['first_customer_id', 'ended_at']);
  // The churn outcome's cases: open ones and those ended since the window's start, read from the index alone.
  const columns = ['ended_at', 'started_at', 'case_id', 'customer_id', 'first_customer_id', 'opened_at', 'complaint'];
  await index(db, unique, 'driver_cases', columns, 'driver_cases_in_window');
}

async function createCaseFacts(db: Db, unique: Unique): Promise<void> {
  await db.schema
    .createTable('driver_case_handoffs')
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('position', 'bigint', (c) => c.notNull())
    .addColumn('requested_at', 'bigint')
    .addColumn('accepted_at', 'bigint')
    .addColumn('closed_at', 'bigint')
    .addColumn('ping_pong', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint(unique('driver_case_handoffs_pk'), ['case_id', 'position'])
    .execute();
  await index(db, unique, 'driver_case_handoffs', ['accepted_at']);
  // A request stalled in a window was still pending after its start: a range of closed_at (and the pending ones), not all history.
  await index(db, unique, 'driver_case_handoffs', ['closed_at', 'requested_at', 'case_id']);
  await db.schema
    .createTable('driver_case_unowned')
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .addPrimaryKeyConstraint(unique('driver_case_unowned_pk'), ['case_id', 'seq'])
    .execute();
  // A stretch overlapping a window ended after its start (or runs still): a range of ended_at, not all history.
  await index(db, unique, 'driver_case_unowned', ['ended_at', 'started_at', 'case_id']);
  await db.schema
    .createTable('driver_case_resolutions')
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('position', 'bigint', (c) => c.notNull())
    .addColumn('resolved_at', 'bigint', (c) => c.notNull())
    .addColumn('reopened_at', 'bigint')
    .addColumn('first_contact', 'integer', (c) => c.notNull())
    .addColumn('opened_at', 'bigint')
    .addPrimaryKeyConstraint(unique('driver_case_resolutions_pk'), ['case_id', 'position'])
    .execute();
  await index(db, unique, 'driver_case_resolutions', ['resolved_at']);
}

export async function createDriversTables(db: Db, { unique }: ProjectionContext): Promise<void> {
  await createAnswers(db, unique);
  await createContacts(db, unique);
  await createCases(db, unique);
  await createCaseFacts(db, unique);
  await db.schema
    .createTable('driver_aliases')
    .addColumn('alias_id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .execute();
  await index(db, unique, 'driver_aliases', ['customer_id']);
}

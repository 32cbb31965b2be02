import type { Kysely } from 'kysely';
import type { ProjectionContext } from '../projection';
import type { AlertsTables } from './alerts.tables';

/** The tables and the indexes their reads go through: every read is a seek by customer, case or time. */
export async function createAlertsTables(db: Kysely<AlertsTables>, { unique }: ProjectionContext): Promise<void> {
  await db.schema
    .createTable('alerts')
    .addColumn('alert_id', 'text', (c) => c.primaryKey())
    .addColumn('signal', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text')
    .addColumn('raised_at', 'bigint', (c) => c.notNull())
    .addColumn('raised_by', 'bigint')
    .addColumn('team', 'text')
    .addColumn('survey', 'text')
    .addColumn('score', 'integer')
    .addColumn('handoff_position', 'bigint')
    .addColumn('from_team', 'text')
    .addColumn('to_team', 'text')
    .addColumn('requested_at', 'bigint')
    .addColumn('followed_up_at', 'bigint')
    .addColumn('follow_up_position', 'bigint')
    .addColumn('follow_up_team', 'text')
    .execute();
  await db.schema.createIndex(unique('alerts_by_raised_at')).on('alerts').columns(['raised_at', 'alert_id']).execute();
  await db.schema.createIndex(unique('alerts_by_customer')).on('alerts').columns(['customer_id', 'raised_at']).execute();
  await db.schema.createIndex(unique('alerts_by_case')).on('alerts').columns(['case_id', 'raised_at']).execute();
  await db.schema.createIndex(unique('alerts_by_signal')).on('alerts').columns(['signal', 'raised_at']).execute();
  // Key drivers join alerts to answers by customer and follow-up time.
  await db.schema.createIndex(unique('alerts_by_follow_up')).on('alerts').columns(['customer_id', 'followed_up_at']).execute();
  await db.schema
    .createTable('alert_customer_facts')
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('origin_id', 'text', (c) => c.notNull())
    .addColumn('time', 'bigint', (c) => c.notNull())
    .addColumn('position', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('score', 'integer')
    .addColumn('team', 'text')
    .addColumn('case_id', 'text')
    .addColumn('case_type', 'text')
    .addColumn('category', 'text')
    .addColumn('segment', 'text')
    .addPrimaryKeyConstraint(unique('alert_customer_facts_pk'), ['customer_id', 'time', 'position'])
    .execute();
  // The report's "next NPS answer" and "segment at `to`".
  await db.schema
    .createIndex(unique('alert_customer_facts_by_kind'))
    .on('alert_customer_facts')
    .columns(['customer_id', 'kind', 'time', 'position'])
    .execute();
  // A case's facts of the customer: its open stretches, and its history when the stages are computed again.
  await db.schema
    .createIndex(unique('alert_customer_facts_by_case'))
    .on('alert_customer_facts')
    .columns(['customer_id', 'case_id', 'time', 'position'])
    .execute();
  await db.schema
    .createTable('alert_case_events')
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('time', 'bigint', (c) => c.notNull())
    .addColumn('position', 'bigint', (c) => c.notNull())
    .addColumn('fact', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint(unique('alert_case_events_pk'), ['case_id', 'time', 'position'])
    .execute();
  await db.schema
    .createTable('alert_customer_stages')
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('since', 'bigint', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint(unique('alert_customer_stages_pk'), ['customer_id', 'since'])
    .execute();
  await db.schema
    .createTable('alert_case_stretches')
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('since', 'bigint', (c) => c.notNull())
    .addColumn('until', 'bigint')
    .addPrimaryKeyConstraint(unique('alert_case_stretches_pk'), ['customer_id', 'case_id', 'since'])
    .execute();
  // "Open at T" needs the stretches that end after T (or run still): few, whatever the history.
  await db.schema
    .createIndex(unique('alert_case_stretches_by_until'))
    .on('alert_case_stretches')
    .columns(['customer_id', 'until', 'since'])
    .execute();
  await db.schema
    .createTable('alert_customer_aliases')
    .addColumn('alias_id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex(unique('alert_customer_aliases_by_customer')).on('alert_customer_aliases').column('customer_id').execute();
  await db.schema
    .createTable('alert_pending')
    .addColumn('entity', 'text', (c) => c.primaryKey())
    .execute();
}

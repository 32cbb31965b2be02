import type { Kysely } from 'kysely';
import type { ProjectionContext } from '../projection';
import type { LifecycleTables } from './lifecycle.tables';

type Unique = ProjectionContext['unique'];

/** Each index serves one question; see docs/read-models.md. */
async function index(
  db: Kysely<LifecycleTables>,
  unique: Unique,
  table: keyof LifecycleTables,
  columns: string[],
  name = `${table}_by_${columns.join('_')}`,
): Promise<void> {
  await db.schema.createIndex(unique(name)).on(table).columns(columns).execute();
}

async function createCustomerFacts(db: Kysely<LifecycleTables>, unique: Unique): Promise<void> {
  await db.schema
    .createTable('customer_facts')
    .addColumn('position', 'bigint', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('time', 'bigint', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('stream_id', 'text', (c) => c.notNull())
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .addColumn('channel', 'text')
    .addColumn('amount_minor', 'bigint')
    .addColumn('currency', 'text')
    .addColumn('score', 'integer')
    .addColumn('case_id', 'text')
    .addColumn('case_change', 'text')
    .addColumn('category', 'text')
    .addColumn('segment', 'text')
    .execute();
  // The timeline pages over the first; the rules seek the latest fact of a kind before T with
  // the second, which also carries what the customer view sums per kind up to T (interactions by
  // channel, revenue by currency), so those sums read the index alone, not a table row per fact;
  // a case's facts of the customer come from the third.
  await index(db, unique, 'customer_facts', ['customer_id', 'time', 'position']);
  await index(
    db,
    unique,
    'customer_facts',
    ['customer_id', 'kind', 'time', 'position', 'channel', 'currency', 'amount_minor'],
    'customer_facts_by_kind',
  );
  await index(db, unique, 'customer_facts', ['customer_id', 'case_id', 'time', 'position']);
}

async function createCaseStretches(db: Kysely<LifecycleTables>, unique: Unique): Promise<void> {
  await db.schema
    .createTable('customer_case_stretches')
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('since', 'bigint', (c) => c.notNull())
    .addColumn('until', 'bigint')
    .addPrimaryKeyConstraint(unique('customer_case_stretches_pk'), ['customer_id', 'case_id', 'since'])
    .execute();
  // "Open at T" needs the stretches that end after T (or run still): few, whatever the history.
  await index(db, unique, 'customer_case_stretches', ['customer_id', 'until', 'since']);
}

export async function createLifecycleTables(db: Kysely<LifecycleTables>, { unique }: ProjectionContext): Promise<void> {
  await db.schema
    .createTable('customers')
    .addColumn('customer_id', 'text', (c) => c.primaryKey())
    .addColumn('first_seen', 'bigint')
    .addColumn('last_seen', 'bigint')
    .addColumn('segment', 'text')
    .addColumn('purchases', 'integer', (c) => c.notNull())
    .execute();
  await createCustomerFacts(db, unique);
  await createCaseStretches(db, unique);
  await db.schema
    .createTable('customer_stages')
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('since', 'bigint', (c) => c.notNull())
    .addColumn('until', 'bigint')
    .addPrimaryKeyConstraint(unique('customer_stages_pk'), ['customer_id', 'since'])
    .execute();
  await db.schema.createIndex(unique('customer_stages_by_since')).on('customer_stages').columns(['since', 'until', 'stage']).execute();
  // Who is in which stage at T (the lifecycle report): the intervals not ended by T, read from the index alone.
  await db.schema
    .createIndex(unique('customer_stages_by_until'))
    .on('customer_stages')
    .columns(['until', 'since', 'stage', 'customer_id'])
    .execute();
  // Who is in one of some stages at T (churn's customers at start): per stage, its running intervals and those ended after T.
  await db.schema
    .createIndex(unique('customer_stages_by_stage'))
    .on('customer_stages')
    .columns(['stage', 'until', 'since', 'customer_id'])
    .execute();
  await db.schema
    .createTable('customer_aliases')
    .addColumn('alias_id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('merged_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex(unique('customer_aliases_by_customer')).on('customer_aliases').column('customer_id').execute();
}

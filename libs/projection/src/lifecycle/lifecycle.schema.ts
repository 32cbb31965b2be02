import type { Kysely } from 'kysely';
import type { ProjectionContext } from '../projection';
import { aliasesTable } from '../canonical-customers';
import { createReadIndexes, createTable, type TableSchema } from '../view-store/table-schema';
import type { LifecycleTables } from './lifecycle.tables';

const CUSTOMERS: TableSchema = {
  name: 'customers',
  columns: [
    ['customer_id', 'text', 'key'],
    ['first_seen', 'bigint'],
    ['last_seen', 'bigint'],
    ['segment', 'text'],
    ['purchases', 'integer', 'required'],
  ],
};

const CUSTOMER_FACTS: TableSchema = {
  name: 'customer_facts',
  columns: [
    ['position', 'bigint', 'key'],
    ['customer_id', 'text', 'required'],
    ['time', 'bigint', 'required'],
    ['type', 'text', 'required'],
    ['kind', 'text', 'required'],
    ['stream_id', 'text', 'required'],
    ['revision', 'bigint', 'required'],
    ['channel', 'text'],
    ['amount_minor', 'bigint'],
    ['currency', 'text'],
    ['score', 'integer'],
    ['case_id', 'text'],
    ['case_change', 'text'],
    ['category', 'text'],
    ['segment', 'text'],
  ],
  // The rules seek the latest fact of a kind before T with the first, which also carries what
  // the customer view sums per kind up to T (interactions by channel, revenue by currency), so
  // those sums read the index alone, not a table row per fact; a case's facts of the customer
  // come from the second. The timeline pages over the read index.
  indexes: [
    { name: 'customer_facts_by_kind', columns: ['customer_id', 'kind', 'time', 'position', 'channel', 'currency', 'amount_minor'] },
    ['customer_id', 'case_id', 'time', 'position'],
  ],
  readIndexes: [['customer_id', 'time', 'position']],
};

const CASE_STRETCHES: TableSchema = {
  name: 'customer_case_stretches',
  columns: [
    ['customer_id', 'text', 'required'],
    ['case_id', 'text', 'required'],
    ['since', 'bigint', 'required'],
    ['until', 'bigint'],
  ],
  primaryKey: ['customer_id', 'case_id', 'since'],
  // "Open at T" needs the stretches that end after T (or run still): few, whatever the history.
  indexes: [['customer_id', 'until', 'since']],
};

const CUSTOMER_STAGES: TableSchema = {
  name: 'customer_stages',
  columns: [
    ['customer_id', 'text', 'required'],
    ['stage', 'text', 'required'],
    ['since', 'bigint', 'required'],
    ['until', 'bigint'],
  ],
  primaryKey: ['customer_id', 'since'],
  // The projection reads and rewrites a customer's intervals by the key; these serve readers.
  readIndexes: [
    { name: 'customer_stages_by_since', columns: ['since', 'until', 'stage'] },
    // Who is in which stage at T (the lifecycle report): the intervals not ended by T, read from the index alone.
    { name: 'customer_stages_by_until', columns: ['until', 'since', 'stage', 'customer_id'] },
    // Who is in one of some stages at T (churn's customers at start): per stage, its running intervals and those ended after T.
    { name: 'customer_stages_by_stage', columns: ['stage', 'until', 'since', 'customer_id'] },
    // Who entered a stage in a window (churn's customers churned at the end): one range per stage.
    { name: 'customer_stages_entered', columns: ['stage', 'since', 'until', 'customer_id'] },
  ],
};

const CUSTOMER_ALIASES = aliasesTable('customer_aliases', {
  index: 'customer_aliases_by_customer',
  more: [['merged_at', 'bigint', 'required']],
});

const TABLES = [CUSTOMERS, CUSTOMER_FACTS, CASE_STRETCHES, CUSTOMER_STAGES, CUSTOMER_ALIASES];

/** Each index serves one question; see docs/read-models.md. */
export async function createLifecycleTables(db: Kysely<LifecycleTables>, { unique, readIndexes }: ProjectionContext): Promise<void> {
  for (const table of TABLES) await createTable(db, table, { unique, readIndexes });
}

export async function createLifecycleReadIndexes(db: Kysely<LifecycleTables>, context: ProjectionContext): Promise<void> {
  for (const table of TABLES) await createReadIndexes(db, table, context);
}

import { sql, type Kysely, type RawBuilder } from 'kysely';
import { initialCustomerState, type CustomerState } from '@cx/views';
import { inChunks } from '../sql-batches';
import { STAGE_KINDS, stateOfFacts, type StoredFact } from './customer-facts';
import type { FactKind, LifecycleTables } from './lifecycle.tables';

const COLUMNS = sql.raw(
  ['customer_id', 'kind', 'time', 'position', 'channel', 'amount_minor', 'currency', 'score', 'case_id', 'case_change', 'category'].join(
    ', ',
  ),
);
/** Table references the engine points at the generation being written. */
const FACTS = sql.table('customer_facts');
const STRETCHES = sql.table('customer_case_stretches');

/** Queries per UNION ALL statement (SQLite allows 500 members): a batch is a handful of statements, not a few per customer. */
const MEMBERS_PER_STATEMENT = 25;

/**
 * How many of the latest facts of a kind before `from` decide the stage at instants from
 * `from` on: rule 5 counts purchases only up to three, and rules 2 to 4 look at the latest
 * purchase, churn and NPS answer, and whether any referral was made.
 */
const CONTEXT: ReadonlyArray<[FactKind, number]> = [
  ['purchase', 3],
  ['churn', 1],
  ['nps', 1],
  ['referral', 1],
];

/** A customer whose stages are wanted from `from` on. */
export interface StageStart {
  customerId: string;
  from: number;
}

type Row = StoredFact & { customer_id: string };

/**
 * For each customer, its facts that decide its stage at every instant T from `from` on, with
 * only the events up to `upTo` counted: each stage fact in [from, upTo], the few latest of
 * each kind before `from` (see CONTEXT) and every event of the cases open just before `from`
 * or touched from it on. The pure rules give the same stage at any such T from this state as
 * from the whole history (`stageAt`, `stageChangesFrom`), and reading it costs the same
 * whether the customer has 10 or 100,000 earlier events: index seeks, the facts dated from
 * `from` on, and the open cases.
 */
export async function stageFactsFrom(
  db: Kysely<LifecycleTables>,
  starts: readonly StageStart[],
  upTo = Number.MAX_SAFE_INTEGER,
): Promise<Map<string, CustomerState>> {
  const recent = await unionAll<Row>(
    db,
    starts.map(
      ({ customerId, from }) =>
        sql`SELECT ${COLUMNS} FROM ${FACTS} WHERE customer_id = ${customerId} AND kind IN (${sql.join(STAGE_KINDS)}) AND time >= ${from} AND time <= ${upTo}`,
    ),
  );
  const context = await unionAll<Row>(
    db,
    starts.flatMap(({ customerId, from }) =>
      CONTEXT.map(
        ([kind, count]) =>
          sql`SELECT * FROM (SELECT ${COLUMNS} FROM ${FACTS} WHERE customer_id = ${customerId} AND kind = ${kind} AND time < ${from} ORDER BY time DESC, position DESC LIMIT ${count}) latest`,
      ),
    ),
  );
  // The cases open at `from - 1`: their stretch started before it and ends at it or later (or runs still).
  const open = await unionAll<{ customer_id: string; case_id: string }>(
    db,
    starts.map(
      ({ customerId, from }) =>
        sql`SELECT customer_id, case_id FROM ${STRETCHES} WHERE customer_id = ${customerId} AND since < ${from} AND (until IS NULL OR until >= ${from})`,
    ),
  );
  const froms = new Map(starts.map((start) => [start.customerId, start.from]));
  const cases = new Set([...recent, ...open].flatMap((row) => (row.case_id === null ? [] : [`${row.customer_id}\u0000${row.case_id}`])));
  // Each such case's events before `from`: a case's own history, however long the customer's.
  const history = await unionAll<Row>(
    db,
    [...cases]
      .map((key) => key.split('\u0000'))
      .map(
        ([customerId, caseId]) =>
          sql`SELECT ${COLUMNS} FROM ${FACTS} WHERE customer_id = ${customerId} AND case_id = ${caseId} AND time < ${froms.get(customerId)!}`,
      ),
  );
  const byCustomer = new Map<string, Row[]>(starts.map((start) => [start.customerId, []]));
  for (const row of [...recent, ...context, ...history]) byCustomer.get(row.customer_id)!.push(row);
  return new Map(
    [...byCustomer].map(([customerId, rows]) => [
      customerId,
      rows.length ? stateOfFacts(customerId, rows) : initialCustomerState(customerId),
    ]),
  );
}

/** One customer's stage facts from `from` on (see the batch form). */
export async function customerStageFactsFrom(
  db: Kysely<LifecycleTables>,
  customerId: string,
  from: number,
  upTo?: number,
): Promise<CustomerState> {
  return (await stageFactsFrom(db, [{ customerId, from }], upTo)).get(customerId)!;
}

/**
 * The rows of many small indexed queries in a few statements, one UNION ALL per
 * MEMBERS_PER_STATEMENT (an OR of such terms would have the database scan the table).
 * Plain SQL: the query builder's cost grows with the square of the members.
 */
async function unionAll<R>(db: Kysely<LifecycleTables>, queries: readonly RawBuilder<unknown>[]): Promise<R[]> {
  const rows: R[] = [];
  for (const chunk of inChunks(queries, MEMBERS_PER_STATEMENT))
    rows.push(...(await sql<R>`${sql.join(chunk, sql` UNION ALL `)}`.execute(db)).rows);
  return rows;
}

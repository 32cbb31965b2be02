import { sql, type Kysely, type RawBuilder } from 'kysely';
import { caseOpenStretches, initialCustomerState, type CustomerState } from '@cx/views';
import { deleteForKeys, rowsForKeys, valuesTable, insertAll } from '../sql-batches';
import type { ViewDialect } from '../view-store/view-store.port';
import { caseChangesOf, STAGE_KINDS, stateOfFacts, type StoredFact } from './customer-facts';
import type { FactKind, LifecycleTables } from './lifecycle.tables';
import { known } from '../known';

/**
 * Where a projection keeps what the stage rules read: a table of fact rows by customer
 * (indexed by customer, kind, time and by customer, case), a table of the stretches during
 * which each of a customer's cases is open (indexed by customer, until), and the select list
 * that reads a fact row as a `StoredFact`.
 */
export interface StageFactSource {
  facts: string;
  stretches: string;
  columns: RawBuilder<unknown>;
}

/** The lifecycle projection's own tables (the engine points the names at the generation being written). */
export const LIFECYCLE_STAGE_FACTS: StageFactSource = {
  facts: 'customer_facts',
  stretches: 'customer_case_stretches',
  columns: sql.raw(
    ['customer_id', 'kind', 'time', 'position', 'channel', 'amount_minor', 'currency', 'score', 'case_id', 'case_change', 'category'].join(
      ', ',
    ),
  ),
};

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
  db: Kysely<any>,
  starts: readonly StageStart[],
  upTo = Number.MAX_SAFE_INTEGER,
  source: StageFactSource = LIFECYCLE_STAGE_FACTS,
): Promise<Map<string, CustomerState>> {
  const [FACTS, STRETCHES, COLUMNS] = [sql.table(source.facts), sql.table(source.stretches), source.columns];
  // Each query is one statement per chunk of customers, their starts a VALUES table `s` (column1: customer, column2: from).
  const startsOf = (chunk: readonly StageStart[]) =>
    valuesTable(
      chunk.map(({ customerId, from }) => [customerId, from]),
      ['text', 'bigint'],
      's',
    );
  const recent = await rowsForKeys<StageStart, Row>(
    db,
    starts,
    (chunk) =>
      sql`SELECT ${COLUMNS} FROM (SELECT f.* FROM ${startsOf(chunk)} CROSS JOIN ${FACTS} f WHERE f.customer_id = s.column1 AND f.kind IN (${sql.join(STAGE_KINDS)}) AND f.time >= s.column2 AND f.time <= ${upTo}) t`,
  );
  // The `count` latest of a kind before `from`: those from the time of the count-th latest on (a few more on a tie changes no rule).
  const latest = (chunk: readonly StageStart[], kind: FactKind, count: number) =>
    sql`SELECT ${COLUMNS} FROM (SELECT f.* FROM ${startsOf(chunk)} CROSS JOIN ${FACTS} f WHERE f.customer_id = s.column1 AND f.kind = ${kind} AND f.time < s.column2 AND f.time >= COALESCE((SELECT g.time FROM ${FACTS} g WHERE g.customer_id = s.column1 AND g.kind = ${kind} AND g.time < s.column2 ORDER BY g.time DESC, g.position DESC LIMIT 1 OFFSET ${count - 1}), ${-Number.MAX_SAFE_INTEGER})) t`;
  const context = await rowsForKeys<StageStart, Row>(db, starts, (chunk) =>
    sql.join(
      CONTEXT.map(([kind, count]) => latest(chunk, kind, count)),
      sql` UNION ALL `,
    ),
  );
  // The cases open at `from - 1`: their stretch started before it and runs still or ends at it or later. Two
  // seeks of the (customer, until) index, so closed stretches, however many, are never read.
  const openOf = (chunk: readonly StageStart[], ends: RawBuilder<unknown>) =>
    sql`SELECT st.customer_id, st.case_id FROM ${startsOf(chunk)} CROSS JOIN ${STRETCHES} st WHERE st.customer_id = s.column1 AND ${ends} AND st.since < s.column2`;
  const open = await rowsForKeys<StageStart, { customer_id: string; case_id: string }>(
    db,
    starts,
    (chunk) => sql`${openOf(chunk, sql`st.until IS NULL`)} UNION ALL ${openOf(chunk, sql`st.until >= s.column2`)}`,
  );
  const froms = new Map(starts.map((start) => [start.customerId, start.from]));
  const cases = new Set([...recent, ...open].flatMap((row) => (row.case_id === null ? [] : [`${row.customer_id}\u0000${row.case_id}`])));
  // Each such case's events before `from`: a case's own history, however long the customer's.
  const history = await rowsForKeys<string[], Row>(
    db,
    [...cases].map((key) => key.split('\u0000')),
    (chunk) =>
      sql`SELECT ${COLUMNS} FROM (SELECT f.* FROM ${valuesTable(
        chunk.map(([customerId, caseId]) => [customerId, caseId, known(froms, customerId)]),
        ['text', 'text', 'bigint'],
        'p',
      )} CROSS JOIN ${FACTS} f WHERE f.customer_id = p.column1 AND f.case_id = p.column2 AND f.kind = 'case' AND f.time < p.column3) t`,
  );
  const byCustomer = new Map<string, Row[]>(starts.map((start) => [start.customerId, []]));
  for (const row of [...recent, ...context, ...history]) known(byCustomer, row.customer_id).push(row);
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
  return known(await stageFactsFrom(db, [{ customerId, from }], upTo), customerId);
}

/** One case of one customer. */
export interface CustomerCase {
  customerId: string;
  caseId: string;
}

/** Each pair's open stretches (the `stretches` table), written again from that case's facts of that customer alone. */
export async function restretch(
  db: Kysely<any>,
  pairs: readonly CustomerCase[],
  dialect: ViewDialect,
  source: StageFactSource = LIFECYCLE_STAGE_FACTS,
): Promise<void> {
  if (pairs.length === 0) return;
  const key = (customerId: string, caseId: string) => `${customerId}\u0000${caseId}`;
  const facts = await rowsForKeys<CustomerCase, Row>(
    db,
    pairs,
    (chunk) =>
      sql`SELECT ${source.columns} FROM (SELECT f.* FROM ${valuesTable(
        chunk.map(({ customerId, caseId }) => [customerId, caseId]),
        ['text', 'text'],
        'p',
      )} CROSS JOIN ${sql.table(source.facts)} f WHERE f.customer_id = p.column1 AND f.case_id = p.column2 AND f.kind = 'case') t`,
  );
  const byPair = new Map<string, Row[]>();
  for (const row of facts) {
    if (row.case_id === null) continue;
    const list = byPair.get(key(row.customer_id, row.case_id));
    if (list) list.push(row);
    else byPair.set(key(row.customer_id, row.case_id), [row]);
  }
  await deleteForKeys(
    db,
    dialect,
    source.stretches,
    pairs,
    (chunk) =>
      valuesTable(
        chunk.map(({ customerId, caseId }) => [customerId, caseId]),
        ['text', 'text'],
        's',
      ),
    sql`t.customer_id = s.column1 AND t.case_id = s.column2`,
  );
  const stretches = pairs.flatMap(({ customerId, caseId }) =>
    caseOpenStretches(caseChangesOf(byPair.get(key(customerId, caseId)) ?? [])).map((stretch) => ({
      customer_id: customerId,
      case_id: caseId,
      ...stretch,
    })),
  );
  await insertAll(db, source.stretches, stretches);
}

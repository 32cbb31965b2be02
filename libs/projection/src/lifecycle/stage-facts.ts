import type { Kysely } from 'kysely';
import type { CustomerState } from '@cx/views';
import { inChunks } from '../sql-batches';
import { STAGE_KINDS, stateOfFacts, type StoredFact } from './customer-facts';
import type { FactKind, LifecycleTables } from './lifecycle.tables';

const FACT_COLUMNS = ['kind', 'time', 'position', 'channel', 'amount_minor', 'currency', 'score', 'case_id', 'case_change', 'category'] as const;

/**
 * How many of the latest facts of a kind before `from` decide the stage at instants from
 * `from` on: rule 5 counts purchases only up to three, and rules 2 to 4 look at the latest
 * purchase, churn and NPS answer, and whether any referral was made.
 */
const CONTEXT: ReadonlyArray<[FactKind, number]> = [['purchase', 3], ['churn', 1], ['nps', 1], ['referral', 1]];

/**
 * The customer's facts that decide its stage at every instant T from `from` on, with only
 * the events up to `upTo` counted: each stage fact in [from, upTo], the few latest of each
 * kind before `from` (see CONTEXT) and every event of the cases open just before `from` or
 * touched from it on. The pure rules give the same stage at any such T from this state as
 * from the whole history (`stageAt`, `stageChangesFrom`), and reading it costs the same
 * whether the customer has 10 or 100,000 earlier events: index seeks, the facts dated from
 * `from` on, and the open cases.
 */
export async function stageFactsFrom(db: Kysely<LifecycleTables>, customerId: string, from: number, upTo = Number.MAX_SAFE_INTEGER): Promise<CustomerState> {
  const recent = await db.selectFrom('customer_facts').select(FACT_COLUMNS)
    .where('customer_id', '=', customerId).where('kind', 'in', [...STAGE_KINDS])
    .where('time', '>=', from).where('time', '<=', upTo)
    .execute() as StoredFact[];
  const context: StoredFact[] = [];
  for (const [kind, count] of CONTEXT) context.push(...(await latestBefore(db, customerId, kind, from, count)));
  const cases = new Set([...recent.flatMap((row) => (row.case_id === null ? [] : [row.case_id])), ...(await casesOpenBefore(db, customerId, from))]);
  const caseHistory = await caseFactsBefore(db, customerId, [...cases], from);
  return stateOfFacts(customerId, [...context, ...caseHistory, ...recent]);
}

async function latestBefore(db: Kysely<LifecycleTables>, customerId: string, kind: FactKind, before: number, count: number): Promise<StoredFact[]> {
  return await db.selectFrom('customer_facts').select(FACT_COLUMNS)
    .where('customer_id', '=', customerId).where('kind', '=', kind).where('time', '<', before)
    .orderBy('time', 'desc').orderBy('position', 'desc').limit(count)
    .execute() as StoredFact[];
}

/** The cases open at `before - 1`: their stretch started before it and ends at it or later (or runs still). */
async function casesOpenBefore(db: Kysely<LifecycleTables>, customerId: string, before: number): Promise<string[]> {
  const rows = await db.selectFrom('customer_case_stretches').select('case_id')
    .where('customer_id', '=', customerId).where('since', '<', before)
    .where((eb) => eb.or([eb('until', 'is', null), eb('until', '>=', before)]))
    .execute();
  return rows.map((row) => row.case_id);
}

/** Each case's events before `before`: a case's own history, however long the customer's. */
async function caseFactsBefore(db: Kysely<LifecycleTables>, customerId: string, caseIds: readonly string[], before: number): Promise<StoredFact[]> {
  const rows: StoredFact[] = [];
  for (const chunk of inChunks(caseIds)) {
    rows.push(...(await db.selectFrom('customer_facts').select(FACT_COLUMNS)
      .where('customer_id', '=', customerId).where('case_id', 'in', chunk).where('time', '<', before)
      .execute() as StoredFact[]));
  }
  return rows;
}

import type { Kysely } from 'kysely';
import { EVENT_TYPES, type AnyLedgerEvent } from '@cx/events';
import type { Projection, ProjectionContext } from '../projection';
import { CustomerAliases, loadLockedAliases } from '../canonical-customers';
import { caseKey, orderKey } from '../entity-keys';
import { excludedValues, inChunks, insertAll } from '../sql-batches';
import { caseVersionRows } from './case-versions';
import { addFactRows, canonicalize, FactRows, firstCompletions, noFactRows } from './fact-rows';
import { keepFirstOrders } from './first-orders';
import { createLoyaltyReadIndexes, createLoyaltyTables } from './loyalty.schema';
import { LOYALTY_CUSTOMER_COLUMNS, LOYALTY_TABLES, LoyaltyCaseEventsTable, OrdersTable } from './loyalty.tables';

/**
 * SPEC §2.2: fact rows (answers, orders, referrals, segments, case events and case versions)
 * that the loyalty report and analysts aggregate with SQL. Appending a late event only adds
 * rows (and refolds the one case it belongs to); no total is ever rewritten.
 */
export class LoyaltyProjection implements Projection {
  readonly name = 'loyalty';
  /**
   * 2: orders indexed by (time, customer_id, currency, amount_minor, channel), so a window's orders are read from the index.
   * 3: each customer's first order (`loyalty_first_orders`), for the churn block's buyers before `from`.
   * 4: covering read indexes for a window's answers and cases, the segment in the segments' index,
   *    and first orders kept in their key's b-tree on SQLite (the churn block's probe per customer).
   */
  readonly version = 4;
  readonly handles = LOYALTY_EVENT_TYPES;
  readonly tables = LOYALTY_TABLES;
  readonly settings = {};

  async createTables(db: Kysely<any>, context: ProjectionContext): Promise<void> {
    await createLoyaltyTables(db, context);
  }

  async createReadIndexes(db: Kysely<any>, context: ProjectionContext): Promise<void> {
    await createLoyaltyReadIndexes(db, context);
  }

  async apply(tx: Kysely<any>, events: readonly AnyLedgerEvent[], context: ProjectionContext): Promise<void> {
    const ledger = events;
    const aliases = await loadLockedAliases(context, customerIdsOf(ledger), (ids) => CustomerAliases.load(tx, 'loyalty_aliases', ids));
    const rows = noFactRows();
    for (const event of ledger) {
      if (event.type === 'cx.customer.merged.v1') merge(aliases, event);
      else addFactRows(rows, event);
    }
    await lockSharedFacts(tx, context, rows, aliases);
    // Stored rows move first, then the batch's rows go in under the customer they stand for now.
    await aliases.write(tx, LOYALTY_CUSTOMER_COLUMNS);
    canonicalize(rows, (id) => aliases.of(id));
    await insertFacts(tx, rows);
    const { written, lost } = await upsertOrders(tx, rows.orders);
    await keepFirstOrders(tx, written, new Set([...lost, ...customersMerged(aliases)]));
    await refoldCases(tx, [...new Set(rows.caseEvents.map((row) => row.case_id))]);
  }
}

/** Every type but interactions and erasures, which no loyalty fact comes from. */
const LOYALTY_EVENT_TYPES = EVENT_TYPES.filter((type) => type !== 'cx.interaction.recorded.v1' && type !== 'cx.customer.forgotten.v1');

/** The batch's customers and merge targets: the aliases a batch can touch. */
function customerIdsOf(events: readonly AnyLedgerEvent[]): string[] {
  const ids = new Set(events.map((e) => e.customerId));
  for (const e of events) if (e.type === 'cx.customer.merged.v1' && e.data.into.id !== undefined) ids.add(e.data.into.id);
  return [...ids];
}

/**
 * Orders and cases are not one customer's: an order id may come again from another customer,
 * and a case's events from several. So their rows are locked before being read or rewritten:
 * the batch's orders and cases, and the cases whose rows a merge moves to another customer
 * (a batch refolding one of them at the same time would write the old customer back).
 */
async function lockSharedFacts(tx: Kysely<any>, context: ProjectionContext, rows: FactRows, aliases: CustomerAliases): Promise<void> {
  if (!context.lock) return;
  const cases = [...rows.caseEvents.map((row) => row.case_id), ...(await casesMoved(tx, aliases))];
  await context.lock([...rows.orders.map((row) => orderKey(row.order_id)), ...cases.map(caseKey)]);
}

/** The cases with events of an alias whose customer changed: `write` moves their rows. */
async function casesMoved(tx: Kysely<any>, aliases: CustomerAliases): Promise<string[]> {
  if (aliases.changed.size === 0) return [];
  const rows = await tx
    .selectFrom('loyalty_case_events')
    .select('case_id')
    .distinct()
    .where('customer_id', 'in', [...aliases.changed.keys()])
    .execute();
  return rows.map((row) => row.case_id as string);
}

/** SPEC §1.2 step 4, as the lifecycle projection reads it: the anonymous customer's history moves under `into`. */
function merge(aliases: CustomerAliases, event: Extract<AnyLedgerEvent, { type: 'cx.customer.merged.v1' }>): void {
  const target = event.data.into.id;
  if (target === undefined) return;
  const from = aliases.of(event.customerId);
  const into = aliases.of(target);
  if (from !== into) aliases.merge(from, into);
}

async function insertFacts(tx: Kysely<any>, rows: FactRows): Promise<void> {
  const tables: Array<[string, object[]]> = [
    ['survey_answers', rows.surveys],
    ['referrals', rows.referrals],
    ['customer_segments', rows.segments],
    ['loyalty_case_events', rows.caseEvents],
    ['loyalty_stage_moments', rows.moments],
  ];
  for (const [table, list] of tables) {
    await insertAll(tx, table, list);
  }
}

/** The customers a merge of this batch moved rows from, and those it moved them to. */
const customersMerged = (aliases: CustomerAliases): string[] => [...aliases.changed].flat();

/**
 * One row per order id, the earliest completion winning whatever order they arrive in.
 * Answers the rows written, and the customers that lost a row to another customer's earlier completion.
 */
async function upsertOrders(tx: Kysely<any>, orders: readonly OrdersTable[]): Promise<{ written: OrdersTable[]; lost: string[] }> {
  const written: OrdersTable[] = [];
  const lost: string[] = [];
  for (const chunk of inChunks(orders)) {
    const stored = await tx
      .selectFrom('orders')
      .selectAll()
      .where('order_id', 'in', [...new Set(chunk.map((o) => o.order_id))])
      .execute();
    const winners = firstCompletions(chunk, stored as OrdersTable[]);
    if (winners.length === 0) continue;
    const owners = new Map(stored.map((row) => [row.order_id as string, row.customer_id as string]));
    for (const winner of winners) {
      const owner = owners.get(winner.order_id);
      if (owner !== undefined && owner !== winner.customer_id) lost.push(owner);
    }
    written.push(...winners);
    await tx
      .insertInto('orders')
      .values(winners)
      .onConflict((oc) =>
        oc
          .column('order_id')
          .doUpdateSet(excludedValues(['customer_id', 'amount_minor', 'currency', 'channel', 'time', 'month', 'position'])),
      )
      .execute();
  }
  return { written, lost };
}

/** Cases are small: a case that got an event has its versions folded again from all its events. */
async function refoldCases(tx: Kysely<any>, caseIds: readonly string[]): Promise<void> {
  for (const chunk of inChunks(caseIds)) {
    const events = (await tx
      .selectFrom('loyalty_case_events')
      .selectAll()
      .where('case_id', 'in', chunk)
      .execute()) as LoyaltyCaseEventsTable[];
    const byCase = new Map<string, LoyaltyCaseEventsTable[]>();
    for (const event of events) {
      const list = byCase.get(event.case_id);
      if (list) list.push(event);
      else byCase.set(event.case_id, [event]);
    }
    const versions = [...byCase.values()].flatMap(caseVersionRows);
    await tx.deleteFrom('loyalty_case_facts').where('case_id', 'in', chunk).execute();
    await insertAll(tx, 'loyalty_case_facts', versions);
  }
}

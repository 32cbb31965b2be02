import { sql, type Kysely } from 'kysely';
import { EVENT_TYPES, type AnyLedgerEvent } from '@cx/events';
import type { Projection, ProjectionContext } from '../projection';
import { LifecycleSettings, LifecycleStage, stageChangesFrom, StageChange } from '@cx/views';
import { CustomerAliases, loadLockedAliases } from '../canonical-customers';
import { deleteForKeys, excludedValues, inChunks, inIndexOrder, insertAll, rowsForKeys, toNumber, valuesTable } from '../sql-batches';
import type { ViewDialect } from '../view-store/view-store.port';
import { factRow, isActivity, STAGE_KINDS } from './customer-facts';
import { createLifecycleReadIndexes, createLifecycleTables } from './lifecycle.schema';
import { CustomerFactsTable, CustomerStagesTable, LIFECYCLE_TABLES, LifecycleTables } from './lifecycle.tables';
import { restretch, stageFactsFrom, type StageStart } from './stage-facts';
import { known } from '../known';

/** What a batch changes for one customer: its `customers` row follows from the old one and these. */
class CustomerChange {
  /** The earliest fact the stage rules read (STAGE_KINDS) that the batch added: the stages may change from there on. */
  stageFrom?: number;
  first?: number;
  last?: number;
  purchases = 0;
  /** A profile naming a segment arrived: the latest one is looked up again. */
  profiled = false;
  readonly cases = new Set<string>();

  seen(time: number): void {
    this.first = Math.min(this.first ?? time, time);
    this.last = Math.max(this.last ?? time, time);
  }

  decides(time: number): void {
    this.stageFrom = Math.min(this.stageFrom ?? time, time);
  }

  add(row: CustomerFactsTable): void {
    if (isActivity(row.kind)) this.seen(row.time);
    if (STAGE_KINDS.includes(row.kind)) this.decides(row.time);
    if (row.kind === 'purchase') this.purchases += 1;
    if (row.segment !== null) this.profiled = true;
    if (row.case_id !== null) this.cases.add(row.case_id);
  }

  /** Takes over what another customer brought (a merge): its stored row and its own changes. */
  absorb(other: CustomerChange | undefined, stored: StoredCustomer | undefined): void {
    for (const time of [other?.first, other?.last, toNumber(stored?.first_seen), toNumber(stored?.last_seen)])
      if (time !== undefined && time !== null) this.seen(time);
    // The merged customer's facts are new to this one, from its first activity on.
    for (const time of [other?.first, toNumber(stored?.first_seen)]) if (time !== undefined && time !== null) this.decides(time);
    this.purchases += (other?.purchases ?? 0) + Number(stored?.purchases ?? 0);
    this.profiled = true;
    for (const caseId of other?.cases ?? []) this.cases.add(caseId);
  }
}

interface StoredCustomer {
  customer_id: string;
  first_seen: number | string | null;
  last_seen: number | string | null;
  segment: string | null;
  purchases: number | string;
}

interface Merge {
  from: string;
  into: string;
}

interface Batch {
  aliases: CustomerAliases;
  /** The batch's fact rows by position, each under the customer it stands for now. */
  rows: Map<number, CustomerFactsTable>;
  merges: Merge[];
  mergedAt: Map<string, number>;
}

/**
 * SPEC §2.1 as rows: one fact row per event of the customer (the timeline's index and the
 * rules' input), the stretches during which each of its cases is open, its stage intervals
 * (so "customers per stage at T" is one indexed query), one summary row per customer and the
 * aliases of merged anonymous customers. Applying an event reads only what decides the stages
 * from its time on (see `stageFactsFrom`), never the whole history.
 */
export class LifecycleProjection implements Projection<LifecycleTables> {
  readonly name = 'lifecycle';
  readonly version = 5;
  readonly handles = EVENT_TYPES;
  readonly tables = LIFECYCLE_TABLES;
  readonly settings: Readonly<LifecycleSettings>;

  constructor(settings: LifecycleSettings) {
    this.settings = {
      atRiskInactivityMs: settings.atRiskInactivityMs,
      churnInactivityMs: settings.churnInactivityMs,
      complaintAtRiskAgeMs: settings.complaintAtRiskAgeMs,
    };
  }

  async createTables(db: Kysely<LifecycleTables>, context: ProjectionContext): Promise<void> {
    await createLifecycleTables(db, context);
  }

  async createReadIndexes(db: Kysely<LifecycleTables>, context: ProjectionContext): Promise<void> {
    await createLifecycleReadIndexes(db, context);
  }

  async apply(tx: Kysely<LifecycleTables>, events: readonly AnyLedgerEvent[], context: ProjectionContext): Promise<void> {
    const batch = await this.load(tx, events, context);
    for (const event of events) fold(batch, event);
    const changes = new Map<string, CustomerChange>();
    // Stored rows move first, then the batch's rows go in under the customer they stand for now.
    for (const merge of batch.merges) await this.moveMerged(tx, merge, changes);
    const fresh = await newRows(tx, [...batch.rows.values()]);
    await insertAll(tx, 'customer_facts', inIndexOrder(fresh, ['customer_id', 'kind', 'time']));
    for (const row of fresh) changeOf(changes, row.customer_id).add(row);
    await restretch(
      tx,
      [...changes].flatMap(([customerId, change]) => [...change.cases].map((caseId) => ({ customerId, caseId }))),
      context.dialect,
    );
    const stored = await storedCustomers(tx, [...changes.keys()]);
    await this.restage(
      tx,
      [...changes].flatMap(([customerId, change]) => restageFrom(customerId, change, stored.get(customerId))),
      context.dialect,
    );
    await summarize(tx, changes, stored);
    await writeAliases(tx, batch);
  }

  /** Customer rows are read only once they are locked, with the aliases that lead to them (see loadLockedAliases). */
  private async load(tx: Kysely<LifecycleTables>, events: readonly AnyLedgerEvent[], context: ProjectionContext): Promise<Batch> {
    const ids = new Set(events.map((e) => e.customerId));
    for (const e of events) if (e.type === 'cx.customer.merged.v1') ids.add(mergeTarget(e) ?? e.customerId);
    const aliases = await loadLockedAliases(context, [...ids], (loaded) => CustomerAliases.load(tx, 'customer_aliases', loaded));
    return { aliases, rows: new Map(), merges: [], mergedAt: new Map() };
  }

  /** The merged-away customer's facts and cases now count for the customer it was merged into; its own rows go. */
  private async moveMerged(tx: Kysely<LifecycleTables>, { from, into }: Merge, changes: Map<string, CustomerChange>): Promise<void> {
    const stored = (await tx.selectFrom('customers').selectAll().where('customer_id', '=', from).executeTakeFirst()) as
      StoredCustomer | undefined;
    const cases = await tx
      .selectFrom('customer_facts')
      .select('case_id')
      .distinct()
      .where('customer_id', '=', from)
      .where('kind', '=', 'case')
      .execute();
    const change = changeOf(changes, into);
    change.absorb(changes.get(from), stored);
    for (const row of cases) change.cases.add(row.case_id as string);
    changes.delete(from);
    await tx.updateTable('customer_facts').set({ customer_id: into }).where('customer_id', '=', from).execute();
    for (const table of ['customers', 'customer_stages', 'customer_case_stretches'] as const)
      await tx.deleteFrom(table).where('customer_id', '=', from).execute();
  }

  /**
   * The stage history before `from` cannot change (a stage depends only on the facts up to
   * its instant): the intervals from `from` on are computed again from the facts that decide
   * them, and the interval running at `from` is cut where the next one starts.
   */
  private async restage(tx: Kysely<LifecycleTables>, starts: readonly StageStart[], dialect: ViewDialect): Promise<void> {
    if (starts.length === 0) return;
    const before = await stagesBefore(tx, starts);
    const facts = await stageFactsFrom(tx, starts);
    const rows: CustomerStagesTable[] = [];
    for (const { customerId, from } of starts) {
      const running = before.get(customerId);
      const changes = stageChangesFrom(known(facts, customerId), from, running?.stage as LifecycleStage | undefined, this.settings);
      if (running) rows.push({ ...running, until: changes[0]?.since ?? null });
      rows.push(...stageRows(customerId, changes));
    }
    await deleteForKeys(
      tx,
      dialect,
      'customer_stages',
      starts,
      (chunk) =>
        valuesTable(
          chunk.map(({ customerId, from }) => [customerId, before.get(customerId)?.since ?? from]),
          ['text', 'bigint'],
          's',
        ),
      sql`t.customer_id = s.column1 AND t.since >= s.column2`,
    );
    await insertAll(tx, 'customer_stages', rows);
  }
}

/**
 * Where a customer's stages may have changed: from the first fact the rules read that the
 * batch added, or from a new first activity (the history starts there, as a `prospect`).
 * Other activity (contacts, CSAT, CES, profiles) later than the first changes no stage.
 */
function restageFrom(customerId: string, change: CustomerChange, stored: StoredCustomer | undefined): StageStart[] {
  const storedFirst = toNumber(stored?.first_seen);
  const earlierFirst = change.first !== undefined && (storedFirst === null || change.first < storedFirst) ? change.first : undefined;
  const from = Math.min(change.stageFrom ?? Infinity, earlierFirst ?? Infinity);
  return from === Infinity ? [] : [{ customerId, from }];
}

async function storedCustomers(tx: Kysely<LifecycleTables>, ids: readonly string[]): Promise<Map<string, StoredCustomer>> {
  const stored = new Map<string, StoredCustomer>();
  for (const chunk of inChunks(ids))
    for (const row of await tx.selectFrom('customers').selectAll().where('customer_id', 'in', chunk).execute())
      stored.set(row.customer_id, row);
  return stored;
}

/** The stage interval each customer is in just before its `from`: one index seek each, one statement per chunk of customers. */
async function stagesBefore(tx: Kysely<LifecycleTables>, starts: readonly StageStart[]): Promise<Map<string, CustomerStagesTable>> {
  const stages = sql.table('customer_stages');
  const rows = await rowsForKeys<StageStart, CustomerStagesTable>(
    tx,
    starts,
    (chunk) =>
      sql`SELECT st.* FROM ${valuesTable(
        chunk.map(({ customerId, from }) => [customerId, from]),
        ['text', 'bigint'],
        's',
      )} CROSS JOIN ${stages} st WHERE st.customer_id = s.column1 AND st.since = (SELECT MAX(t.since) FROM ${stages} t WHERE t.customer_id = s.column1 AND t.since < s.column2)`,
  );
  return new Map(rows.map((row) => [row.customer_id, { ...row, since: Number(row.since), until: toNumber(row.until) }]));
}

/** Each changed customer's row: the stored one plus what the batch brought. */
async function summarize(
  tx: Kysely<LifecycleTables>,
  changes: ReadonlyMap<string, CustomerChange>,
  stored: ReadonlyMap<string, StoredCustomer>,
): Promise<void> {
  const ids = [...changes.keys()];
  const segments = await latestSegments(
    tx,
    ids.filter((id) => known(changes, id).profiled),
  );
  for (const chunk of inChunks(ids)) {
    const rows = chunk.map((customerId) => customerRow(customerId, stored.get(customerId), known(changes, customerId), segments));
    await tx
      .insertInto('customers')
      .values(rows)
      .onConflict((oc) => oc.column('customer_id').doUpdateSet(excludedValues(['first_seen', 'last_seen', 'segment', 'purchases'])))
      .execute();
  }
}

function customerRow(
  customerId: string,
  stored: StoredCustomer | undefined,
  change: CustomerChange,
  segments: ReadonlyMap<string, string>,
) {
  const first = [toNumber(stored?.first_seen), change.first ?? null].filter((t): t is number => t !== null);
  const last = [toNumber(stored?.last_seen), change.last ?? null].filter((t): t is number => t !== null);
  return {
    customer_id: customerId,
    first_seen: first.length ? Math.min(...first) : null,
    last_seen: last.length ? Math.max(...last) : null,
    segment: change.profiled ? (segments.get(customerId) ?? null) : (stored?.segment ?? null),
    purchases: Number(stored?.purchases ?? 0) + change.purchases,
  };
}

/** The segment of each customer's latest profile update that named one (by time, then position): one index seek each. */
async function latestSegments(tx: Kysely<LifecycleTables>, ids: readonly string[]): Promise<Map<string, string>> {
  const facts = sql.table('customer_facts');
  const rows = await rowsForKeys<string, { customer_id: string; segment: string }>(
    tx,
    ids,
    (chunk) =>
      sql`SELECT f.customer_id, f.segment FROM ${valuesTable(
        chunk.map((customerId) => [customerId]),
        ['text'],
        's',
      )} CROSS JOIN ${facts} f WHERE f.position = (SELECT g.position FROM ${facts} g WHERE g.customer_id = s.column1 AND g.kind = 'profile' AND g.segment IS NOT NULL ORDER BY g.time DESC, g.position DESC LIMIT 1)`,
  );
  return new Map(rows.map((row) => [row.customer_id, row.segment]));
}

/** Facts go in under the customer each id stands for at that point of the batch; a merge moves the merged customer's. */
function fold(batch: Batch, event: AnyLedgerEvent): void {
  if (!batch.rows.has(event.position)) batch.rows.set(event.position, factRow(event, batch.aliases.of(event.customerId)));
  if (event.type !== 'cx.customer.merged.v1') return;
  const target = mergeTarget(event);
  const from = batch.aliases.of(event.customerId);
  if (target === undefined) return;
  const into = batch.aliases.of(target);
  if (from === into) return;
  for (const row of batch.rows.values()) if (row.customer_id === from) row.customer_id = into;
  batch.aliases.merge(from, into);
  batch.mergedAt.set(from, event.time);
  batch.merges.push({ from, into });
}

function changeOf(changes: Map<string, CustomerChange>, customerId: string): CustomerChange {
  let change = changes.get(customerId);
  if (!change) changes.set(customerId, (change = new CustomerChange()));
  return change;
}

/** The rows not stored yet: a redelivered event changes nothing. */
async function newRows(tx: Kysely<LifecycleTables>, rows: readonly CustomerFactsTable[]): Promise<CustomerFactsTable[]> {
  const stored = new Set<number>();
  for (const chunk of inChunks(rows.map((row) => row.position))) {
    for (const row of await tx.selectFrom('customer_facts').select('position').where('position', 'in', chunk).execute())
      stored.add(Number(row.position));
  }
  return rows.filter((row) => !stored.has(row.position));
}

const stageRows = (customerId: string, changes: readonly StageChange[]) =>
  changes.map((change, i) => ({ customer_id: customerId, stage: change.stage, since: change.since, until: changes[i + 1]?.since ?? null }));

async function writeAliases(tx: Kysely<LifecycleTables>, batch: Batch): Promise<void> {
  for (const [alias, customer] of batch.aliases.changed) {
    await tx.updateTable('customer_aliases').set({ customer_id: customer }).where('customer_id', '=', alias).execute();
    await tx
      .insertInto('customer_aliases')
      .values({ alias_id: alias, customer_id: customer, merged_at: batch.mergedAt.get(alias) ?? 0 })
      .onConflict((oc) => oc.column('alias_id').doUpdateSet({ customer_id: customer }))
      .execute();
  }
}

const mergeTarget = (event: AnyLedgerEvent): string | undefined =>
  event.type === 'cx.customer.merged.v1' ? event.data.into.id : undefined;

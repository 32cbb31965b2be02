import type { Kysely } from 'kysely';
import { EVENT_TYPES, type AnyLedgerEvent } from '@cx/events';
import type { Projection, ProjectionContext } from '../projection';
import {
  CustomerState, evolveCustomer, initialCustomerState, LifecycleSettings, mergeCustomerStates, stageHistory,
} from '@cx/views';
import { loadLockedAliases } from '../canonical-customers';
import { inChunks } from '../sql-batches';
import { CustomerAliases } from './customer-aliases';
import { LIFECYCLE_TABLES } from './lifecycle.tables';

/** Far enough ahead that every threshold crossing the events imply is in the stored history. */
const END_OF_TIME = Date.UTC(9999, 11, 31);

interface Batch {
  states: Map<string, CustomerState>;
  /** Each loaded customer's stage history before this batch: rows are rewritten only where it changes. */
  historiesBefore: Map<string, string>;
  touched: Set<string>;
  mergedAway: Set<string>;
  aliases: CustomerAliases;
  mergedAt: Map<string, number>;
}

/**
 * SPEC §2.1: one row per customer holding its folded state, the stage intervals the state
 * implies (so "customers per stage at T" is one indexed query), and the aliases of merged
 * anonymous customers.
 */
export class LifecycleProjection implements Projection {
  readonly name = 'lifecycle';
  readonly version = 1;
  readonly handles = EVENT_TYPES;
  readonly tables = LIFECYCLE_TABLES;
  readonly settings: Readonly<LifecycleSettings>;

  constructor(settings: LifecycleSettings) {
    this.settings = { atRiskInactivityMs: settings.atRiskInactivityMs, churnInactivityMs: settings.churnInactivityMs, complaintAtRiskAgeMs: settings.complaintAtRiskAgeMs };
  }

  async createTables(db: Kysely<any>, { unique }: ProjectionContext): Promise<void> {
    await db.schema.createTable('customers')
      .addColumn('customer_id', 'text', (c) => c.primaryKey())
      .addColumn('first_seen', 'bigint')
      .addColumn('last_seen', 'bigint')
      .addColumn('segment', 'text')
      .addColumn('purchases', 'integer', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createTable('customer_stages')
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('stage', 'text', (c) => c.notNull())
      .addColumn('since', 'bigint', (c) => c.notNull())
      .addColumn('until', 'bigint')
      .addPrimaryKeyConstraint(unique('customer_stages_pk'), ['customer_id', 'since'])
      .execute();
    await db.schema.createIndex(unique('customer_stages_by_since')).on('customer_stages').columns(['since', 'until', 'stage']).execute();
    await db.schema.createTable('customer_aliases')
      .addColumn('alias_id', 'text', (c) => c.primaryKey())
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('merged_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex(unique('customer_aliases_by_customer')).on('customer_aliases').column('customer_id').execute();
  }

  async apply(tx: Kysely<any>, events: readonly AnyLedgerEvent[], context: ProjectionContext): Promise<void> {
    const ledger = events;
    const batch = await this.load(tx, ledger, context);
    for (const event of ledger) this.fold(batch, event);
    await this.write(tx, batch);
  }

  /** Customer rows are read only once they are locked, with the aliases that lead to them (see loadLockedAliases). */
  private async load(tx: Kysely<any>, events: readonly AnyLedgerEvent[], context: ProjectionContext): Promise<Batch> {
    const ids = new Set(events.map((e) => e.customerId));
    for (const e of events) if (e.type === 'cx.customer.merged.v1') ids.add(mergeTarget(e) ?? e.customerId);
    const aliases = await loadLockedAliases(context, [...ids], (loaded) => CustomerAliases.load(tx, loaded));
    const canonical = [...new Set([...ids].map((id) => aliases.of(id)))];
    const states = new Map<string, CustomerState>();
    const historiesBefore = new Map<string, string>();
    for (const chunk of inChunks(canonical)) {
      const rows = await tx.selectFrom('customers').select(['customer_id', 'state']).where('customer_id', 'in', chunk).execute();
      for (const row of rows) {
        const state = JSON.parse(row.state) as CustomerState;
        states.set(row.customer_id, state);
        historiesBefore.set(row.customer_id, JSON.stringify(this.stageRows(state)));
      }
    }
    return { states, historiesBefore, touched: new Set(), mergedAway: new Set(), aliases, mergedAt: new Map() };
  }

  private fold(batch: Batch, event: AnyLedgerEvent): void {
    if (event.type === 'cx.customer.merged.v1') return this.merge(batch, event);
    const id = batch.aliases.of(event.customerId);
    batch.states.set(id, evolveCustomer(batch.states.get(id) ?? initialCustomerState(id), event));
    batch.touched.add(id);
  }

  /** The anonymous customer's history moves under the named one, now and for its late events. */
  private merge(batch: Batch, event: AnyLedgerEvent): void {
    const target = mergeTarget(event);
    const from = batch.aliases.of(event.customerId);
    if (target === undefined) return;
    const into = batch.aliases.of(target);
    if (from === into) return;
    const fromState = batch.states.get(from) ?? initialCustomerState(from);
    batch.states.set(into, mergeCustomerStates(batch.states.get(into) ?? initialCustomerState(into), fromState));
    batch.states.delete(from);
    batch.aliases.merge(from, into);
    batch.mergedAt.set(from, event.time);
    batch.mergedAway.add(from);
    batch.touched.delete(from);
    batch.touched.add(into);
  }

  private async write(tx: Kysely<any>, batch: Batch): Promise<void> {
    const gone = [...batch.mergedAway];
    for (const chunk of inChunks(gone)) {
      await tx.deleteFrom('customers').where('customer_id', 'in', chunk).execute();
      await tx.deleteFrom('customer_stages').where('customer_id', 'in', chunk).execute();
    }
    const touched = [...batch.touched].map((id) => batch.states.get(id)!);
    const restaged = touched.map((state) => ({ state, rows: this.stageRows(state) }))
      .filter(({ state, rows }) => batch.historiesBefore.get(state.customerId) !== JSON.stringify(rows));
    for (const chunk of inChunks(touched)) {
      await tx.insertInto('customers').values(chunk.map(customerRow))
        .onConflict((oc) => oc.column('customer_id').doUpdateSet((eb) => ({
          first_seen: eb.ref('excluded.first_seen'), last_seen: eb.ref('excluded.last_seen'), segment: eb.ref('excluded.segment'),
          purchases: eb.ref('excluded.purchases'), state: eb.ref('excluded.state'),
        })))
        .execute();
    }
    for (const chunk of inChunks(restaged)) await tx.deleteFrom('customer_stages').where('customer_id', 'in', chunk.map((r) => r.state.customerId)).execute();
    for (const chunk of inChunks(restaged.flatMap((r) => r.rows))) await tx.insertInto('customer_stages').values(chunk).execute();
    await this.writeAliases(tx, batch);
  }

  private stageRows(state: CustomerState) {
    const history = stageHistory(state, END_OF_TIME, this.settings);
    return history.map((change, i) => ({ customer_id: state.customerId, stage: change.stage, since: change.since, until: history[i + 1]?.since ?? null }));
  }

  private async writeAliases(tx: Kysely<any>, batch: Batch): Promise<void> {
    for (const [alias, customer] of batch.aliases.changed) {
      await tx.updateTable('customer_aliases').set({ customer_id: customer }).where('customer_id', '=', alias).execute();
      await tx.insertInto('customer_aliases').values({ alias_id: alias, customer_id: customer, merged_at: batch.mergedAt.get(alias) ?? 0 })
        .onConflict((oc) => oc.column('alias_id').doUpdateSet({ customer_id: customer })).execute();
    }
  }
}

const mergeTarget = (event: AnyLedgerEvent): string | undefined =>
  event.type === 'cx.customer.merged.v1' ? event.data.into.id : undefined;

/** A row depends only on the customer's events, never on how they were batched: a rebuild gives the same rows. */
function customerRow(state: CustomerState) {
  const moments = [state.purchases, state.interactions, state.caseChanges, state.churns, state.referrals, state.profiles, state.otherActivity,
    state.surveys.nps, state.surveys.csat, state.surveys.ces].flat();
  const times = moments.map((m) => m.time);
  const segment = [...state.profiles].reverse().find((p) => p.segment !== undefined)?.segment ?? null;
  return {
    customer_id: state.customerId,
    first_seen: times.length ? Math.min(...times) : null,
    last_seen: times.length ? Math.max(...times) : null,
    segment,
    purchases: state.purchases.length,
    state: JSON.stringify(state),
  };
}

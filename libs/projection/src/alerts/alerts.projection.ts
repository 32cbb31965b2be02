import type { Kysely } from 'kysely';
import type { AnyLedgerEvent } from '@cx/events';
import {
  CASE_SIGNALS,
  caseAlerts,
  caseIdOf,
  caseOwnerAt,
  customerAlerts,
  CUSTOMER_SIGNALS,
  foldCustomer,
  stageHistory,
  type Alert,
  type CaseSettings,
  type LifecycleSettings,
} from '@cx/views';
import type { Clock } from '@cx/clock';
import { loadLockedAliases } from '../canonical-customers';
import { caseKey, customerKey } from '../entity-keys';
import type { Projection, ProjectionContext } from '../projection';
import { inChunks } from '../sql-batches';
import { AlertAliases } from './alert-aliases';
import {
  ALERT_EVENT_TYPES,
  answersOf,
  caseEventRow,
  caseStates,
  customerFactOf,
  customerFacts,
  outboundOfFacts,
  stageEventsOf,
} from './alert-facts';
import { AlertOutbox, ensureAlertOutboxTables, isLiveGeneration, type AlertOutboxTables } from './alert-outbox';
import { alertOfRow, alertRow, sameRow } from './alert-rows';
import { createAlertsTables } from './alerts.schema';
import { ALERTS_TABLES, type AlertCustomerFactsTable, type AlertsTable, type AlertsTables } from './alerts.tables';

type Db = Kysely<AlertsTables>;

/** Far enough ahead that every threshold crossing the events imply is in the stored history. */
const END_OF_TIME = Date.UTC(9999, 11, 31);

export type AlertThresholds = LifecycleSettings & CaseSettings;

/** Where the outbox is written from: the wall clock (the delivery horizon is judged when an alert first appears). */
export interface AlertDeliveryPolicy {
  clock: Clock;
  horizonMs: number;
}

/** The customers and cases a batch touched: their alerts are computed again. */
class Touched {
  readonly customers = new Set<string>();
  readonly cases = new Set<string>();

  get empty(): boolean {
    return this.customers.size === 0 && this.cases.size === 0;
  }
}

/**
 * SPEC §2.4: the alerts of every customer and case, as the pure rules of @cx/views compute
 * them from the facts this projection keeps (one row per fact). A batch stores its facts,
 * then computes again the alerts of each customer and case it touched and writes only the
 * difference; the live generation writes the outbox in the same transaction. While a
 * rebuild catches up, touched entities are left to `settle`, which also reconciles the
 * outbox once the generation stands at the head, before it goes live.
 */
export class AlertsProjection implements Projection<AlertsTables> {
  readonly name = 'alerts';
  /** 2: index (customer_id, followed_up_at); 3: a detractor's subject is the customer it was answered as. */
  readonly version = 3;
  readonly handles = ALERT_EVENT_TYPES;
  readonly tables = ALERTS_TABLES;
  readonly settings: Readonly<AlertThresholds>;

  constructor(
    thresholds: AlertThresholds,
    private readonly delivery: AlertDeliveryPolicy,
  ) {
    this.settings = {
      atRiskInactivityMs: thresholds.atRiskInactivityMs,
      churnInactivityMs: thresholds.churnInactivityMs,
      complaintAtRiskAgeMs: thresholds.complaintAtRiskAgeMs,
      handoffAcceptanceSlaMs: thresholds.handoffAcceptanceSlaMs,
    };
  }

  async createTables(db: Db, context: ProjectionContext): Promise<void> {
    await createAlertsTables(db, context);
    await ensureAlertOutboxTables(db);
  }

  async apply(tx: Db, events: readonly AnyLedgerEvent[], context: ProjectionContext): Promise<void> {
    const ids = events.flatMap((e) =>
      e.type === 'cx.customer.merged.v1' && e.data.into.id !== undefined ? [e.customerId, e.data.into.id] : [e.customerId],
    );
    const aliases = await loadLockedAliases(context, ids, (loaded) => AlertAliases.load(tx, loaded));
    const caseIds = [...new Set(events.flatMap((e) => caseIdOf(e) ?? []))];
    await context.lock?.(caseIds.map(caseKey));
    const touched = new Touched();
    let facts: AlertCustomerFactsTable[] = [];
    let caseRows: ReturnType<typeof caseEventRow>[] = [];
    const flush = async () => {
      await insertIgnoring(tx, 'alert_customer_facts', facts);
      await insertIgnoring(tx, 'alert_case_events', caseRows);
      facts = [];
      caseRows = [];
    };
    for (const event of events) {
      if (event.type === 'cx.customer.merged.v1') {
        await flush();
        await this.merge(tx, aliases, event, touched);
        continue;
      }
      const customerId = aliases.of(event.customerId);
      const fact = customerFactOf(event, customerId);
      if (fact) {
        facts.push(fact);
        touched.customers.add(customerId);
      }
      const caseId = caseIdOf(event);
      if (caseId !== undefined) {
        caseRows.push(caseEventRow(event, caseId));
        touched.cases.add(caseId);
      }
    }
    await flush();
    await aliases.write(tx);
    if (context.catchingUp) return this.leaveForSettle(tx, touched);
    const outbox = (await isLiveGeneration(tx, this.name, context.generation)) ? this.outbox(tx) : null;
    await this.compute(tx, touched, context, outbox);
  }

  /** Work left by batches applied while a rebuild caught up, a chunk per call; then the outbox reconciled, once nothing is left. */
  async settle(tx: Db, context: ProjectionContext, limit: number): Promise<number> {
    const pending = await tx.selectFrom('alert_pending').select('entity').orderBy('entity').limit(limit).execute();
    if (pending.length === 0) {
      await this.reconcileOutbox(tx);
      return 0;
    }
    const touched = new Touched();
    for (const { entity } of pending) {
      if (entity.startsWith('case:')) touched.cases.add(entity.slice(5));
      else touched.customers.add(entity.slice(9));
    }
    await this.compute(tx, touched, context, null);
    for (const chunk of inChunks(pending.map((p) => p.entity))) await tx.deleteFrom('alert_pending').where('entity', 'in', chunk).execute();
    return pending.length;
  }

  private outbox(tx: Db): AlertOutbox {
    return new AlertOutbox(tx as unknown as Kysely<AlertOutboxTables>, this.delivery.clock.now(), this.delivery.horizonMs);
  }

  /** The anonymous customer's facts move under the named one; both, and the cases whose alerts name it, are computed again. */
  private async merge(tx: Db, aliases: AlertAliases, event: AnyLedgerEvent, touched: Touched): Promise<void> {
    if (event.type !== 'cx.customer.merged.v1' || event.data.into.id === undefined) return;
    const from = aliases.of(event.customerId);
    const into = aliases.of(event.data.into.id);
    if (from === into) return;
    await tx.updateTable('alert_customer_facts').set({ customer_id: into }).where('customer_id', '=', from).execute();
    await tx.deleteFrom('alert_customer_stages').where('customer_id', '=', from).execute();
    const cases = await tx
      .selectFrom('alerts')
      .select('case_id')
      .distinct()
      .where('customer_id', '=', from)
      .where('signal', 'in', [...CASE_SIGNALS])
      .execute();
    for (const { case_id } of cases) if (case_id !== null) touched.cases.add(case_id);
    aliases.merge(from, into);
    touched.customers.add(from);
    touched.customers.add(into);
  }

  private async leaveForSettle(tx: Db, touched: Touched): Promise<void> {
    const entities = [...[...touched.customers].map(customerKey), ...[...touched.cases].map(caseKey)].map((entity) => ({ entity }));
    await insertIgnoring(tx, 'alert_pending', entities);
  }

  /** Cases first: a case's change can change the team of a detractor whose survey names it. */
  private async compute(tx: Db, touched: Touched, context: ProjectionContext, outbox: AlertOutbox | null): Promise<void> {
    if (touched.empty) return;
    const cases = [...touched.cases];
    for (const chunk of inChunks(cases)) {
      await this.computeCases(tx, chunk, outbox);
      const naming = await tx
        .selectFrom('alerts')
        .select('customer_id')
        .distinct()
        .where('signal', '=', 'detractor')
        .where('case_id', 'in', chunk)
        .execute();
      for (const { customer_id } of naming) touched.customers.add(customer_id);
    }
    const customers = [...touched.customers];
    await context.lock?.(customers.map(customerKey));
    for (const chunk of inChunks(customers)) await this.computeCustomers(tx, chunk, outbox);
  }

  private async computeCases(tx: Db, caseIds: readonly string[], outbox: AlertOutbox | null): Promise<void> {
    const states = await caseStates(tx, caseIds);
    const desired = [...states.values()].flatMap((state) => caseAlerts(state, this.settings));
    const aliases = await AlertAliases.load(
      tx,
      desired.map((a) => a.customerId),
    );
    const stored = await tx
      .selectFrom('alerts')
      .selectAll()
      .where('case_id', 'in', [...caseIds])
      .where('signal', 'in', [...CASE_SIGNALS])
      .execute();
    await syncAlerts(
      tx,
      stored,
      desired.map((a) => ({ ...a, customerId: aliases.of(a.customerId) })),
      outbox,
    );
  }

  private async computeCustomers(tx: Db, customerIds: readonly string[], outbox: AlertOutbox | null): Promise<void> {
    const facts = await customerFacts(tx, customerIds);
    const named = [
      ...new Set(
        [...facts.values()]
          .flat()
          .filter((f) => f.kind !== 'case' && f.case_id !== null)
          .map((f) => f.case_id!),
      ),
    ];
    const cases = await caseStates(tx, named);
    const ownerAt = (caseId: string, T: number) => (cases.get(caseId)?.events.length ? caseOwnerAt(cases.get(caseId)!, T) : null);
    const desired: Alert[] = [];
    const stages: { customer_id: string; since: number; stage: string }[] = [];
    for (const [customerId, own] of facts) {
      const history =
        own.length === 0 ? [] : stageHistory(foldCustomer(customerId, stageEventsOf(customerId, own)), END_OF_TIME, this.settings);
      stages.push(...history.map((change) => ({ customer_id: customerId, since: change.since, stage: change.stage })));
      desired.push(
        ...customerAlerts({
          customerId,
          answers: answersOf(own),
          outbound: outboundOfFacts(own),
          stageChanges: history,
          caseOwnerAt: ownerAt,
        }),
      );
    }
    await tx
      .deleteFrom('alert_customer_stages')
      .where('customer_id', 'in', [...customerIds])
      .execute();
    await insertIgnoring(tx, 'alert_customer_stages', stages);
    const stored = await tx
      .selectFrom('alerts')
      .selectAll()
      .where('customer_id', 'in', [...customerIds])
      .where('signal', 'in', [...CUSTOMER_SIGNALS])
      .execute();
    await syncAlerts(tx, stored, desired, outbox);
  }

  /**
   * A rebuilt generation, at the head and about to go live, hands the outbox what the live
   * one may not have: its alerts inside the horizon (and later ones) not enqueued yet; and
   * withdraws what is pending for alerts it does not have.
   */
  private async reconcileOutbox(tx: Db): Promise<void> {
    const outbox = this.outbox(tx);
    const since = this.delivery.clock.now() - this.delivery.horizonMs;
    const recent = await tx.selectFrom('alerts').selectAll().where('raised_at', '>=', since).execute();
    for (const row of recent) await outbox.raised(alertOfRow(row));
    const pending = await (tx as Kysely<any>)
      .selectFrom('alert_outbox')
      .select('alert_id')
      .distinct()
      .where('state', '=', 'pending')
      .execute();
    const ids = pending.map((p) => String(p.alert_id));
    const known = new Set<string>();
    for (const chunk of inChunks(ids)) {
      for (const row of await tx.selectFrom('alerts').select('alert_id').where('alert_id', 'in', chunk).execute()) known.add(row.alert_id);
    }
    for (const id of ids) if (!known.has(id)) await outbox.withdrawn(id);
  }
}

/** Writes the difference between the stored alerts and the wanted ones, and tells the outbox. */
async function syncAlerts(tx: Db, stored: readonly AlertsTable[], desired: readonly Alert[], outbox: AlertOutbox | null): Promise<void> {
  const storedById = new Map(stored.map((row) => [row.alert_id, row]));
  const wanted = new Map(desired.map((alert) => [alert.id, alert]));
  const gone = stored.filter((row) => !wanted.has(row.alert_id)).map((row) => row.alert_id);
  for (const chunk of inChunks(gone)) await tx.deleteFrom('alerts').where('alert_id', 'in', chunk).execute();
  const fresh: Alert[] = [];
  for (const alert of wanted.values()) {
    const row = alertRow(alert);
    const before = storedById.get(alert.id);
    if (!before) {
      fresh.push(alert);
      continue;
    }
    if (sameRow(before, row)) continue;
    await tx.updateTable('alerts').set(row).where('alert_id', '=', alert.id).execute();
    if (!outbox) continue;
    if (row.followed_up_at !== null && String(row.followed_up_at) !== String(before.followed_up_at)) await outbox.followedUp(alert);
    await outbox.changed(alert);
  }
  await insertIgnoring(tx, 'alerts', fresh.map(alertRow));
  if (!outbox) return;
  for (const id of gone) await outbox.withdrawn(id);
  for (const alert of fresh) await outbox.raised(alert);
}

async function insertIgnoring<T extends keyof AlertsTables>(tx: Db, table: T, rows: readonly AlertsTables[T][]): Promise<void> {
  for (const chunk of inChunks(rows))
    await (tx as Kysely<any>)
      .insertInto(table)
      .values(chunk)
      .onConflict((oc) => oc.doNothing())
      .execute();
}

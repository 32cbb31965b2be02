import { sql, type Kysely } from 'kysely';
import type { AnyLedgerEvent } from '@cx/events';
import {
  CASE_SIGNALS,
  caseAlerts,
  caseIdOf,
  caseOwnerAt,
  customerAlerts,
  customerFollowUp,
  isCaseSignal,
  CUSTOMER_SIGNALS,
  type Alert,
  type AlertSignal,
  type CaseSettings,
  type LifecycleSettings,
} from '@cx/views';
import type { Clock } from '@cx/clock';
import { CustomerAliases, loadLockedAliases } from '../canonical-customers';
import { caseKey, customerKey } from '../entity-keys';
import type { Projection, ProjectionContext } from '../projection';
import { STAGE_KINDS } from '../lifecycle/customer-facts';
import { restretch, type CustomerCase } from '../lifecycle/stage-facts';
import { inChunks, inIndexOrder, insertAll, unionAll } from '../sql-batches';
import { customerChunks } from './customer-chunks';
import { ALERT_EVENT_TYPES, answersSince, caseEventRow, caseStates, customerFactOf, outboundAround } from './alert-facts';
import { ALERT_STAGE_FACTS, EVER, restage } from './alert-stages';
import type { ViewDialect } from '../view-store/view-store.port';
import { AlertOutbox, ensureAlertOutboxTables, isLiveGeneration, type AlertOutboxTables } from './alert-outbox';
import { alertOfRow, alertRow, sameRow } from './alert-rows';
import { createAlertsReadIndexes, createAlertsTables } from './alerts.schema';
import { ALERTS_TABLES, type AlertCustomerFactsTable, type AlertsTable, type AlertsTables } from './alerts.tables';
import { known } from '../known';

type Db = Kysely<AlertsTables>;

/** No new fact for a rule: nothing of it is computed again. */
const NEVER = Number.MAX_SAFE_INTEGER;

export type AlertThresholds = LifecycleSettings & CaseSettings;

/** Where the outbox is written from: the wall clock (the delivery horizon is judged when an alert first appears). */
export interface AlertDeliveryPolicy {
  clock: Clock;
  horizonMs: number;
}

/**
 * From which instant each rule reads a customer's facts again: a fact changes no alert
 * raised before it, but for the follow-up of those it can now follow up.
 */
interface Since {
  /** Detractor alerts: from the earliest new answer (or answer naming a case that changed). */
  answers: number;
  /** Stage alerts: from the earliest new fact the stage rules read. */
  stages: number;
  /** Follow-ups: from the earliest new outbound interaction. */
  outbound: number;
}

const ANSWER_KINDS: ReadonlySet<string> = new Set(['nps', 'csat', 'ces']);

/** The customers and cases a batch touched: their alerts are computed again, a customer's from where its new facts lie. */
class Touched {
  readonly customers = new Map<string, Since>();
  readonly cases = new Set<string>();
  /** The cases each customer's new case facts belong to: their open stretches are written again. */
  readonly stretched = new Map<string, CustomerCase>();
  /** The batch's merges (from, into): their customers are computed in one chunk (see customerChunks). */
  readonly merges: Array<[string, string]> = [];

  get empty(): boolean {
    return this.customers.size === 0 && this.cases.size === 0;
  }

  fact(fact: AlertCustomerFactsTable): void {
    const since = this.of(fact.customer_id);
    if (ANSWER_KINDS.has(fact.kind)) since.answers = Math.min(since.answers, fact.time);
    if (STAGE_KINDS.includes(fact.kind as never)) since.stages = Math.min(since.stages, fact.time);
    if (fact.kind === 'outbound') since.outbound = Math.min(since.outbound, fact.time);
    if (fact.kind === 'case' && fact.case_id !== null) this.stretch(fact.customer_id, fact.case_id);
  }

  answersFrom(customerId: string, time: number): void {
    const since = this.of(customerId);
    since.answers = Math.min(since.answers, time);
  }

  /** Everything computed again: a merge, or work left to `settle`. */
  all(customerId: string): void {
    this.customers.set(customerId, { answers: EVER, stages: EVER, outbound: EVER });
  }

  stretch(customerId: string, caseId: string): void {
    this.stretched.set(`${customerId}\u0000${caseId}`, { customerId, caseId });
  }

  private of(customerId: string): Since {
    let since = this.customers.get(customerId);
    if (!since) this.customers.set(customerId, (since = { answers: NEVER, stages: NEVER, outbound: NEVER }));
    return since;
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
  /**
   * 2: index (customer_id, followed_up_at); 3: a detractor's subject is the customer it was answered as;
   * 4: case stretches and an index by case, so a batch reads only the facts that decide its alerts;
   * 5: a merge's two customers computed in one chunk (a batch of over 500 customers that split them
   * could lose the merged customer's detractor): the rebuild brings back any alert lost that way.
   * 6: the closed-loop report's look-ups from indexes alone: score and segment in the facts' index by
   * kind, and a read index of the stages with the stage.
   */
  readonly version = 6;
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

  async createReadIndexes(db: Db, context: ProjectionContext): Promise<void> {
    await createAlertsReadIndexes(db, context);
  }

  async apply(tx: Db, events: readonly AnyLedgerEvent[], context: ProjectionContext): Promise<void> {
    const ids = events.flatMap((e) =>
      e.type === 'cx.customer.merged.v1' && e.data.into.id !== undefined ? [e.customerId, e.data.into.id] : [e.customerId],
    );
    const aliases = await loadLockedAliases(context, ids, (loaded) => CustomerAliases.load(tx, 'alert_customer_aliases', loaded));
    const caseIds = [...new Set(events.flatMap((e) => caseIdOf(e) ?? []))];
    await context.lock?.(caseIds.map(caseKey));
    const touched = new Touched();
    let facts: AlertCustomerFactsTable[] = [];
    let caseRows: ReturnType<typeof caseEventRow>[] = [];
    const flush = async () => {
      await insertIgnoring(tx, 'alert_customer_facts', inIndexOrder(facts, ['customer_id', 'kind', 'time']));
      await insertIgnoring(tx, 'alert_case_events', inIndexOrder(caseRows, ['case_id', 'time']));
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
        touched.fact(fact);
      }
      const caseId = caseIdOf(event);
      if (caseId !== undefined) {
        caseRows.push(caseEventRow(event, caseId));
        touched.cases.add(caseId);
      }
    }
    await flush();
    await aliases.write(tx);
    await restretch(tx, [...touched.stretched.values()], context.dialect, ALERT_STAGE_FACTS);
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
      else touched.all(entity.slice(9));
    }
    await this.compute(tx, touched, context, null);
    for (const chunk of inChunks(pending.map((p) => p.entity))) await tx.deleteFrom('alert_pending').where('entity', 'in', chunk).execute();
    return pending.length;
  }

  private outbox(tx: Db): AlertOutbox {
    return new AlertOutbox(tx as unknown as Kysely<AlertOutboxTables>, this.delivery.clock.now(), this.delivery.horizonMs);
  }

  /** The anonymous customer's facts move under the named one; both, and the cases whose alerts name it, are computed again. */
  private async merge(tx: Db, aliases: CustomerAliases, event: AnyLedgerEvent, touched: Touched): Promise<void> {
    if (event.type !== 'cx.customer.merged.v1' || event.data.into.id === undefined) return;
    const from = aliases.of(event.customerId);
    const into = aliases.of(event.data.into.id);
    if (from === into) return;
    const moved = await tx
      .selectFrom('alert_customer_facts')
      .select('case_id')
      .distinct()
      .where('customer_id', '=', from)
      .where('kind', '=', 'case')
      .execute();
    for (const { case_id } of moved) if (case_id !== null) touched.stretch(into, case_id);
    await tx.updateTable('alert_customer_facts').set({ customer_id: into }).where('customer_id', '=', from).execute();
    for (const table of ['alert_customer_stages', 'alert_case_stretches'] as const)
      await tx.deleteFrom(table).where('customer_id', '=', from).execute();
    const cases = await tx
      .selectFrom('alerts')
      .select('case_id')
      .distinct()
      .where('customer_id', '=', from)
      .where('signal', 'in', [...CASE_SIGNALS])
      .execute();
    for (const { case_id } of cases) if (case_id !== null) touched.cases.add(case_id);
    aliases.merge(from, into);
    touched.all(from);
    touched.all(into);
    touched.merges.push([from, into]);
  }

  private async leaveForSettle(tx: Db, touched: Touched): Promise<void> {
    const entities = [...[...touched.customers.keys()].map(customerKey), ...[...touched.cases].map(caseKey)].map((entity) => ({ entity }));
    await insertIgnoring(tx, 'alert_pending', entities);
  }

  /**
   * Cases first: a case's change can change the team of a detractor whose survey names it.
   * A customer a rebuild left to `settle` is computed whole: its stored alerts and stages
   * are not to be trusted yet.
   */
  private async compute(tx: Db, touched: Touched, context: ProjectionContext, outbox: AlertOutbox | null): Promise<void> {
    if (touched.empty) return;
    const cases = [...touched.cases];
    for (const chunk of inChunks(cases)) {
      await this.computeCases(tx, chunk, outbox);
      // By case alone, the signal told apart here (see storedCustomerAlerts: the planner's index by signal).
      const naming = await tx.selectFrom('alerts').select(['customer_id', 'signal', 'raised_at']).where('case_id', 'in', chunk).execute();
      for (const row of naming) if (row.signal === 'detractor') touched.answersFrom(row.customer_id, Number(row.raised_at));
    }
    const customers = [...touched.customers.keys()];
    await context.lock?.(customers.map(customerKey));
    for (const chunk of customerChunks(customers, touched.merges)) {
      const pending = await tx.selectFrom('alert_pending').select('entity').where('entity', 'in', chunk.map(customerKey)).execute();
      for (const { entity } of pending) touched.all(entity.slice(9));
      await this.computeCustomers(
        tx,
        chunk.map((id) => [id, known(touched.customers, id)]),
        context.dialect,
        outbox,
      );
    }
  }

  private async computeCases(tx: Db, caseIds: readonly string[], outbox: AlertOutbox | null): Promise<void> {
    const states = await caseStates(tx, caseIds);
    const desired = [...states.values()].flatMap((state) => caseAlerts(state, this.settings));
    const aliases = await CustomerAliases.load(
      tx,
      'alert_customer_aliases',
      desired.map((a) => a.customerId),
    );
    // By case alone, the signal told apart here (see storedCustomerAlerts: the planner's index by signal).
    const stored = (
      await tx
        .selectFrom('alerts')
        .selectAll()
        .where('case_id', 'in', [...caseIds])
        .execute()
    ).filter((row) => isCaseSignal(row.signal as AlertSignal));
    await syncAlerts(
      tx,
      stored,
      desired.map((a) => ({ ...a, customerId: aliases.of(a.customerId) })),
      outbox,
    );
  }

  /**
   * Each customer's alerts that its new facts can change: detractors from the earliest new
   * answer, stage alerts from the earliest new stage fact, and the follow-up of any alert
   * that a new outbound interaction may now follow up. The rest stand as stored.
   */
  private async computeCustomers(
    tx: Db,
    customers: ReadonlyArray<[string, Since]>,
    dialect: ViewDialect,
    outbox: AlertOutbox | null,
  ): Promise<void> {
    const starts = (rule: keyof Since) =>
      customers.filter(([, since]) => since[rule] !== NEVER).map(([customerId, since]) => ({ customerId, from: since[rule] }));
    const stageChanges = await restage(tx, starts('stages'), this.settings, dialect);
    const answers = await answersSince(tx, starts('answers'));
    const named = [...new Set([...answers.values()].flat().flatMap((a) => a.caseId ?? []))];
    const cases = await caseStates(tx, named);
    const ownerAt = (caseId: string, T: number) => {
      const state = cases.get(caseId);
      return state?.events.length ? caseOwnerAt(state, T) : null;
    };
    const stored = await storedCustomerAlerts(tx, customers);
    const sinceOf = new Map(customers);
    // Stored alerts not computed again keep all but their follow-up.
    const desired: Alert[] = stored.filter((row) => !recomputed(row, known(sinceOf, row.customer_id))).map(alertOfRow);
    for (const [customerId] of customers) {
      const fresh = customerAlerts({
        customerId,
        answers: answers.get(customerId) ?? [],
        outbound: [],
        stageChanges: stageChanges.get(customerId) ?? [],
        caseOwnerAt: ownerAt,
      });
      desired.push(...fresh);
    }
    await followUps(tx, desired);
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

/** Whether a stored alert is one its customer's rules compute again (else only its follow-up may change). */
const recomputed = (row: AlertsTable, since: Since): boolean =>
  Number(row.raised_at) >= (row.signal === 'detractor' ? since.answers : since.stages);

/**
 * The stored alerts of each customer that may change: those its rules compute again, and
 * those a new outbound interaction may follow up (none yet, or a later one). Each part is
 * an index seek (by raised_at, or by followed_up_at).
 */
async function storedCustomerAlerts(tx: Db, customers: ReadonlyArray<[string, Since]>): Promise<AlertsTable[]> {
  const table = sql.table('alerts');
  const sinceOf = new Map(customers);
  // One range per customer, the signals told apart here: given a signal, SQLite (no
  // statistics on view tables) sought the (signal, raised_at) index and read that signal's
  // alerts of every customer, a cost that grew with the history.
  const raised = await unionAll<AlertsTable>(
    tx,
    customers.map(
      ([customerId, { answers, stages }]) =>
        sql`SELECT * FROM ${table} WHERE customer_id = ${customerId} AND raised_at >= ${Math.min(answers, stages)}`,
    ),
  );
  const computedAgain = raised.filter(
    (row) => (CUSTOMER_SIGNALS as readonly string[]).includes(row.signal) && recomputed(row, known(sinceOf, row.customer_id)),
  );
  const followable = await unionAll<AlertsTable>(
    tx,
    customers.flatMap(([customerId, { outbound }]) =>
      outbound === NEVER
        ? []
        : [
            sql`SELECT * FROM ${table} WHERE customer_id = ${customerId} AND followed_up_at IS NULL AND signal IN (${sql.join(CUSTOMER_SIGNALS)})`,
            sql`SELECT * FROM ${table} WHERE customer_id = ${customerId} AND followed_up_at >= ${outbound} AND signal IN (${sql.join(CUSTOMER_SIGNALS)})`,
          ],
    ),
  );
  return [...new Map([...computedAgain, ...followable].map((row) => [row.alert_id, row])).values()];
}

/** Each alert's follow-up (SPEC §2.4: the first outbound interaction after it), from the interactions around the alerts alone. */
async function followUps(tx: Db, alerts: Alert[]): Promise<void> {
  const spans = new Map<string, { customerId: string; from: number; to: number }>();
  for (const { customerId, raisedAt } of alerts) {
    const span = spans.get(customerId);
    spans.set(customerId, { customerId, from: Math.min(span?.from ?? raisedAt, raisedAt), to: Math.max(span?.to ?? raisedAt, raisedAt) });
  }
  const outbound = await outboundAround(tx, [...spans.values()]);
  for (const alert of alerts) alert.followUp = customerFollowUp(outbound.get(alert.customerId) ?? [], alert.raisedAt);
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

/** Inserts the rows, leaving as it is any row whose key is stored already. */
const insertIgnoring = <T extends keyof AlertsTables>(tx: Db, table: T, rows: readonly AlertsTables[T][]): Promise<void> =>
  insertAll(tx as Kysely<any>, table, rows, 'ignore');

import { Kysely, sql } from 'kysely';
import { alertData, type Alert } from '@cx/views';
import { createTable, type TableSchema } from '../view-store/table-schema';

/**
 * The delivery outbox of alerts (SPEC §2.4), ONE set of tables shared by every generation of
 * the alerts projection: the live generation writes it in the same transaction as its alert
 * rows, and a rebuilt generation finds there what the live one already enqueued or
 * delivered, so a rebuild never sends anything again. Keyed by (alert id, kind).
 */
export const ALERT_OUTBOX_TABLE = 'alert_outbox';
export const ALERT_DELIVERIES_TABLE = 'alert_deliveries';
export const ALERT_DELIVERY_ATTEMPTS_TABLE = 'alert_delivery_attempts';

export type AlertEventKind = 'raised' | 'followed_up';

export interface AlertOutboxTable {
  alert_id: string;
  kind: AlertEventKind;
  customer_id: string;
  /** When it may be sent: raisedAt (a threshold alert can be known before it is raised), or the follow-up's time. */
  due_at: number;
  raised_at: number;
  /** The CloudEvent's data (`alertData`), as JSON. */
  payload: string;
  /** pending: not yet handed to the deliverer; dispatched: one delivery row per target made; withdrawn: the alert went away before it was sent. */
  state: 'pending' | 'dispatched' | 'withdrawn';
  enqueued_at: number;
}

/** One alert event to one target (`kafka`, or a webhook URL). */
export interface AlertDeliveriesTable {
  alert_id: string;
  kind: AlertEventKind;
  target: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: number;
  /** A deliverer holds it until then (another may take it over after a crash). */
  lease_until: number;
  first_attempt_at: number | null;
  delivered_at: number | null;
  last_error: string | null;
}

export interface AlertDeliveryAttemptsTable {
  alert_id: string;
  kind: AlertEventKind;
  target: string;
  attempt: number;
  at: number;
  outcome: 'delivered' | 'failed';
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface AlertOutboxTables {
  alert_outbox: AlertOutboxTable;
  alert_deliveries: AlertDeliveriesTable;
  alert_delivery_attempts: AlertDeliveryAttemptsTable;
}

const OUTBOX: TableSchema = {
  name: ALERT_OUTBOX_TABLE,
  columns: [
    ['alert_id', 'text', 'required'],
    ['kind', 'text', 'required'],
    ['customer_id', 'text', 'required'],
    ['due_at', 'bigint', 'required'],
    ['raised_at', 'bigint', 'required'],
    ['payload', 'text', 'required'],
    ['state', 'text', 'required'],
    ['enqueued_at', 'bigint', 'required'],
  ],
  primaryKey: ['alert_id', 'kind'],
  indexes: [
    { name: 'alert_outbox_by_state', columns: ['state', 'due_at'] },
    { name: 'alert_outbox_by_raised_at', columns: ['raised_at'] },
  ],
};

const DELIVERIES: TableSchema = {
  name: ALERT_DELIVERIES_TABLE,
  columns: [
    ['alert_id', 'text', 'required'],
    ['kind', 'text', 'required'],
    ['target', 'text', 'required'],
    ['state', 'text', 'required'],
    ['attempts', 'integer', 'required'],
    ['next_attempt_at', 'bigint', 'required'],
    ['lease_until', 'bigint', 'required'],
    ['first_attempt_at', 'bigint'],
    ['delivered_at', 'bigint'],
    ['last_error', 'text'],
  ],
  primaryKey: ['alert_id', 'kind', 'target'],
  indexes: [{ name: 'alert_deliveries_by_state', columns: ['state', 'next_attempt_at'] }],
};

const DELIVERY_ATTEMPTS: TableSchema = {
  name: ALERT_DELIVERY_ATTEMPTS_TABLE,
  columns: [
    ['alert_id', 'text', 'required'],
    ['kind', 'text', 'required'],
    ['target', 'text', 'required'],
    ['attempt', 'integer', 'required'],
    ['at', 'bigint', 'required'],
    ['outcome', 'text', 'required'],
    ['status_code', 'integer'],
    ['error', 'text'],
    ['duration_ms', 'integer', 'required'],
  ],
  primaryKey: ['alert_id', 'kind', 'target', 'attempt'],
};

/** Made once, beside the first generation; later generations find them. */
export async function ensureAlertOutboxTables(db: Kysely<any>): Promise<void> {
  for (const table of [OUTBOX, DELIVERIES, DELIVERY_ATTEMPTS]) await createTable(db, table, { ifNotExists: true });
}

/**
 * What the live generation changes in the outbox as its alerts change. An alert raised
 * longer ago than the delivery horizon when it first appears is kept but never enqueued;
 * its follow-up neither. A row already there is never enqueued again, so neither a rebuild
 * nor a batch applied twice sends anything twice.
 */
export class AlertOutbox {
  constructor(
    private readonly db: Kysely<AlertOutboxTables>,
    private readonly now: number,
    private readonly horizonMs: number,
  ) {}

  async raised(alert: Alert): Promise<void> {
    if (this.now - alert.raisedAt > this.horizonMs) return;
    await this.db
      .insertInto(ALERT_OUTBOX_TABLE)
      .values(this.row(alert, 'raised'))
      .onConflict((oc) =>
        oc
          .columns(['alert_id', 'kind'])
          .doUpdateSet({ state: 'pending', payload: (eb) => eb.ref('excluded.payload'), enqueued_at: this.now })
          .where(`${ALERT_OUTBOX_TABLE}.state`, '=', 'withdrawn'),
      )
      .execute();
    if (alert.followUp) await this.followedUp(alert);
  }

  /** Enqueued only when its raising was (pending or sent); a pending one gets the newer follow-up. */
  async followedUp(alert: Alert): Promise<void> {
    if (!alert.followUp) return;
    const raised = await this.db
      .selectFrom(ALERT_OUTBOX_TABLE)
      .select('state')
      .where('alert_id', '=', alert.id)
      .where('kind', '=', 'raised')
      .executeTakeFirst();
    if (!raised || raised.state === 'withdrawn') return;
    const row = this.row(alert, 'followed_up');
    await this.db
      .insertInto(ALERT_OUTBOX_TABLE)
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(['alert_id', 'kind'])
          .doUpdateSet({ state: 'pending', payload: row.payload, due_at: row.due_at })
          .where(`${ALERT_OUTBOX_TABLE}.state`, 'in', ['pending', 'withdrawn']),
      )
      .execute();
  }

  /** The alert changed before it was sent (its team, its customer after a merge): the pending rows carry the new data. */
  async changed(alert: Alert): Promise<void> {
    await this.db
      .updateTable(ALERT_OUTBOX_TABLE)
      .set({ payload: JSON.stringify(alertData(alert)), customer_id: alert.customerId })
      .where('alert_id', '=', alert.id)
      .where('state', '=', 'pending')
      .execute();
  }

  /** The alert went away (a late event): what was not sent yet never will be. */
  async withdrawn(alertId: string): Promise<void> {
    await this.db
      .updateTable(ALERT_OUTBOX_TABLE)
      .set({ state: 'withdrawn' })
      .where('alert_id', '=', alertId)
      .where('state', '=', 'pending')
      .execute();
  }

  private row(alert: Alert, kind: AlertEventKind): AlertOutboxTable {
    return {
      alert_id: alert.id,
      kind,
      customer_id: alert.customerId,
      due_at: dueAt(alert, kind),
      raised_at: alert.raisedAt,
      payload: JSON.stringify(alertData(alert)),
      state: 'pending',
      enqueued_at: this.now,
    };
  }
}

/** Whether the generation is the live one (only it writes the outbox; a rebuilt one reconciles in `settle`). */
export async function isLiveGeneration(db: Kysely<any>, name: string, generation: number): Promise<boolean> {
  const row = await sql<{ active_generation: number }>`SELECT active_generation FROM projections WHERE name = ${name}`.execute(db);
  return Number(row.rows[0]?.active_generation) === generation;
}

/** A raised alert is due when it was raised; its follow-up, when the follow-up came. */
function dueAt(alert: Alert, kind: AlertEventKind): number {
  if (kind === 'raised') return alert.raisedAt;
  if (!alert.followUp) throw new Error(`alert ${alert.id} has no follow-up to deliver`);
  return alert.followUp.at;
}

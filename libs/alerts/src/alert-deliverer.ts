import { Logger } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { type Clock, Wakeup } from '@cx/clock';
import {
  ALERT_DELIVERIES_TABLE,
  ALERT_DELIVERY_ATTEMPTS_TABLE,
  ALERT_OUTBOX_TABLE,
  type AlertOutboxTables,
  type ViewStore,
} from '@cx/projection';
import type { OutboxEvent } from './alert-cloud-event';
import type { AlertTarget, SendOutcome } from './alert-targets';
import { givesUp, pendingDeliveries, retryDelayMs } from './delivery-schedule';

export interface DelivererOptions {
  /** How often an idle deliverer looks for due rows. */
  pollMs: number;
  /** Deliveries one target takes per round. */
  batchSize: number;
  /** A claimed delivery is left to others after this long (a deliverer killed mid-send). */
  leaseMs: number;
}

const DEFAULT_OPTIONS: DelivererOptions = { pollMs: 50, batchSize: 200, leaseMs: 30_000 };

/** What a round of one target did, for metrics. */
export interface DeliveryListener {
  attempted(target: string, outcome: 'delivered' | 'failed' | 'gave_up', count: number): void;
}

type Db = Kysely<AlertOutboxTables>;

/**
 * Sends what the alerts projection put in the outbox (SPEC §2.4): due rows are dispatched
 * into one delivery per target, and each target works through its own deliveries, so a
 * slow or failing webhook never holds up Kafka or another webhook (nor ingest, which only
 * writes the outbox through the projection). Every attempt is recorded. A delivery is
 * claimed under a lease before it is sent and marked after, so several processes share
 * the work and a process killed mid-send leaves it to the next after the lease: at least
 * once, never twice in the normal course.
 */
export class AlertDeliverer {
  private readonly options: DelivererOptions;
  private readonly logger = new Logger('alerts');
  private readonly loops: Promise<void>[] = [];
  private stopped = false;
  /** Sleeping loops, woken at once by stop(). */
  /** Ends the loops' sleeps at once when delivery stops. */
  private readonly pause = new Wakeup();

  constructor(
    private readonly store: ViewStore,
    private readonly targets: readonly AlertTarget[],
    private readonly clock: Clock,
    private readonly listener: DeliveryListener = { attempted: () => undefined },
    options: Partial<DelivererOptions> = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
  }

  start(): void {
    if (this.targets.length === 0) return;
    this.loops.push(this.loop('dispatch', () => this.dispatch()));
    for (const target of this.targets) this.loops.push(this.loop(target.name, () => this.deliver(target)));
  }

  /** Waits for the rounds under way; webhook requests still in flight are cut short (sent again after their lease). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.pause.notify();
    await Promise.all(this.targets.map((target) => target.close()));
    await Promise.all(this.loops);
  }

  /** Repeats `round` while it finds work, else sleeps `pollMs`; an error is logged and retried after a pause. */
  private async loop(name: string, round: () => Promise<number>): Promise<void> {
    while (!this.stopped) {
      let done = 0;
      try {
        done = await round();
      } catch (error) {
        this.logger.warn(`alert delivery (${name}): ${(error as Error).message}`);
        await this.pause.wait(1_000);
        continue;
      }
      if (done === 0) await this.pause.wait(this.options.pollMs);
    }
  }

  private get reader(): Db {
    return this.store.reader as Db;
  }

  /** Due outbox rows become one pending delivery per target. Answers how many rows it dispatched. */
  async dispatch(): Promise<number> {
    const now = this.clock.now();
    const due = await this.reader
      .selectFrom(ALERT_OUTBOX_TABLE)
      .select('alert_id')
      .where('state', '=', 'pending')
      .where('due_at', '<=', now)
      .limit(1)
      .execute();
    if (due.length === 0) return 0;
    return this.store.transaction(async (tx: Db) => {
      let query = tx
        .selectFrom(ALERT_OUTBOX_TABLE)
        .select(['alert_id', 'kind'])
        .where('state', '=', 'pending')
        .where('due_at', '<=', now)
        .orderBy('due_at')
        .limit(this.options.batchSize);
      if (this.store.dialect === 'postgres') query = query.forUpdate().skipLocked();
      const rows = await query.execute();
      if (rows.length === 0) return 0;
      const deliveries = pendingDeliveries(
        rows,
        this.targets.map((target) => target.name),
        now,
      );
      await tx
        .insertInto(ALERT_DELIVERIES_TABLE)
        .values(deliveries)
        .onConflict((oc) => oc.columns(['alert_id', 'kind', 'target']).doNothing())
        .execute();
      for (const row of rows) {
        await tx
          .updateTable(ALERT_OUTBOX_TABLE)
          .set({ state: 'dispatched' })
          .where('alert_id', '=', row.alert_id)
          .where('kind', '=', row.kind)
          .execute();
      }
      return rows.length;
    });
  }

  /** One round of one target: claim due deliveries, send them, record every attempt. */
  async deliver(target: AlertTarget): Promise<number> {
    const claimed = await this.claim(target);
    if (claimed.length === 0) return 0;
    const started = this.clock.now();
    const outcomes = await target.send(claimed.map((c) => c.event));
    await this.record(target, claimed, outcomes, started, this.clock.now() - started);
    return claimed.length;
  }

  private async claim(target: AlertTarget): Promise<Array<{ event: OutboxEvent; attempts: number; firstAttemptAt: number | null }>> {
    const now = this.clock.now();
    const ready = await this.reader
      .selectFrom(ALERT_DELIVERIES_TABLE)
      .select('alert_id')
      .where('target', '=', target.name)
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where('lease_until', '<=', now)
      .limit(1)
      .execute();
    if (ready.length === 0) return [];
    return this.store.transaction(async (tx: Db) => {
      let query = tx
        .selectFrom(ALERT_DELIVERIES_TABLE)
        .innerJoin(ALERT_OUTBOX_TABLE, (join) =>
          join
            .onRef(`${ALERT_OUTBOX_TABLE}.alert_id`, '=', `${ALERT_DELIVERIES_TABLE}.alert_id`)
            .onRef(`${ALERT_OUTBOX_TABLE}.kind`, '=', `${ALERT_DELIVERIES_TABLE}.kind`),
        )
        .select([
          `${ALERT_DELIVERIES_TABLE}.alert_id`,
          `${ALERT_DELIVERIES_TABLE}.kind`,
          'attempts',
          'first_attempt_at',
          'customer_id',
          'due_at',
          'payload',
        ])
        .where('target', '=', target.name)
        .where(`${ALERT_DELIVERIES_TABLE}.state`, '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .where('lease_until', '<=', now)
        .orderBy('next_attempt_at')
        .orderBy(`${ALERT_OUTBOX_TABLE}.due_at`)
        .limit(this.options.batchSize);
      if (this.store.dialect === 'postgres') query = query.forUpdate(ALERT_DELIVERIES_TABLE).skipLocked();
      const rows = await query.execute();
      for (const row of rows) {
        await tx
          .updateTable(ALERT_DELIVERIES_TABLE)
          .set({ lease_until: now + this.options.leaseMs })
          .where('alert_id', '=', row.alert_id)
          .where('kind', '=', row.kind)
          .where('target', '=', target.name)
          .execute();
      }
      return rows.map((row) => ({
        event: { alertId: row.alert_id, kind: row.kind, customerId: row.customer_id, dueAt: Number(row.due_at), payload: row.payload },
        attempts: Number(row.attempts),
        firstAttemptAt: row.first_attempt_at === null ? null : Number(row.first_attempt_at),
      }));
    });
  }

  private async record(
    target: AlertTarget,
    claimed: ReadonlyArray<{ event: OutboxEvent; attempts: number; firstAttemptAt: number | null }>,
    outcomes: readonly SendOutcome[],
    at: number,
    durationMs: number,
  ): Promise<void> {
    const now = this.clock.now();
    const counts = { delivered: 0, failed: 0, gave_up: 0 };
    await this.store.transaction(async (tx: Db) => {
      for (const [i, { event, attempts, firstAttemptAt }] of claimed.entries()) {
        const outcome = outcomes[i];
        const attempt = attempts + 1;
        const first = firstAttemptAt ?? at;
        await tx
          .insertInto(ALERT_DELIVERY_ATTEMPTS_TABLE)
          .values({
            alert_id: event.alertId,
            kind: event.kind,
            target: target.name,
            attempt,
            at,
            outcome: outcome.ok ? 'delivered' : 'failed',
            status_code: outcome.statusCode,
            error: outcome.error?.slice(0, 500) ?? null,
            duration_ms: durationMs,
          })
          .onConflict((oc) => oc.doNothing())
          .execute();
        const update = outcome.ok
          ? { state: 'delivered' as const, delivered_at: now, last_error: null }
          : givesUp(first, now)
            ? { state: 'failed' as const, last_error: outcome.error }
            : { state: 'pending' as const, next_attempt_at: now + retryDelayMs(attempt), last_error: outcome.error };
        counts[outcome.ok ? 'delivered' : update.state === 'failed' ? 'gave_up' : 'failed'] += 1;
        await tx
          .updateTable(ALERT_DELIVERIES_TABLE)
          .set({ ...update, attempts: attempt, first_attempt_at: first, lease_until: 0 })
          .where('alert_id', '=', event.alertId)
          .where('kind', '=', event.kind)
          .where('target', '=', target.name)
          .execute();
      }
    });
    for (const outcome of ['delivered', 'failed', 'gave_up'] as const)
      if (counts[outcome] > 0) this.listener.attempted(target.name, outcome, counts[outcome]);
  }
}

import type { Kysely } from 'kysely';
import type { Clock } from '@cx/clock';
import type { Metrics } from '@cx/metrics';
import { ALERT_DELIVERIES_TABLE, ALERT_OUTBOX_TABLE, type AlertOutboxTables, type ViewStore } from '@cx/projection';
import { ALERT_SIGNALS } from '@cx/views';
import type { DeliveryListener } from './alert-deliverer';

/**
 * Alert metrics: alerts raised by signal and the outbox's undelivered age are read from the
 * view store on every scrape (so every process answers the same); delivery attempts by
 * target and outcome are counted by the deliverer of this process.
 */
export function alertMetrics(metrics: Metrics, store: ViewStore, clock: Clock): DeliveryListener {
  const bySignal = (name: string, help: string) => metrics.gauge({ name, help, labelNames: ['signal'] });
  const raised = bySignal('cx_alerts_raised', 'Alerts raised so far (raisedAt <= now) in the live alerts view');
  const open = bySignal('cx_alerts_not_followed_up', 'Alerts raised so far and not followed up by now');
  const oldest = metrics.gauge({
    name: 'cx_alert_oldest_undelivered_seconds',
    help: 'Age of the oldest alert event due and not yet delivered to every target (0: none)',
  });
  const undelivered = metrics.gauge({
    name: 'cx_alert_deliveries_undelivered',
    help: 'Alert deliveries due and not yet delivered, by target',
    labelNames: ['target'],
  });
  const attempts = metrics.counter({
    name: 'cx_alert_delivery_attempts_total',
    help: 'Alert delivery attempts by target and outcome (delivered, failed, gave_up)',
    labelNames: ['target', 'outcome'],
  });
  metrics.onScrape(async () => {
    const now = clock.now();
    const db = store.reader;
    const rows = await db
      .selectFrom('alerts')
      .select(['signal', (eb) => eb.fn.countAll().as('n'), (eb) => eb.fn.count('followed_up_at').as('followed')])
      .where('raised_at', '<=', now)
      .groupBy('signal')
      .execute()
      .catch(() => []);
    for (const signal of ALERT_SIGNALS) {
      const row = rows.find((r) => r.signal === signal);
      raised.set({ signal }, Number(row?.n ?? 0));
      open.set({ signal }, Number(row?.n ?? 0) - Number(row?.followed ?? 0));
    }
    await outboxAges(store.reader as Kysely<AlertOutboxTables>, now, oldest, undelivered);
  });
  return { attempted: (target, outcome, count) => attempts.inc({ target, outcome }, count) };
}

async function outboxAges(
  db: Kysely<AlertOutboxTables>,
  now: number,
  oldest: ReturnType<Metrics['gauge']>,
  undelivered: ReturnType<Metrics['gauge']>,
): Promise<void> {
  const waiting = await db
    .selectFrom(ALERT_OUTBOX_TABLE)
    .select((eb) => eb.fn.min<number | null>('due_at').as('due'))
    .where('state', '=', 'pending')
    .where('due_at', '<=', now)
    .executeTakeFirst();
  const pending = await db
    .selectFrom(ALERT_DELIVERIES_TABLE)
    .innerJoin(ALERT_OUTBOX_TABLE, (join) =>
      join
        .onRef(`${ALERT_OUTBOX_TABLE}.alert_id`, '=', `${ALERT_DELIVERIES_TABLE}.alert_id`)
        .onRef(`${ALERT_OUTBOX_TABLE}.kind`, '=', `${ALERT_DELIVERIES_TABLE}.kind`),
    )
    .select(['target', (eb) => eb.fn.countAll().as('n'), (eb) => eb.fn.min(`${ALERT_OUTBOX_TABLE}.due_at`).as('due')])
    .where(`${ALERT_DELIVERIES_TABLE}.state`, '=', 'pending')
    .groupBy('target')
    .execute();
  undelivered.reset();
  for (const row of pending) undelivered.set({ target: row.target }, Number(row.n));
  const dues = [waiting?.due, ...pending.map((row) => row.due)].filter((due) => due !== null && due !== undefined).map(Number);
  oldest.set(dues.length ? Math.max(0, (now - Math.min(...dues)) / 1000) : 0);
}

import type { Kysely } from 'kysely';
import { ALERT_DELIVERIES_TABLE, ALERT_OUTBOX_TABLE, type AlertOutboxTables, type ViewStore } from '@cx/projection';
import { pendingDeliveries } from './delivery-schedule';

/**
 * `cx alerts redeliver --since T`: for a receiver that lost data, every alert event sent (or
 * tried) whose time (raisedAt, or the follow-up's) is at or after `since` is queued again
 * for the targets named (default: all configured), with the same CloudEvent id, so the
 * receiver can dedupe what it still had. Answers how many deliveries were queued.
 */
export async function redeliverAlerts(store: ViewStore, since: number, targets: readonly string[], now: number): Promise<number> {
  if (targets.length === 0) return 0;
  return store.transaction(async (tx: Kysely<AlertOutboxTables>) => {
    const sent = await tx
      .selectFrom(ALERT_OUTBOX_TABLE)
      .select(['alert_id', 'kind'])
      .where('state', '=', 'dispatched')
      .where('due_at', '>=', since)
      .execute();
    const rows = pendingDeliveries(sent, targets, now);
    for (let i = 0; i < rows.length; i += 500) {
      await tx
        .insertInto(ALERT_DELIVERIES_TABLE)
        .values(rows.slice(i, i + 500))
        .onConflict((oc) =>
          oc
            .columns(['alert_id', 'kind', 'target'])
            .doUpdateSet({ state: 'pending', next_attempt_at: now, lease_until: 0, first_attempt_at: null }),
        )
        .execute();
    }
    return rows.length;
  });
}

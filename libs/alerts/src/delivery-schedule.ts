import { backoffMs, type Backoff } from '@cx/clock';
import type { AlertOutboxTables } from '@cx/projection';
/** The first retry after a second, doubling up to ten minutes. */
const REDELIVERY: Backoff = { firstMs: 1_000, maxMs: 10 * 60_000 };
/** SPEC §2.4: retried for at least 24 hours; the last try comes after 24 h. */
export const RETRY_WINDOW_MS = 24 * 3_600_000;

/** How long to wait after the `attempts`-th failed attempt (exponential backoff, capped). */
export const retryDelayMs = (attempts: number): number => backoffMs(REDELIVERY, attempts - 1);

/** A delivery that has failed for longer than the retry window is given up (`failed`); ops may redeliver it. */
export const givesUp = (firstAttemptAt: number, now: number): boolean => now - firstAttemptAt > RETRY_WINDOW_MS;

type AlertDelivery = AlertOutboxTables['alert_deliveries'];

/** A delivery of each alert event to each target, due now and never tried: as the outbox hands them over, and as ops queue them again. */
export const pendingDeliveries = (
  events: ReadonlyArray<Pick<AlertDelivery, 'alert_id' | 'kind'>>,
  targets: readonly string[],
  now: number,
): AlertDelivery[] =>
  events.flatMap(({ alert_id, kind }) =>
    targets.map((target) => ({
      alert_id,
      kind,
      target,
      state: 'pending' as const,
      attempts: 0,
      next_attempt_at: now,
      lease_until: 0,
      first_attempt_at: null,
      delivered_at: null,
      last_error: null,
    })),
  );

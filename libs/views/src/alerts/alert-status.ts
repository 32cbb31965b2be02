import type { Alert, AlertStatus } from './alert';

/**
 * The alert's status at `asOf` (SPEC §2.4; events with `time <= asOf` count): `followed_up`
 * once its follow-up happened, else `overdue` when open for more than the follow-up SLA
 * ("more than" is strict, as everywhere), else `open`. Null before it is raised.
 */
export function alertStatusAt(alert: Pick<Alert, 'raisedAt' | 'followUp'>, asOf: number, followUpSlaMs: number): AlertStatus | null {
  if (alert.raisedAt > asOf) return null;
  if (alert.followUp && alert.followUp.at <= asOf) return 'followed_up';
  return asOf - alert.raisedAt > followUpSlaMs ? 'overdue' : 'open';
}

/** The alert as it stood at `asOf`: a follow-up after it is not known yet. */
export function alertAsOf<A extends Pick<Alert, 'followUp'>>(alert: A, asOf: number): A {
  return alert.followUp && alert.followUp.at > asOf ? { ...alert, followUp: null } : alert;
}

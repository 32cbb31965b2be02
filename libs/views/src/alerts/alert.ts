import { createHash } from 'node:crypto';
import { minutesFromMs } from '../cases/rounding';

/** The signals of SPEC §2.4: three about a customer, two about a case. */
export const CUSTOMER_SIGNALS = ['detractor', 'at_risk', 'churned'] as const;
export const CASE_SIGNALS = ['handoff_stalled', 'ping_pong'] as const;
export const ALERT_SIGNALS = [...CUSTOMER_SIGNALS, ...CASE_SIGNALS] as const;
export type CustomerSignal = (typeof CUSTOMER_SIGNALS)[number];
export type CaseSignal = (typeof CASE_SIGNALS)[number];
export type AlertSignal = (typeof ALERT_SIGNALS)[number];

export const ALERT_STATUSES = ['open', 'followed_up', 'overdue'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** What followed an alert up: an outbound interaction (customer), or the case's next acceptance or resolution. */
export interface FollowUp {
  at: number;
  /** Position of the event that followed it up. */
  position: number;
  /** That event's team, when it names one. */
  team: string | null;
}

/** What raised the alert, beyond its signal: shown to people and sent in the CloudEvent. */
export interface AlertDetail {
  /** detractor: the answer that raised it. */
  survey?: 'nps' | 'csat' | 'ces';
  score?: number;
  /** handoff_stalled / ping_pong: the handoff (its key is its starting event's position). */
  handoffPosition?: number;
  fromTeam?: string;
  toTeam?: string;
  requestedAt?: number;
}

/**
 * One alert (SPEC §2.4). Every field is a function of the events: the same events give the
 * same alerts, whatever their arrival order, batching or a rebuild.
 */
export interface Alert {
  id: string;
  signal: AlertSignal;
  /** The customer id (customer signals) or the case id (case signals): see `alertSubject`. */
  subject: string;
  /** Whose alert it is: Kafka key of its CloudEvents; for a case signal the case's customer. */
  customerId: string;
  /** The case of a case signal, or the case a detractor's survey names; else null. */
  caseId: string | null;
  raisedAt: number;
  /** Position of the event that raised it; null when a threshold passing raised it. */
  raisedBy: number | null;
  /** The team that owns the alert as raised (see README: team); null when none is known then. */
  team: string | null;
  detail: AlertDetail;
  followUp: FollowUp | null;
}

/**
 * The exact text an alert id is computed from: `signal|subject|raisedAt`, raisedAt written
 * as RFC 3339 UTC with milliseconds (`2026-03-01T09:30:00.000Z`, what `toISOString` gives).
 */
export const alertIdText = (signal: AlertSignal, subject: string, raisedAt: number): string =>
  `${signal}|${subject}|${new Date(raisedAt).toISOString()}`;

/** SPEC §2.4: the first 32 hex digits of SHA-256 over `signal|subject|raisedAt`. */
export const alertId = (signal: AlertSignal, subject: string, raisedAt: number): string =>
  createHash('sha256')
    .update(alertIdText(signal, subject, raisedAt), 'utf8')
    .digest('hex')
    .slice(0, 32);

export const isCaseSignal = (signal: AlertSignal): signal is CaseSignal => (CASE_SIGNALS as readonly string[]).includes(signal);

/** Minutes from raising to follow-up, to 1 decimal (like every minute figure); null when not followed up. */
export function followUpMinutes(alert: Pick<Alert, 'raisedAt' | 'followUp'>): number | null {
  return alert.followUp ? minutesFromMs(alert.followUp.at - alert.raisedAt) : null;
}

import type { AlertEventKind } from '@cx/projection';

/** The CloudEvent types of SPEC §2.4, by outbox kind. */
export const ALERT_CLOUD_EVENT_TYPES: Readonly<Record<AlertEventKind, string>> = {
  raised: 'cx.alert.raised.v1',
  followed_up: 'cx.alert.followed_up.v1',
};

/**
 * Both events of one alert carry the alert id (SPEC §2.4); CloudEvents makes (source, id)
 * unique, so each type has a source of its own.
 */
const SOURCES: Readonly<Record<AlertEventKind, string>> = {
  raised: '/cx-ledger/alerts/raised',
  followed_up: '/cx-ledger/alerts/followed-up',
};

/** One outbox row as the deliverer reads it. */
export interface OutboxEvent {
  alertId: string;
  kind: AlertEventKind;
  customerId: string;
  dueAt: number;
  payload: string;
}

export interface AlertCloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  subject: string;
  datacontenttype: 'application/json';
  data: Record<string, unknown>;
}

/** Structured-mode CloudEvent: `time` is when it happened (raisedAt, or the follow-up's time). */
export function alertCloudEvent(event: OutboxEvent): AlertCloudEvent {
  const data = JSON.parse(event.payload) as Record<string, unknown>;
  return {
    specversion: '1.0',
    id: event.alertId,
    source: SOURCES[event.kind],
    type: ALERT_CLOUD_EVENT_TYPES[event.kind],
    time: new Date(event.dueAt).toISOString(),
    subject: String(data.subject),
    datacontenttype: 'application/json',
    data,
  };
}

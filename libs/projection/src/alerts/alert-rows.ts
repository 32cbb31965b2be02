import type { Alert, AlertSignal } from '@cx/views';
import { toNumber } from '../sql-batches';
import type { AlertsTable } from './alerts.tables';

/** An alert as its row in `alerts`: the detail spread into columns so SQL users filter without parsing. */
export function alertRow(alert: Alert): AlertsTable {
  const { detail, followUp } = alert;
  return {
    alert_id: alert.id,
    signal: alert.signal,
    subject: alert.subject,
    customer_id: alert.customerId,
    case_id: alert.caseId,
    raised_at: alert.raisedAt,
    raised_by: alert.raisedBy,
    team: alert.team,
    survey: detail.survey ?? null,
    score: detail.score ?? null,
    handoff_position: detail.handoffPosition ?? null,
    from_team: detail.fromTeam ?? null,
    to_team: detail.toTeam ?? null,
    requested_at: detail.requestedAt ?? null,
    followed_up_at: followUp?.at ?? null,
    follow_up_position: followUp?.position ?? null,
    follow_up_team: followUp?.team ?? null,
  };
}

/** The alert a row holds (BIGINT columns come back as strings from PostgreSQL). */
export function alertOfRow(row: AlertsTable): Alert {
  const detail: Alert['detail'] = {};
  if (row.survey !== null) detail.survey = row.survey as 'nps' | 'csat' | 'ces';
  if (row.score !== null) detail.score = Number(row.score);
  if (row.handoff_position !== null) detail.handoffPosition = Number(row.handoff_position);
  if (row.from_team !== null) detail.fromTeam = row.from_team;
  if (row.to_team !== null) detail.toTeam = row.to_team;
  if (row.requested_at !== null) detail.requestedAt = Number(row.requested_at);
  return {
    id: row.alert_id,
    signal: row.signal as AlertSignal,
    subject: row.subject,
    customerId: row.customer_id,
    caseId: row.case_id,
    raisedAt: Number(row.raised_at),
    raisedBy: toNumber(row.raised_by),
    team: row.team,
    detail,
    followUp:
      row.followed_up_at === null
        ? null
        : { at: Number(row.followed_up_at), position: Number(row.follow_up_position), team: row.follow_up_team },
  };
}

/** The columns the closed-loop report reads: its covering read index (`alerts_closed_loop`) holds them, led by `raised_at`. */
export const CLOSED_LOOP_COLUMNS = [
  'raised_at',
  'signal',
  'customer_id',
  'raised_by',
  'team',
  'survey',
  'score',
  'followed_up_at',
  'follow_up_team',
] as const;

/** Whether two rows say the same (a row read back has strings for BIGINTs on PostgreSQL). */
export const sameRow = (a: AlertsTable, b: AlertsTable): boolean =>
  JSON.stringify(alertRow(alertOfRow(a))) === JSON.stringify(alertRow(alertOfRow(b)));

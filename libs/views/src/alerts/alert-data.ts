import { followUpMinutes, type Alert } from './alert';

const iso = (ms: number): string => new Date(ms).toISOString();

/** An alert as JSON for people and receivers: times in RFC 3339 UTC, the follow-up as far as it is known. */
export interface AlertData {
  id: string;
  signal: string;
  subject: string;
  customerId: string;
  caseId: string | null;
  raisedAt: string;
  team: string | null;
  detail: Record<string, string | number>;
  followUp: { at: string; team: string | null } | null;
  followUpMinutes: number | null;
}

export function alertData(alert: Alert): AlertData {
  const { requestedAt, ...detail } = alert.detail;
  return {
    id: alert.id,
    signal: alert.signal,
    subject: alert.subject,
    customerId: alert.customerId,
    caseId: alert.caseId,
    raisedAt: iso(alert.raisedAt),
    team: alert.team,
    detail: { ...detail, ...(requestedAt === undefined ? {} : { requestedAt: iso(requestedAt) }) },
    followUp: alert.followUp ? { at: iso(alert.followUp.at), team: alert.followUp.team } : null,
    followUpMinutes: followUpMinutes(alert),
  };
}

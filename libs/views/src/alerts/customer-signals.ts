import type { StageChange } from '../lifecycle';
import { alertId, type Alert, type FollowUp } from './alert';

/** A survey answer of the customer, as the detractor rule reads it. */
export interface CustomerAnswer {
  /**
   * The customer the answer was stored under (its stream). A detractor alert's subject: so
   * its id stays the same when an anonymous customer is later merged into a named one.
   */
  answeredAs: string;
  time: number;
  position: number;
  survey: 'nps' | 'csat' | 'ces';
  score: number;
  team: string | null;
  caseId: string | null;
}

/** An outbound interaction of the customer: what follows a customer alert up. */
export interface OutboundContact {
  time: number;
  position: number;
  team: string | null;
}

/** What a customer's alerts are computed from. Lists may come in any order. */
export interface CustomerSignalFacts {
  customerId: string;
  answers: readonly CustomerAnswer[];
  /** The customer's stage history (SPEC §2.1, `stageHistory`): every change, threshold crossings included. */
  stageChanges: readonly StageChange[];
  outbound: readonly OutboundContact[];
  /** The team owning a case at T (null: none), for a detractor whose survey names a case. */
  caseOwnerAt?: (caseId: string, T: number) => string | null;
}

const byMoment = <F extends { time: number; position: number }>(facts: readonly F[]): F[] =>
  [...facts].sort((a, b) => a.time - b.time || a.position - b.position);

/** SPEC §2.4: an NPS answer 0–6, a CSAT answer 1–2 or a CES answer 1–2. */
export function isDetractorAnswer(survey: string, score: number): boolean {
  if (survey === 'nps') return score <= 6;
  return (survey === 'csat' || survey === 'ces') && score <= 2;
}

/** The first outbound interaction strictly after `raisedAt` (SPEC §2 order), or null. */
export function customerFollowUp(sortedOutbound: readonly OutboundContact[], raisedAt: number): FollowUp | null {
  const next = sortedOutbound.find((contact) => contact.time > raisedAt);
  return next ? { at: next.time, position: next.position, team: next.team } : null;
}

/**
 * The customer's alerts: one `detractor` per detractor answer (answers of one millisecond
 * and one customer share one alert, the first by position raising it), one `at_risk` or
 * `churned` each time the stage history enters that stage (subject: the customer as merged).
 * Sorted by raisedAt, then id.
 */
export function customerAlerts(facts: CustomerSignalFacts): Alert[] {
  const outbound = byMoment(facts.outbound);
  const alerts = new Map<string, Alert>();
  const add = (subject: string, alert: Omit<Alert, 'id' | 'followUp' | 'subject' | 'customerId'>) => {
    const id = alertId(alert.signal, subject, alert.raisedAt);
    if (alerts.has(id)) return;
    alerts.set(id, { id, subject, customerId: facts.customerId, ...alert, followUp: customerFollowUp(outbound, alert.raisedAt) });
  };
  for (const answer of byMoment(facts.answers)) {
    if (!isDetractorAnswer(answer.survey, answer.score)) continue;
    const caseTeam = answer.caseId && facts.caseOwnerAt ? facts.caseOwnerAt(answer.caseId, answer.time) : null;
    add(answer.answeredAs, {
      signal: 'detractor',
      caseId: answer.caseId,
      raisedAt: answer.time,
      raisedBy: answer.position,
      team: caseTeam ?? answer.team,
      detail: { survey: answer.survey, score: answer.score },
    });
  }
  for (const change of facts.stageChanges) {
    if (change.stage !== 'at_risk' && change.stage !== 'churned') continue;
    add(facts.customerId, { signal: change.stage, caseId: null, raisedAt: change.since, raisedBy: null, team: null, detail: {} });
  }
  return sortAlerts([...alerts.values()]);
}

export const sortAlerts = (alerts: Alert[]): Alert[] =>
  alerts.sort((a, b) => a.raisedAt - b.raisedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

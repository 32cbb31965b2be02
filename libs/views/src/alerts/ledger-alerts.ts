import type { AnyLedgerEvent } from '@cx/events';
import { caseIdOf, evolveCase, initialCaseState, type CaseState } from '../cases/case-state';
import { foldCustomer, stageHistory, type LifecycleSettings } from '../lifecycle';
import type { Alert } from './alert';
import type { AlertSettings } from './alert-settings';
import { caseAlerts, caseOwnerAt } from './case-signals';
import { customerAlerts, sortAlerts, type CustomerAnswer, type OutboundContact } from './customer-signals';

/** Far enough ahead that every threshold crossing the events imply is in the history. */
const END_OF_TIME = Date.UTC(9999, 11, 31);

/**
 * Which customer each id stands for once every merge is applied (SPEC §1.2 step 4: the
 * anonymous customer's whole history shows under the named one, merges chain).
 */
export function canonicalCustomers(events: readonly AnyLedgerEvent[]): (id: string) => string {
  const into = new Map<string, string>();
  const canonical = (id: string): string => {
    let current = id;
    // At most one step per merge: a cycle of merges cannot loop for ever.
    for (let seen = 0; seen < into.size; seen += 1) {
      const next = into.get(current);
      if (next === undefined) break;
      current = next;
    }
    return current;
  };
  for (const event of [...events].sort((a, b) => a.position - b.position)) {
    if (event.type !== 'cx.customer.merged.v1' || event.data.into.id === undefined) continue;
    const from = canonical(event.customerId);
    const target = canonical(event.data.into.id);
    if (from !== target) into.set(from, target);
  }
  return canonical;
}

/**
 * Every alert the events imply (SPEC §2.4), computed from scratch: the reference the
 * alerts projection is tested against. Customer alerts use the merged histories; a case's
 * alerts belong to the case's customer, merged likewise.
 */
export function ledgerAlerts(events: readonly AnyLedgerEvent[], settings: AlertSettings, lifecycle: LifecycleSettings): Alert[] {
  const canonical = canonicalCustomers(events);
  const cases = new Map<string, CaseState>();
  const byCustomer = new Map<string, AnyLedgerEvent[]>();
  for (const event of events) {
    if (event.type === 'cx.customer.merged.v1' || event.type === 'cx.customer.forgotten.v1') continue;
    const caseId = caseIdOf(event);
    if (caseId !== undefined) cases.set(caseId, evolveCase(cases.get(caseId) ?? initialCaseState(caseId), event));
    const id = canonical(event.customerId);
    byCustomer.set(id, [...(byCustomer.get(id) ?? []), event]);
  }
  const ownerAt = (caseId: string, T: number) => {
    const state = cases.get(caseId);
    return state ? caseOwnerAt(state, T) : null;
  };
  const alerts: Alert[] = [];
  for (const [customerId, own] of byCustomer) {
    alerts.push(
      ...customerAlerts({
        customerId,
        answers: own.flatMap(answerOf),
        outbound: own.flatMap(outboundOf),
        stageChanges: stageHistory(foldCustomer(customerId, own), END_OF_TIME, lifecycle),
        caseOwnerAt: ownerAt,
      }),
    );
  }
  for (const state of cases.values()) {
    alerts.push(...caseAlerts(state, settings).map((alert) => ({ ...alert, customerId: canonical(alert.customerId) })));
  }
  return sortAlerts(alerts);
}

export function answerOf(event: AnyLedgerEvent): CustomerAnswer[] {
  if (event.type !== 'cx.survey.answered.v1') return [];
  const { survey, score, team, caseId } = event.data;
  return [
    { answeredAs: event.customerId, time: event.time, position: event.position, survey, score, team: team ?? null, caseId: caseId ?? null },
  ];
}

export function outboundOf(event: AnyLedgerEvent): OutboundContact[] {
  if (event.type !== 'cx.interaction.recorded.v1' || event.data.direction !== 'outbound') return [];
  return [{ time: event.time, position: event.position, team: event.data.team ?? null }];
}

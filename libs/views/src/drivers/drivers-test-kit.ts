/**
 * Builders for the drivers specs (not exported from the library). Times are written relative
 * to the answer instant T of each spec, in hours or days, so expectations can be worked out
 * by hand.
 */
import type { CaseCategory, Channel } from '@cx/events';
import { appendedEvents } from '../testing/appended-events';

export const T = Date.UTC(2026, 5, 1, 12, 0, 0);
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Hands out events with increasing positions, as the store would append them. */
export function ledger() {
  const { events, add } = appendedEvents();
  return {
    events,
    add,
    opened: (
      customerId: string,
      caseId: string,
      time: number,
      options: { team?: string; category?: CaseCategory; channel?: Channel } = {},
    ) =>
      add('cx.case.opened.v1', customerId, time, {
        caseId,
        category: options.category ?? 'inquiry',
        channel: options.channel ?? 'phone',
        ...(options.team ? { team: options.team } : {}),
      }),
    requested: (customerId: string, caseId: string, time: number, fromTeam: string, toTeam: string) =>
      add('cx.case.handoff.requested.v1', customerId, time, { caseId, fromTeam, toTeam }),
    accepted: (customerId: string, caseId: string, time: number, team: string) =>
      add('cx.case.handoff.accepted.v1', customerId, time, { caseId, team }),
    resolved: (customerId: string, caseId: string, time: number, team?: string) =>
      add('cx.case.resolved.v1', customerId, time, { caseId, ...(team ? { team } : {}) }),
    reopened: (customerId: string, caseId: string, time: number) => add('cx.case.reopened.v1', customerId, time, { caseId }),
    contact: (customerId: string, time: number, channel: Channel, direction: 'inbound' | 'outbound' = 'inbound') =>
      add('cx.interaction.recorded.v1', customerId, time, { channel, direction }),
    nps: (customerId: string, time: number, score: number) => add('cx.survey.answered.v1', customerId, time, { survey: 'nps', score }),
    csat: (customerId: string, time: number, score: number) => add('cx.survey.answered.v1', customerId, time, { survey: 'csat', score }),
    order: (customerId: string, time: number, amountMinor: number, currency = 'EUR', orderId = `o${events.length + 1}`) =>
      add('cx.purchase.completed.v1', customerId, time, { orderId, amountMinor, currency, channel: 'web' }),
    segment: (customerId: string, time: number, segment: string) => add('cx.customer.profiled.v1', customerId, time, { segment }),
  };
}

export { shuffled } from '../testing/seeded-random';

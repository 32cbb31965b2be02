/** Test helpers: build stored events of one customer with readable times. Not exported from the library. */
import type { AnyLedgerEvent, EventDataByType, EventType, LedgerEvent } from '@cx/events';
import { LIFECYCLE_DAY_MS } from './lifecycle-settings';

export const DAY = LIFECYCLE_DAY_MS;
/** 2026-01-01T00:00:00Z: the start of every test story. */
export const T0 = Date.UTC(2026, 0, 1);
/** `day(n)` is T0 + n days; `day(n) + 1` is one millisecond later. */
export const day = (n: number): number => T0 + n * DAY;

export const CUSTOMER = 'c-1';

type DataOf<T extends EventType> = Omit<EventDataByType[T], 'customer'>;

/** Makes events with increasing positions, as the store would append them. */
export class EventMaker {
  private position = 0;

  constructor(private readonly customerId = CUSTOMER) {}

  event<T extends EventType>(type: T, time: number, data: DataOf<T>, position = ++this.position): AnyLedgerEvent {
    const stored: LedgerEvent<T> = {
      position,
      streamId: `customer-${this.customerId}`,
      revision: position - 1,
      customerId: this.customerId,
      id: `e-${position}`,
      source: '/test',
      type,
      time,
      recordedAt: time,
      data: { customer: { id: this.customerId }, ...data } as EventDataByType[T],
    };
    return stored as AnyLedgerEvent;
  }

  purchase(time: number, amountMinor = 1000, currency = 'EUR', channel: 'web' | 'store' = 'web'): AnyLedgerEvent {
    return this.event('cx.purchase.completed.v1', time, { orderId: `o-${this.position + 1}`, amountMinor, currency, channel });
  }

  nps(time: number, score: number): AnyLedgerEvent {
    return this.event('cx.survey.answered.v1', time, { survey: 'nps', score });
  }

  survey(time: number, survey: 'nps' | 'csat' | 'ces', score: number): AnyLedgerEvent {
    return this.event('cx.survey.answered.v1', time, { survey, score });
  }

  referral(time: number): AnyLedgerEvent {
    return this.event('cx.customer.referred.v1', time, {});
  }

  churn(time: number): AnyLedgerEvent {
    return this.event('cx.customer.churned.v1', time, { reason: 'cancelled' });
  }

  caseOpened(time: number, caseId: string, category: 'complaint' | 'inquiry' = 'complaint'): AnyLedgerEvent {
    return this.event('cx.case.opened.v1', time, { caseId, category, channel: 'phone' });
  }

  caseResolved(time: number, caseId: string): AnyLedgerEvent {
    return this.event('cx.case.resolved.v1', time, { caseId });
  }

  caseReopened(time: number, caseId: string): AnyLedgerEvent {
    return this.event('cx.case.reopened.v1', time, { caseId });
  }

  interaction(time: number, channel: 'phone' | 'email' | 'chat' = 'phone'): AnyLedgerEvent {
    return this.event('cx.interaction.recorded.v1', time, { channel, direction: 'inbound' });
  }

  profiled(time: number, segment?: string): AnyLedgerEvent {
    return this.event('cx.customer.profiled.v1', time, segment === undefined ? {} : { segment });
  }
}

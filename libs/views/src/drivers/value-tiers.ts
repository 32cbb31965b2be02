import type { OrderFact } from '../loyalty/facts';
import { VALUE_TIER_SPAN_MS } from './driver-settings';

export const VALUE_TIERS = ['top', 'core', 'none'] as const;
export type ValueTier = (typeof VALUE_TIERS)[number];

/** Orders in the 365 days before `to`: [to − 365 days, to). */
const ordersBefore = (orders: readonly OrderFact[], to: number): OrderFact[] =>
  orders.filter((o) => o.time >= to - VALUE_TIER_SPAN_MS && o.time < to);

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The report's default currency: the one with the most orders in the 365 days before `to`
 * (ties: the first in code-unit order); null when there were none.
 */
export function mostUsedCurrency(orders: readonly OrderFact[], to: number): string | null {
  const counts = new Map<string, number>();
  for (const order of ordersBefore(orders, to)) counts.set(order.currency, (counts.get(order.currency) ?? 0) + 1);
  const ranked = [...counts].sort(([a, n], [b, m]) => m - n || byCodeUnits(a, b));
  return ranked[0]?.[0] ?? null;
}

/** How many customers make the top 10% of n: rounded up, so any buyer at all gives a top tier. */
export const topCount = (buyers: number): number => Math.ceil(buyers / 10);

/**
 * SPEC §2.5 value tiers at `to`: among the customers with an order in `currency` in the 365
 * days before `to`, `top` are those with the highest revenue in that currency: a customer is
 * top when fewer than ⌈n / 10⌉ customers have strictly more (so customers tied at the
 * boundary are all top, and the tier never depends on ids). The other buyers are `core`;
 * everyone else (no order in that currency in those days) is `none`.
 */
export function valueTiers(orders: readonly OrderFact[], to: number, currency: string | null): (customerId: string) => ValueTier {
  const revenue = new Map<string, number>();
  for (const order of ordersBefore(orders, to)) {
    if (order.currency === currency) revenue.set(order.customerId, (revenue.get(order.customerId) ?? 0) + order.amountMinor);
  }
  const amounts = [...revenue.values()].sort((a, b) => b - a);
  const k = topCount(amounts.length);
  // The smallest revenue that still has fewer than k customers strictly above it.
  const threshold = k === 0 ? Number.POSITIVE_INFINITY : amounts[k - 1];
  return (customerId) => {
    const amount = revenue.get(customerId);
    if (amount === undefined) return 'none';
    return amount >= threshold ? 'top' : 'core';
  };
}

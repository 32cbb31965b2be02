import type { Kysely } from 'kysely';
import type { AnyLedgerEvent } from '@cx/events';
import { canonicalIdsOf } from '@cx/views/testing';
import { forGeneration } from '../engine/projection-registry';
import { LoyaltyProjection } from '../loyalty/loyalty.projection';
import type { LoyaltyTables } from '../loyalty/loyalty.tables';
import { applyInBatches, varyingSizes, viewsWithProjection, type BatchSizes, type ViewStoreUnderTest } from './projection-specification';
import { randomLedger } from './random-ledger';

type Purchase = Extract<AnyLedgerEvent, { type: 'cx.purchase.completed.v1' }>;

/**
 * Each customer's first order as the SPEC §2 order rules give it from the ledger alone: an order
 * id's first completion (time, then position) is the order, under the customer its buyer stands
 * for after every merge; a customer's first order is the earliest of its orders.
 */
function expectedFirstOrders(ledger: readonly AnyLedgerEvent[]): Array<{ customer_id: string; first_at: number }> {
  const canonical = canonicalIdsOf(ledger);
  const orders = new Map<string, Purchase>();
  for (const event of ledger) {
    if (event.type !== 'cx.purchase.completed.v1') continue;
    const current = orders.get(event.data.orderId);
    const earlier = !current || event.time < current.time || (event.time === current.time && event.position < current.position);
    if (earlier) orders.set(event.data.orderId, event);
  }
  const firsts = new Map<string, number>();
  for (const order of orders.values()) {
    const customer = canonical(order.customerId);
    firsts.set(customer, Math.min(order.time, firsts.get(customer) ?? Infinity));
  }
  return [...firsts].map(([customer_id, first_at]) => ({ customer_id, first_at })).sort(byCustomer);
}

/** Order ids completed by more than one customer (as they stand after every merge). */
function ordersOfSeveralCustomers(ledger: readonly AnyLedgerEvent[]): number {
  const canonical = canonicalIdsOf(ledger);
  const buyers = new Map<string, Set<string>>();
  for (const event of ledger)
    if (event.type === 'cx.purchase.completed.v1')
      buyers.set(event.data.orderId, (buyers.get(event.data.orderId) ?? new Set()).add(canonical(event.customerId)));
  return [...buyers.values()].filter((customers) => customers.size > 1).length;
}

const byCustomer = (a: { customer_id: string }, b: { customer_id: string }) => (a.customer_id < b.customer_id ? -1 : 1);

/** The loyalty projection's `loyalty_first_orders` on one view store (`open`). */
export function describeFirstOrdersContract(label: string, open: () => Promise<ViewStoreUnderTest>): void {
  describe(`each customer's first order (${label})`, () => {
    async function firstOrders(ledger: readonly AnyLedgerEvent[], sizes?: BatchSizes) {
      const projection = new LoyaltyProjection();
      const subject = await viewsWithProjection(projection, open);
      try {
        await applyInBatches(subject.views, projection, ledger, { sizes });
        const db = forGeneration(subject.views.reader, projection, 1) as Kysely<LoyaltyTables>;
        const rows = await db.selectFrom('loyalty_first_orders').selectAll().execute();
        return rows.map((r) => ({ customer_id: r.customer_id, first_at: Number(r.first_at) })).sort(byCustomer);
      } finally {
        await subject.dispose();
      }
    }

    it.each([[20261202], [31], [777]])('is the earliest own order of every customer, whatever the batches (seed %i)', async (seed) => {
      const ledger = randomLedger(1200, seed);
      const expected = expectedFirstOrders(ledger);
      // Worth the name: merges move orders, and order ids come again from other customers, some earlier.
      expect(ledger.some((e) => e.type === 'cx.customer.merged.v1')).toBe(true);
      expect(expected.length).toBeGreaterThan(5);
      expect(ordersOfSeveralCustomers(ledger)).toBeGreaterThan(0);
      expect(await firstOrders(ledger, varyingSizes())).toEqual(expected);
      expect(await firstOrders(ledger)).toEqual(expected);
    });
  });
}

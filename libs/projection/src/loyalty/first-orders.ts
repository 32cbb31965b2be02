import type { Kysely } from 'kysely';
import { inChunks } from '../sql-batches';
import type { OrdersTable } from './loyalty.tables';

/**
 * Keeps `loyalty_first_orders` equal to the earliest `time` of each customer's rows in `orders`,
 * after a batch wrote them. `written`: the order rows the batch wrote (an order only ever gets an
 * earlier completion, so a customer's first order can only move earlier by them). `lost`: the
 * customers some of whose rows went to another customer (an earlier completion of the same order
 * id by someone else, a merge); their first order is read again, one index seek each, as rows
 * can leave them. Work per batch follows the batch, never a customer's whole history.
 */
export async function keepFirstOrders(tx: Kysely<any>, written: readonly OrdersTable[], lost: ReadonlySet<string>): Promise<void> {
  const earliest = new Map<string, number>();
  for (const order of written) {
    if (lost.has(order.customer_id)) continue;
    earliest.set(order.customer_id, Math.min(order.time, earliest.get(order.customer_id) ?? Infinity));
  }
  for (const chunk of inChunks([...earliest])) await moveEarlier(tx, chunk);
  for (const customer of lost) await readAgain(tx, customer);
}

/** The first order of each customer, made earlier where `time` is: never later. */
async function moveEarlier(tx: Kysely<any>, firsts: ReadonlyArray<readonly [string, number]>): Promise<void> {
  await tx
    .insertInto('loyalty_first_orders')
    .values(firsts.map(([customer_id, first_at]) => ({ customer_id, first_at })))
    .onConflict((oc) =>
      oc.column('customer_id').doUpdateSet((eb) => ({
        first_at: eb
          .case()
          .when('excluded.first_at', '<', eb.ref('loyalty_first_orders.first_at'))
          .then(eb.ref('excluded.first_at'))
          .else(eb.ref('loyalty_first_orders.first_at'))
          .end(),
      })),
    )
    .execute();
}

/** The customer's first order from its rows now: `month` follows `time`, so the (customer_id, month, time) index gives it in one seek. */
async function readAgain(tx: Kysely<any>, customer: string): Promise<void> {
  await tx.deleteFrom('loyalty_first_orders').where('customer_id', '=', customer).execute();
  const first = await tx
    .selectFrom('orders')
    .select('time')
    .where('customer_id', '=', customer)
    .orderBy('month')
    .orderBy('time')
    .limit(1)
    .executeTakeFirst();
  if (first) await tx.insertInto('loyalty_first_orders').values({ customer_id: customer, first_at: first.time }).execute();
}

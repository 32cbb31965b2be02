import type { Kysely } from 'kysely';

/** The customer an id answers as (itself, or the named customer it was merged into) and every stream holding its events. */
export async function customerStreams(views: Kysely<any>, customerId: string): Promise<{ customerId: string; streams: string[] }> {
  const alias = await views.selectFrom('customer_aliases').select('customer_id').where('alias_id', '=', customerId).executeTakeFirst();
  const canonical = (alias?.customer_id as string | undefined) ?? customerId;
  const merged = await views
    .selectFrom('customer_aliases')
    .select('alias_id')
    .where('customer_id', '=', canonical)
    .orderBy('alias_id')
    .execute();
  return { customerId: canonical, streams: [canonical, ...merged.map((m) => m.alias_id as string)] };
}

import type { Kysely } from 'kysely';

/** Which customer an id stands for now: itself, or the named customer it was merged into. */
export class CustomerAliases {
  private constructor(
    private readonly canonical: Map<string, string>,
    readonly changed = new Map<string, string>(),
  ) {}

  static async load(db: Kysely<any>, ids: readonly string[]): Promise<CustomerAliases> {
    const rows =
      ids.length === 0
        ? []
        : await db
            .selectFrom('customer_aliases')
            .select(['alias_id', 'customer_id'])
            .where('alias_id', 'in', [...ids])
            .execute();
    return new CustomerAliases(new Map(rows.map((r) => [r.alias_id as string, r.customer_id as string])));
  }

  of(id: string): string {
    return this.canonical.get(id) ?? id;
  }

  /** `from` and everything merged into it now stand for `into`. */
  merge(from: string, into: string): void {
    for (const [alias, customer] of this.canonical) if (customer === from) this.point(alias, into);
    this.point(from, into);
  }

  private point(alias: string, customer: string): void {
    this.canonical.set(alias, customer);
    this.changed.set(alias, customer);
  }
}

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

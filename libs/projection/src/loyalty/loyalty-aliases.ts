import type { Kysely } from 'kysely';
import { CUSTOMER_TABLES } from './loyalty.tables';

/**
 * Which customer an id stands for now: itself, or the named customer it was merged into.
 * The loyalty projection keeps its own copy rather than reading the lifecycle's
 * `customer_aliases`: another projection's rows may be at another checkpoint (or another
 * generation during a rebuild), and a fold must depend on its own events only.
 */
export class LoyaltyAliases {
  /** Aliases whose customer changed in this batch: their rows must be re-pointed. */
  readonly changed = new Map<string, string>();

  private constructor(private readonly canonical: Map<string, string>) {}

  static async load(db: Kysely<any>, ids: readonly string[]): Promise<LoyaltyAliases> {
    const rows =
      ids.length === 0
        ? []
        : await db
            .selectFrom('loyalty_aliases')
            .select(['alias_id', 'customer_id'])
            .where('alias_id', 'in', [...ids])
            .execute();
    return new LoyaltyAliases(new Map(rows.map((r) => [r.alias_id as string, r.customer_id as string])));
  }

  of(id: string): string {
    return this.canonical.get(id) ?? id;
  }

  /** `from` and everything merged into it now stand for `into`. */
  merge(from: string, into: string): void {
    for (const [alias, customer] of this.canonical) if (customer === from) this.point(alias, into);
    this.point(from, into);
  }

  /** The cases with events of an alias whose customer changed: `write` moves their rows. */
  async casesMoved(db: Kysely<any>): Promise<string[]> {
    if (this.changed.size === 0) return [];
    const rows = await db
      .selectFrom('loyalty_case_events')
      .select('case_id')
      .distinct()
      .where('customer_id', 'in', [...this.changed.keys()])
      .execute();
    return rows.map((row) => row.case_id as string);
  }

  /** Moves the rows of every changed alias to its customer, and records the aliases. */
  async write(tx: Kysely<any>): Promise<void> {
    for (const [alias, customer] of this.changed) {
      for (const table of CUSTOMER_TABLES)
        await tx.updateTable(table).set({ customer_id: customer }).where('customer_id', '=', alias).execute();
      await tx.updateTable('loyalty_aliases').set({ customer_id: customer }).where('customer_id', '=', alias).execute();
      await tx
        .insertInto('loyalty_aliases')
        .values({ alias_id: alias, customer_id: customer })
        .onConflict((oc) => oc.column('alias_id').doUpdateSet({ customer_id: customer }))
        .execute();
    }
  }

  private point(alias: string, customer: string): void {
    this.canonical.set(alias, customer);
    this.changed.set(alias, customer);
  }
}

import type { Kysely } from 'kysely';
import { inChunks } from '../sql-batches';
import type { DriversTables } from './drivers.tables';

/**
 * Which customer an id stands for now, for the drivers projection (its own copy, like the
 * loyalty projection's: a fold depends on its own events only). A merge re-points the
 * answers, contacts and cases of the anonymous customer to the named one.
 */
export class DriverAliases {
  /** Aliases whose customer changed in this batch: their rows must be re-pointed. */
  readonly changed = new Map<string, string>();

  private constructor(private readonly canonical: Map<string, string>) {}

  static async load(db: Kysely<DriversTables>, ids: readonly string[]): Promise<DriverAliases> {
    const aliases = new DriverAliases(new Map());
    await aliases.extend(db, ids);
    return aliases;
  }

  /** Loads the aliases of more ids (those known already are kept as they are). */
  async extend(db: Kysely<DriversTables>, ids: readonly string[]): Promise<void> {
    const unknown = [...new Set(ids)].filter((id) => !this.canonical.has(id));
    if (unknown.length === 0) return;
    const rows = await db.selectFrom('driver_aliases').select(['alias_id', 'customer_id']).where('alias_id', 'in', unknown).execute();
    for (const row of rows) this.canonical.set(row.alias_id, row.customer_id);
  }

  /**
   * Reads the aliases of these ids again, but for those this batch changed: a merge of the
   * customer an id stood for re-points the id's row without the id's own lock.
   */
  async refresh(db: Kysely<DriversTables>, ids: readonly string[]): Promise<void> {
    const stored = [...new Set(ids)].filter((id) => !this.changed.has(id));
    for (const chunk of inChunks(stored)) {
      const rows = await db.selectFrom('driver_aliases').select(['alias_id', 'customer_id']).where('alias_id', 'in', chunk).execute();
      for (const id of chunk) this.canonical.delete(id);
      for (const row of rows) this.canonical.set(row.alias_id, row.customer_id);
    }
  }

  of(id: string): string {
    return this.canonical.get(id) ?? id;
  }

  /** `from` and everything merged into it now stand for `into`. */
  merge(from: string, into: string): void {
    for (const [alias, customer] of this.canonical) if (customer === from) this.point(alias, into);
    this.point(from, into);
  }

  /** Moves the rows of every changed alias to its customer, and records the aliases. */
  async write(tx: Kysely<DriversTables>): Promise<void> {
    for (const [alias, customer] of this.changed) {
      await tx.updateTable('driver_answers').set({ customer_id: customer }).where('customer_id', '=', alias).execute();
      await tx.updateTable('driver_contacts').set({ customer_id: customer }).where('customer_id', '=', alias).execute();
      await tx.updateTable('driver_cases').set({ customer_id: customer }).where('customer_id', '=', alias).execute();
      await tx.updateTable('driver_cases').set({ first_customer_id: customer }).where('first_customer_id', '=', alias).execute();
      await tx.updateTable('driver_aliases').set({ customer_id: customer }).where('customer_id', '=', alias).execute();
      await tx
        .insertInto('driver_aliases')
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

import type { Kysely } from 'kysely';
import type { AlertsTables } from './alerts.tables';

/** Which customer an id stands for now in the alerts projection's own alias table (merges chain). */
export class AlertAliases {
  private constructor(
    private readonly canonical: Map<string, string>,
    readonly changed = new Map<string, string>(),
  ) {}

  static async load(db: Kysely<AlertsTables>, ids: readonly string[]): Promise<AlertAliases> {
    const rows =
      ids.length === 0
        ? []
        : await db
            .selectFrom('alert_customer_aliases')
            .select(['alias_id', 'customer_id'])
            .where('alias_id', 'in', [...new Set(ids)])
            .execute();
    return new AlertAliases(new Map(rows.map((r) => [r.alias_id, r.customer_id])));
  }

  of(id: string): string {
    return this.canonical.get(id) ?? id;
  }

  /** `from` and every id merged into it now stand for `into`. */
  merge(from: string, into: string): void {
    for (const [alias, customer] of this.canonical) if (customer === from) this.point(alias, into);
    this.point(from, into);
  }

  async write(db: Kysely<AlertsTables>): Promise<void> {
    for (const [alias, customer] of this.changed) {
      await db.updateTable('alert_customer_aliases').set({ customer_id: customer }).where('customer_id', '=', alias).execute();
      await db
        .insertInto('alert_customer_aliases')
        .values({ alias_id: alias, customer_id: customer })
        .onConflict((oc) => oc.column('alias_id').doUpdateSet({ customer_id: customer }))
        .execute();
    }
    this.changed.clear();
  }

  private point(alias: string, customer: string): void {
    this.canonical.set(alias, customer);
    this.changed.set(alias, customer);
  }
}

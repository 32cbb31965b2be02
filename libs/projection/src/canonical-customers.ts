import type { Kysely } from 'kysely';
import type { ProjectionContext } from './projection';
import { customerKey } from './entity-keys';
import { inChunks } from './sql-batches';
import type { ColumnSchema, TableSchema } from './view-store/table-schema';

/**
 * Loads the aliases of a batch's customer ids with those ids and the customers they stand
 * for locked, when other batches of the generation run at the same time. An alias X→Y
 * changes only in a transaction holding Y's lock (Y's merge is in Y's stream) or X's: so
 * once the ids and every customer they map to were locked before the aliases were read,
 * the mapping cannot change until this transaction ends. Locking a customer may wait for
 * a merge that moves an id elsewhere, hence the loop until the mapping is stable.
 */
export async function loadLockedAliases(
  context: ProjectionContext,
  ids: readonly string[],
  load: (ids: readonly string[]) => Promise<CustomerAliases>,
): Promise<CustomerAliases> {
  if (!context.lock) return load(ids);
  const locked = new Set(ids);
  await context.lock(ids.map(customerKey));
  for (;;) {
    const aliases = await load(ids);
    const unlocked = [...new Set(ids.map((id) => aliases.of(id)))].filter((id) => !locked.has(id));
    if (unlocked.length === 0) return aliases;
    await context.lock(unlocked.map(customerKey));
    for (const id of unlocked) locked.add(id);
  }
}

/** A table of rows holding a customer id in one column: the rows a merge moves to the named customer. */
export type CustomerColumn = readonly [table: string, column: string];

/**
 * The alias table a projection keeps for CustomerAliases: one row per merged id, found by the
 * customer it stands for now. `index` names that index where a projection named it otherwise.
 */
export function aliasesTable(name: string, { index, more = [] }: { index?: string; more?: readonly ColumnSchema[] } = {}): TableSchema {
  return {
    name,
    columns: [['alias_id', 'text', 'key'], ['customer_id', 'text', 'required'], ...more],
    indexes: [index === undefined ? ['customer_id'] : { name: index, columns: ['customer_id'] }],
  };
}

/**
 * Which customer an id stands for now: itself, or the customer it was merged into (merges
 * chain). Each projection keeps its own alias table (`alias_id`, `customer_id`) rather than
 * reading another's: another projection's rows may be at another checkpoint (or another
 * generation during a rebuild), and a fold must depend on its own events only.
 */
export class CustomerAliases {
  /** Aliases whose customer changed in this batch: their rows must be re-pointed. */
  readonly changed = new Map<string, string>();
  private readonly canonical = new Map<string, string>();

  private constructor(private readonly table: string) {}

  static async load(db: Kysely<any>, table: string, ids: readonly string[]): Promise<CustomerAliases> {
    const aliases = new CustomerAliases(table);
    await aliases.extend(db, ids);
    return aliases;
  }

  /** Loads the aliases of more ids (those known already are kept as they are). */
  async extend(db: Kysely<any>, ids: readonly string[]): Promise<void> {
    await this.read(
      db,
      [...new Set(ids)].filter((id) => !this.canonical.has(id)),
    );
  }

  /**
   * Reads the aliases of these ids again, but for those this batch changed: a merge of the
   * customer an id stood for re-points the id's row without the id's own lock.
   */
  async refresh(db: Kysely<any>, ids: readonly string[]): Promise<void> {
    const stored = [...new Set(ids)].filter((id) => !this.changed.has(id));
    for (const id of stored) this.canonical.delete(id);
    await this.read(db, stored);
  }

  of(id: string): string {
    return this.canonical.get(id) ?? id;
  }

  /** `from` and everything merged into it now stand for `into`. */
  merge(from: string, into: string): void {
    for (const [alias, customer] of this.canonical) if (customer === from) this.point(alias, into);
    this.point(from, into);
  }

  /**
   * Moves the rows of every changed alias to its customer (`moved`: the projection's tables
   * keyed by customer), and records the aliases; `newRow` adds columns to an alias first seen.
   */
  async write(tx: Kysely<any>, moved: readonly CustomerColumn[] = [], newRow?: (alias: string) => Record<string, unknown>): Promise<void> {
    for (const [alias, customer] of this.changed) {
      for (const [table, column] of [...moved, [this.table, 'customer_id'] as const])
        await tx
          .updateTable(table)
          .set({ [column]: customer })
          .where(column, '=', alias)
          .execute();
      await tx
        .insertInto(this.table)
        .values({ alias_id: alias, customer_id: customer, ...newRow?.(alias) })
        .onConflict((oc) => oc.column('alias_id').doUpdateSet({ customer_id: customer }))
        .execute();
    }
  }

  private async read(db: Kysely<any>, ids: readonly string[]): Promise<void> {
    for (const chunk of inChunks(ids)) {
      const rows = await db.selectFrom(this.table).select(['alias_id', 'customer_id']).where('alias_id', 'in', chunk).execute();
      for (const row of rows) this.canonical.set(row.alias_id as string, row.customer_id as string);
    }
  }

  private point(alias: string, customer: string): void {
    this.canonical.set(alias, customer);
    this.changed.set(alias, customer);
  }
}

import type { ProjectionContext } from './projection';
import { customerKey } from './entity-keys';

/** A projection's own alias table, as loaded for some ids: the customer each stands for now. */
export interface Aliases {
  of(id: string): string;
}

/**
 * Loads the aliases of a batch's customer ids with those ids and the customers they stand
 * for locked, when other batches of the generation run at the same time. An alias X→Y
 * changes only in a transaction holding Y's lock (Y's merge is in Y's stream) or X's: so
 * once the ids and every customer they map to were locked before the aliases were read,
 * the mapping cannot change until this transaction ends. Locking a customer may wait for
 * a merge that moves an id elsewhere, hence the loop until the mapping is stable.
 */
export async function loadLockedAliases<A extends Aliases>(
  context: ProjectionContext,
  ids: readonly string[],
  load: (ids: readonly string[]) => Promise<A>,
): Promise<A> {
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

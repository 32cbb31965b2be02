import { inChunks, ROWS_PER_STATEMENT } from '../sql-batches';

/**
 * The batch's customers in chunks for `compute`, each merge's two customers in the same one.
 * A merge moves an alert (its id kept) from one customer to the other: computed apart, the
 * side that now wants it cannot see it stored under the other, and the other side, wanting
 * it no more, deletes it. Groups are kept whole; a chunk holds up to `size` customers unless
 * one group alone is larger.
 */
export function customerChunks(
  customers: readonly string[],
  merges: ReadonlyArray<readonly [string, string]>,
  size = ROWS_PER_STATEMENT,
): string[][] {
  if (merges.length === 0) return inChunks(customers, size);
  const groups = mergeGroups(customers, merges);
  const chunks: string[][] = [];
  let current: string[] = [];
  for (const group of groups) {
    if (current.length > 0 && current.length + group.length > size) {
      chunks.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The customers grouped by the merges that join them (transitively), in the order each group is first met. */
function mergeGroups(customers: readonly string[], merges: ReadonlyArray<readonly [string, string]>): string[][] {
  const parent = new Map<string, string>();
  const root = (id: string): string => {
    const up = parent.get(id);
    if (up === undefined || up === id) return id;
    const top = root(up);
    parent.set(id, top);
    return top;
  };
  for (const [a, b] of merges) {
    const [ra, rb] = [root(a), root(b)];
    if (ra !== rb) parent.set(ra, rb);
  }
  const groups = new Map<string, string[]>();
  for (const id of customers) {
    const key = root(id);
    const group = groups.get(key);
    if (group) group.push(id);
    else groups.set(key, [id]);
  }
  return [...groups.values()];
}

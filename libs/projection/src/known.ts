/**
 * The value a map holds for a key this code put there or asked a query for (a batch's
 * customers, the cases it read): an absent one is a fault, said here by name rather than as
 * a TypeError further on.
 */
export function known<K, V>(map: ReadonlyMap<K, V>, key: K): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`nothing is known for ${String(key)}`);
  return value;
}

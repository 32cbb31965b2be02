/**
 * The value a test goes on from (the row it found, the result it was answered): absent, the
 * test fails here, saying what was missing, rather than as a TypeError further on.
 */
export function present<T>(value: T | null | undefined, what = 'a value'): T {
  if (value === null || value === undefined) throw new Error(`expected ${what}, got ${String(value)}`);
  return value;
}

/**
 * Facts kept in the customer state are sorted by SPEC §2 order (time, ties by append
 * position), so the state does not depend on the order events arrived in.
 */
export interface Moment {
  /** Event time, epoch milliseconds. */
  time: number;
  /** Global append position: identifies the stored event. */
  position: number;
}

export const compareMoments = (a: Moment, b: Moment): number => a.time - b.time || a.position - b.position;

/** Index of the first fact that is not before `moment` (binary search). */
function lowerBound(facts: readonly Moment[], moment: Moment): number {
  let low = 0;
  let high = facts.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareMoments(facts[middle], moment) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Inserts a fact at its place in time. A redelivered event has the same position (and so
 * the same time): it lands on its earlier copy and the list is returned unchanged.
 */
export function insertFact<F extends Moment>(facts: readonly F[], fact: F): readonly F[] {
  const at = lowerBound(facts, fact);
  if (facts[at]?.position === fact.position) return facts;
  return [...facts.slice(0, at), fact, ...facts.slice(at)];
}

/** The facts with `time <= asOf`: everything the customer had done by then. */
export function factsUpTo<F extends Moment>(facts: readonly F[], asOf: number): readonly F[] {
  let low = 0;
  let high = facts.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (facts[middle].time <= asOf) low = middle + 1;
    else high = middle;
  }
  return low === facts.length ? facts : facts.slice(0, low);
}

/** The latest fact with `time <= asOf`, if any. */
export const latestUpTo = <F extends Moment>(facts: readonly F[], asOf: number): F | undefined => factsUpTo(facts, asOf).at(-1);

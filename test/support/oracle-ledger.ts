import type { AnyLedgerEvent } from '@cx/events';
import { DEFAULT_LIFECYCLE_SETTINGS, foldCustomer, stageAt, type StageOf } from '@cx/views';
import { present, seededRandom } from '@cx/views/testing';

/** What the oracle suites share: a seeded random source, its shuffle, and the posted ledger as the pure side reads it. */

/** A deterministic random source, so that a failing seed can be replayed. */
export function prng(seed: number) {
  const next = seededRandom(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}

export type Random = ReturnType<typeof prng>;

export function shuffle<T>(random: Random, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/** The stored events as the pure functions read them: positions from the store, customers after merges. */
export function storedLedger(
  posted: ReadonlyArray<{ type: unknown; time: string; data: unknown; id?: unknown; source?: unknown }>,
  results: ReadonlyArray<{ position?: number; customerId?: string }>,
  canonical: (id: string) => string,
): AnyLedgerEvent[] {
  return posted.map(
    (e, i) =>
      ({
        position: present(results[i].position),
        streamId: '',
        revision: 0,
        customerId: canonical(present(results[i].customerId)),
        id: e.id as string,
        source: e.source as string,
        type: e.type,
        time: Date.parse(e.time),
        recordedAt: 0,
        data: e.data,
      }) as unknown as AnyLedgerEvent,
  );
}

/** SPEC §2.2 stageOf: the pure lifecycle rules over the customer's events with `time < at`. */
export function stageOfLedger(ledger: readonly AnyLedgerEvent[]): StageOf {
  const byCustomer = new Map<string, AnyLedgerEvent[]>();
  for (const e of ledger) byCustomer.set(e.customerId, [...(byCustomer.get(e.customerId) ?? []), e]);
  return (customerId, at) =>
    stageAt(
      foldCustomer(
        customerId,
        (byCustomer.get(customerId) ?? []).filter((e) => e.time < at),
      ),
      at,
      DEFAULT_LIFECYCLE_SETTINGS,
    );
}

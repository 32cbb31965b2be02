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

/** A CloudEvent as the oracle suites post it. */
export interface OracleEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  data: Record<string, unknown> & { customer: Record<string, unknown> };
}

/**
 * The events of a random ledger, and `add`, which appends one from `source` with ids
 * `<prefix>-1`, `<prefix>-2`, …; fields left undefined are dropped, as a channel system leaves them out.
 */
export function oracleEvents(prefix: string, source: string) {
  const events: OracleEvent[] = [];
  const add = (type: string, customer: Record<string, unknown>, at: number, data: Record<string, unknown>): void => {
    const event = {
      specversion: '1.0',
      id: `${prefix}-${events.length + 1}`,
      source,
      type,
      time: new Date(at).toISOString(),
      data: { customer, ...data },
    };
    events.push(JSON.parse(JSON.stringify(event)) as OracleEvent);
  };
  return { events, add };
}

export type AddEvent = ReturnType<typeof oracleEvents>['add'];

/** What may happen to a case after its opening. */
export type CaseStepKind = 'requested' | 'accepted' | 'resolved' | 'reopened';

/** A case event after its opening, in `customer`'s stream, its teams drawn from `teams` (a resolution names one half the time). */
export function addCaseStep(
  random: Random,
  add: AddEvent,
  step: { kind: CaseStepKind; caseId: string; customer: Record<string, unknown>; at: number },
  teams: readonly string[],
): void {
  const { kind, caseId, customer, at } = step;
  if (kind === 'requested')
    add('cx.case.handoff.requested.v1', customer, at, { caseId, fromTeam: random.pick(teams), toTeam: random.pick(teams) });
  if (kind === 'accepted') add('cx.case.handoff.accepted.v1', customer, at, { caseId, team: random.pick(teams) });
  if (kind === 'resolved') add('cx.case.resolved.v1', customer, at, { caseId, team: random.chance(0.5) ? random.pick(teams) : undefined });
  if (kind === 'reopened') add('cx.case.reopened.v1', customer, at, { caseId });
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

export interface OracleCustomers {
  /** Each named customer twice (they are picked twice as often), then the anonymous ones. */
  customers: Array<{ id: string } | { email: string }>;
  /** The e-mail of each linked anonymous customer: the named customer it was merged into. */
  mergedInto: Map<string, string>;
}

/**
 * The oracle ledgers' customers: `named` ones (`<namedId>-<i>`), `anonymous` ones known only
 * by e-mail (`<email>-<i>@example.com`), and the first `linked` of those linked to a named
 * customer (a merge, SPEC §1.2) by `link`, an event naming both.
 */
export function oracleCustomers(
  counts: { named: number; namedId: string; anonymous: number; email: string; linked: number },
  link: (customer: { id: string; email: string }) => void,
): OracleCustomers {
  const named = Array.from({ length: counts.named }, (_, i) => ({ id: `${counts.namedId}-${i}` }));
  const anonymous = Array.from({ length: counts.anonymous }, (_, i) => ({ email: `${counts.email}-${i}@example.com` }));
  const mergedInto = new Map<string, string>();
  anonymous.slice(0, counts.linked).forEach((anon, i) => {
    link({ id: named[i].id, email: anon.email });
    mergedInto.set(anon.email, named[i].id);
  });
  return { customers: [...named, ...named, ...anonymous], mergedInto };
}

/** The id the store gave each linked anonymous customer (read from the ingest results), and the named customer it was merged into. */
export function mergedIds(
  posted: ReadonlyArray<{ data: object }>,
  results: ReadonlyArray<{ customerId?: string }>,
  mergedInto: ReadonlyMap<string, string>,
): Map<string, string> {
  const ids = new Map<string, string>();
  posted.forEach((e, i) => {
    const customer = (e.data as { customer: { id?: string; email?: string } }).customer;
    const target = customer.email === undefined ? undefined : mergedInto.get(customer.email);
    if (target !== undefined && customer.id === undefined) ids.set(present(results[i].customerId), target);
  });
  return ids;
}

import type { Kysely } from 'kysely';
import type { AnyLedgerEvent } from '@cx/events';
import { forGeneration, LifecycleProjection, LifecycleTables } from '@cx/projection';
import { customerView, customerViewOf, DEFAULT_LIFECYCLE_SETTINGS, foldCustomer, stageHistory } from '@cx/views';
import { applyInBatches, randomLedger, viewsWithProjection, type ViewStoreUnderTest } from '@cx/projection/testing';
import { customerActivityAt, stageHistoryAt } from './customer-activity';
import { timelinePage } from './customer-timeline';
import type { EventStore, StoredEvent } from '@cx/event-store';
import { canonicalIdsOf, present } from '@cx/views/testing';

const GENERATION = 1;
const DAY = 86_400_000;

/** Each canonical customer's events, its own and those of every customer merged into it. */
function eventsByCustomer(ledger: readonly AnyLedgerEvent[]): Map<string, AnyLedgerEvent[]> {
  const of = canonicalIdsOf(ledger);
  const byCustomer = new Map<string, AnyLedgerEvent[]>();
  for (const event of ledger) byCustomer.set(of(event.customerId), [...(byCustomer.get(of(event.customerId)) ?? []), event]);
  return byCustomer;
}

/** A read-only event store over the ledger, for the timeline. */
function storeOf(ledger: readonly AnyLedgerEvent[]): EventStore {
  const streams = new Map<string, AnyLedgerEvent[]>();
  for (const event of ledger) streams.set(event.streamId, [...(streams.get(event.streamId) ?? []), event]);
  return {
    readStream: async (streamId: string, options: { fromRevision?: number; maxCount?: number } = {}) =>
      (streams.get(streamId) ?? []).filter((e) => e.revision >= (options.fromRevision ?? 0)).slice(0, options.maxCount ?? Infinity),
  } as unknown as EventStore;
}

/**
 * The lifecycle rows against the pure oracle: for a seeded ledger with late events, merges
 * (chained) and cases shared between customers, applied in batches of varying sizes, every
 * customer's stage intervals are the pure `stageHistory`, its view read from the rows is the
 * pure `customerView` at every asOf tried, and its timeline is its events in time order.
 */
describe('the lifecycle rows answer as the pure fold', () => {
  let subject: ViewStoreUnderTest;
  let db: Kysely<LifecycleTables>;
  const ledger = randomLedger(1200, 20261130);
  const byCustomer = eventsByCustomer(ledger);
  const projection = new LifecycleProjection(DEFAULT_LIFECYCLE_SETTINGS);

  beforeAll(async () => {
    subject = await viewsWithProjection(projection);
    // Batches of 1, 8, 57, 34, … events, sizes as varied as a runner's.
    let size = 0;
    await applyInBatches(subject.views, projection, ledger, {
      generation: GENERATION,
      sizes: () => (size = size === 0 ? 1 : ((size * 7) % 61) + 1),
    });
    db = forGeneration(subject.views.reader, projection, GENERATION) as Kysely<LifecycleTables>;
  });

  afterAll(() => subject.dispose());

  it('runs on a ledger with merges, late events and shared cases', () => {
    expect(ledger.filter((e) => e.type === 'cx.customer.merged.v1').length).toBeGreaterThan(5);
    expect(ledger.some((e, i) => i > 0 && e.time < ledger[i - 1].time)).toBe(true);
    expect(ledger.filter((e) => e.type.startsWith('cx.case.handoff')).length).toBeGreaterThan(10);
  });

  it('keeps every stage interval the pure rules give, threshold crossings included', async () => {
    for (const [customerId, events] of byCustomer) {
      const stored = await stageHistoryAt(db, customerId, Number.MAX_SAFE_INTEGER);
      expect({ customerId, stages: stored }).toEqual({
        customerId,
        stages: stageHistory(foldCustomer(customerId, events), Number.MAX_SAFE_INTEGER),
      });
    }
  });

  it('gives the pure customer view at any asOf', async () => {
    const times = ledger.map((e) => e.time);
    const [start, end] = [Math.min(...times), Math.max(...times)];
    const instants = [start - 1, start, start + 10 * DAY, (start + end) / 2, end, end + 100 * DAY, end + 400 * DAY].map(Math.round);
    for (const [customerId, events] of byCustomer) {
      const state = foldCustomer(customerId, events);
      for (const asOf of instants) {
        const fromRows = customerViewOf(
          customerId,
          asOf,
          await stageHistoryAt(db, customerId, asOf),
          await customerActivityAt(db, customerId, asOf),
        );
        expect(fromRows).toEqual(customerView(state, asOf));
      }
    }
  });

  it('pages each timeline in time order, merged customers included, by cursor', async () => {
    const store = storeOf(ledger);
    for (const [customerId, events] of byCustomer) {
      const paged: number[] = [];
      let page = await timelinePage(db, store, customerId, 7);
      paged.push(...page.events.map((e) => e.position));
      while (page.next) {
        page = await timelinePage(db, store, customerId, 7, page.next);
        paged.push(...page.events.map((e) => e.position));
      }
      expect(paged).toEqual([...events].sort((a, b) => a.time - b.time || a.position - b.position).map((e) => e.position));
    }
  });

  it('places the events the projection has not folded yet by time, each once', async () => {
    const [customerId, events] = present([...byCustomer].find(([, own]) => own.length > 10));
    const notFolded = { ...events[3], position: ledger.length + 1, id: 'not-folded-yet' };
    const page = await timelinePage(db, storeOf(ledger), customerId, 1000, undefined, [events[0], notFolded] as unknown as StoredEvent[]);
    const expected = [...events, notFolded].sort((a, b) => a.time - b.time || a.position - b.position).map((e) => e.position);
    expect(page.events.map((e) => e.position)).toEqual(expected);
  });
});

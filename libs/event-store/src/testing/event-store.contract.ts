import { randomUUID } from 'node:crypto';
import type { EventStore, StoredEvent } from '../event-store.port';
import { appendToStream, WrongExpectedRevisionError } from '../event-store.port';
import { checkStreamChain } from '../hash-chain';
import { proposedEvent } from './proposed-event';

export interface EventStoreUnderTest {
  store: EventStore;
  /** Closes connections and removes what the test made. */
  dispose(): Promise<void>;
}

/**
 * The behaviour every EventStore adapter must show. Each adapter's spec calls this with a
 * factory that gives a fresh, empty store. Streams get random names so the suite also
 * holds on a store shared with other runs (EventStoreDB), reading `$all` only past the
 * head position it saw at the start.
 */
export function describeEventStoreContract(name: string, open: () => Promise<EventStoreUnderTest>): void {
  describe(`EventStore contract: ${name}`, () => {
    let subject: EventStoreUnderTest;
    let store: EventStore;
    let start: number;
    const stream = () => `c-${randomUUID()}`;
    const readAllSinceStart = async (): Promise<StoredEvent[]> => {
      const events: StoredEvent[] = [];
      for (let after = start; ;) {
        const page = await store.readAll({ after, maxCount: 100 });
        if (page.length === 0) return events;
        events.push(...page);
        after = page[page.length - 1].position;
      }
    };

    beforeEach(async () => {
      subject = await open();
      store = subject.store;
      start = await store.headPosition();
    });
    afterEach(async () => subject.dispose());

    it('appends to a stream and reads it back in revision order with recordedAt and increasing positions', async () => {
      const s = stream();
      const events = [proposedEvent({ customerId: s }), proposedEvent({ customerId: s }), proposedEvent({ customerId: s })];
      const result = await appendToStream(store, { streamId: s, expectedRevision: 'no_stream', events });
      expect(result.streamRevision).toBe(2);
      expect(result.outcomes.map((o) => o.status)).toEqual(['accepted', 'accepted', 'accepted']);
      const read = await store.readStream(s);
      expect(read.map((e) => [e.revision, e.id, e.customerId])).toEqual(events.map((e, i) => [i, e.id, s]));
      expect(read.map((e) => e.position)).toEqual(result.outcomes.map((o) => o.position));
      expect(read[0].position).toBeLessThan(read[1].position);
      expect(read[1].position).toBeLessThan(read[2].position);
      expect(read[0].data).toEqual(events[0].data);
      expect(read[0].attributes).toEqual(events[0].attributes);
      expect(read[0].time).toBe(events[0].time);
      expect(typeof read[0].recordedAt).toBe('number');
      expect(Math.abs(read[0].recordedAt - Date.now())).toBeLessThan(60_000);
      expect(await store.headPosition()).toBeGreaterThanOrEqual(read[2].position);
    });

    it('stores an event sent again with the same content once, answering duplicate with the original position', async () => {
      const s = stream();
      const event = proposedEvent({ customerId: s });
      const first = await appendToStream(store, { streamId: s, events: [event] });
      const again = await appendToStream(store, { streamId: s, events: [{ ...event, attributes: { ...event.attributes } }] });
      expect(again.outcomes).toEqual([{ status: 'duplicate', position: first.outcomes[0].position, customerId: s }]);
      expect(await store.readStream(s)).toHaveLength(1);
    });

    it('rejects the same (source, id) with other content as id_conflict, and keeps the first', async () => {
      const s = stream();
      const event = proposedEvent({ customerId: s });
      const first = await appendToStream(store, { streamId: s, events: [event] });
      const changed = { ...event, data: { ...event.data, summary: 'changed' }, contentHash: 'other' };
      const again = await appendToStream(store, { streamId: s, events: [changed] });
      expect(again.outcomes).toEqual([{ status: 'id_conflict', position: first.outcomes[0].position, customerId: s }]);
      const [stored] = await store.readStream(s);
      expect(stored.data).toEqual(event.data);
    });

    it('treats the same id from another source as another event', async () => {
      const s = stream();
      const a = proposedEvent({ customerId: s, source: '/channels/a' });
      const b = proposedEvent({ customerId: s, source: '/channels/b', id: a.id });
      const result = await appendToStream(store, { streamId: s, events: [a, b] });
      expect(result.outcomes.map((o) => o.status)).toEqual(['accepted', 'accepted']);
    });

    it('answers repeats inside one write as duplicate or id_conflict of the first', async () => {
      const s = stream();
      const event = proposedEvent({ customerId: s });
      const conflicting = { ...event, contentHash: 'other' };
      const result = await appendToStream(store, { streamId: s, events: [event, event, conflicting] });
      const position = result.outcomes[0].position;
      expect(result.outcomes.map((o) => [o.status, o.position])).toEqual([
        ['accepted', position],
        ['duplicate', position],
        ['id_conflict', position],
      ]);
      expect(await store.readStream(s)).toHaveLength(1);
    });

    it('answers every repeat of an already stored event in one write by the stored content', async () => {
      const s = stream();
      const event = proposedEvent({ customerId: s });
      const first = await appendToStream(store, { streamId: s, events: [event] });
      const position = first.outcomes[0].position;
      const conflicting = { ...event, contentHash: 'other' };
      const again = await appendToStream(store, { streamId: s, events: [event, event, conflicting, proposedEvent({ customerId: s })] });
      expect(again.outcomes.slice(0, 3).map((o) => [o.status, o.position])).toEqual([
        ['duplicate', position],
        ['duplicate', position],
        ['id_conflict', position],
      ]);
      expect(again.outcomes[3].status).toBe('accepted');
      expect(await store.readStream(s)).toHaveLength(2);
    });

    it('checks the expected revision', async () => {
      const s = stream();
      await expect(
        appendToStream(store, { streamId: s, expectedRevision: 'stream_exists', events: [proposedEvent({ customerId: s })] }),
      ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
      await appendToStream(store, { streamId: s, expectedRevision: 'no_stream', events: [proposedEvent({ customerId: s })] });
      await expect(
        appendToStream(store, { streamId: s, expectedRevision: 'no_stream', events: [proposedEvent({ customerId: s })] }),
      ).rejects.toMatchObject({ actual: 0 });
      await expect(
        appendToStream(store, { streamId: s, expectedRevision: 1, events: [proposedEvent({ customerId: s })] }),
      ).rejects.toMatchObject({ expected: 1, actual: 0 });
      const next = await appendToStream(store, { streamId: s, expectedRevision: 0, events: [proposedEvent({ customerId: s })] });
      expect(next.streamRevision).toBe(1);
      expect(await store.readStream(s)).toHaveLength(2);
    });

    it('answers a retried write as the first was, whatever revision it expected', async () => {
      const s = stream();
      const events = [proposedEvent({ customerId: s }), proposedEvent({ customerId: s })];
      const first = await appendToStream(store, { streamId: s, expectedRevision: 'no_stream', events });
      const retry = await appendToStream(store, { streamId: s, expectedRevision: 'no_stream', events });
      expect(retry.outcomes).toEqual(first.outcomes.map((o) => ({ ...o, status: 'duplicate' })));
    });

    it('lets exactly one of several concurrent writers expecting the same revision win', async () => {
      const s = stream();
      await appendToStream(store, { streamId: s, events: [proposedEvent({ customerId: s })] });
      const attempts = await Promise.allSettled(
        Array.from({ length: 8 }, () =>
          appendToStream(store, { streamId: s, expectedRevision: 0, events: [proposedEvent({ customerId: s })] }),
        ),
      );
      expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
      const failures = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
      expect(failures.every((f) => f.reason instanceof WrongExpectedRevisionError)).toBe(true);
      expect(await store.readStream(s)).toHaveLength(2);
    });

    it('answers each write of a multi-stream append on its own', async () => {
      const [a, b] = [stream(), stream()];
      await appendToStream(store, { streamId: b, events: [proposedEvent({ customerId: b })] });
      const results = await store.append([
        { streamId: a, expectedRevision: 'no_stream', events: [proposedEvent({ customerId: a })] },
        { streamId: b, expectedRevision: 'no_stream', events: [proposedEvent({ customerId: b })] },
      ]);
      expect(results[0].ok).toBe(true);
      expect(results[1]).toMatchObject({ ok: false, error: 'wrong_expected_revision', actual: 0 });
      expect(await store.readStream(a)).toHaveLength(1);
      expect(await store.readStream(b)).toHaveLength(1);
    });

    it('reads every event in one global order across streams, in pages', async () => {
      const streams = [stream(), stream(), stream()];
      const appended: number[] = [];
      for (let round = 0; round < 4; round++) {
        for (const s of streams) {
          const result = await appendToStream(store, {
            streamId: s,
            events: [proposedEvent({ customerId: s }), proposedEvent({ customerId: s })],
          });
          appended.push(...result.outcomes.map((o) => o.position));
        }
      }
      const mine = new Set(streams);
      const read = (await readAllSinceStart()).filter((e) => mine.has(e.streamId));
      expect(read.map((e) => e.position)).toEqual(appended);
      const pageSize = 5;
      const first = await store.readAll({ after: start, maxCount: pageSize });
      expect(first.length).toBeLessThanOrEqual(pageSize);
      const second = await store.readAll({ after: first[first.length - 1].position, maxCount: pageSize });
      expect(second[0].position).toBeGreaterThan(first[first.length - 1].position);
    });

    it('reads only the events recorded by a time when asked, in pages that skip the later ones', async () => {
      const s = stream();
      const appendTwo = async () =>
        (await appendToStream(store, { streamId: s, events: [proposedEvent({ customerId: s }), proposedEvent({ customerId: s })] }))
          .outcomes;
      const early = await appendTwo();
      await new Promise((resolve) => setTimeout(resolve, 30));
      const recordedBy = Math.max(...(await store.readStream(s)).map((e) => e.recordedAt));
      await new Promise((resolve) => setTimeout(resolve, 30));
      await appendTwo();
      await appendTwo();
      const known: StoredEvent[] = [];
      for (let after = start; ;) {
        const page = await store.readAll({ after, maxCount: 1, recordedBy });
        if (page.length === 0) break;
        expect(page.every((e) => e.recordedAt <= recordedBy)).toBe(true);
        known.push(...page);
        after = page[page.length - 1].position;
      }
      expect(known.filter((e) => e.streamId === s).map((e) => e.position)).toEqual(early.map((o) => o.position));
      const all = (await readAllSinceStart()).filter((e) => e.streamId === s);
      expect(all).toHaveLength(6);
    });

    it('subscribes from a checkpoint: catches up, then goes live, each event once and in order', async () => {
      const s = stream();
      const before = await appendToStream(store, {
        streamId: s,
        events: [proposedEvent({ customerId: s }), proposedEvent({ customerId: s })],
      });
      const checkpoint = before.outcomes[0].position;
      const seen: StoredEvent[] = [];
      const subscription = store.subscribe({ after: checkpoint, batchSize: 2, onBatch: async (batch) => void seen.push(...batch) });
      try {
        const later = await appendToStream(store, {
          streamId: s,
          events: [proposedEvent({ customerId: s }), proposedEvent({ customerId: s }), proposedEvent({ customerId: s })],
        });
        const expected = [before.outcomes[1].position, ...later.outcomes.map((o) => o.position)];
        await waitFor(() => seen.filter((e) => e.streamId === s).length >= expected.length);
        expect(seen.filter((e) => e.streamId === s).map((e) => e.position)).toEqual(expected);
        const positions = seen.map((e) => e.position);
        expect([...positions].sort((x, y) => x - y)).toEqual(positions);
        expect(new Set(positions).size).toBe(positions.length);
        expect(subscription.checkpoint).toBeGreaterThanOrEqual(expected[expected.length - 1]);
      } finally {
        await subscription.stop();
      }
    });

    it('hands a failed batch over again rather than skipping it', async () => {
      const s = stream();
      const written = await appendToStream(store, { streamId: s, events: [proposedEvent({ customerId: s })] });
      let failures = 0;
      const seen: number[] = [];
      const subscription = store.subscribe({
        after: written.outcomes[0].position - 1,
        onBatch: async (batch) => {
          if (failures++ === 0) throw new Error('projection failed once');
          seen.push(...batch.map((e) => e.position));
        },
        onError: () => undefined,
      });
      try {
        await waitFor(() => seen.includes(written.outcomes[0].position));
        expect(seen[0]).toBe(written.outcomes[0].position);
      } finally {
        await subscription.stop();
      }
    });

    it('chains each event to the previous one of its stream with SHA-256 hashes', async () => {
      const s = stream();
      await appendToStream(store, { streamId: s, events: [proposedEvent({ customerId: s }), proposedEvent({ customerId: s })] });
      await appendToStream(store, { streamId: s, events: [proposedEvent({ customerId: s })] });
      const read = await store.readStream(s);
      expect(read[0].previousHash).toBeNull();
      expect(read[1].previousHash).toBe(read[0].hash);
      expect(read[2].previousHash).toBe(read[1].hash);
      expect(read.every((e) => /^[0-9a-f]{64}$/.test(e.hash))).toBe(true);
      expect(checkStreamChain(read).every((c) => c.checks)).toBe(true);
      const altered = read.map((e, i) => (i === 1 ? { ...e, data: { ...e.data, summary: 'altered' } } : e));
      expect(checkStreamChain(altered).map((c) => c.checks)).toEqual([true, false, true]);
    });
  });
}

export async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

import { EventStore, StoredEvent } from '@cx/event-store';
import { proposedEvent } from '@cx/event-store/testing';
import { eventLeafHash } from '../event-leaf';
import { MemoryTree } from '../memory-tree';
import { MerkleLog } from '../merkle-log';
import type { LeafSource, MerkleLogStore, SignedCheckpoint } from '../merkle-log.port';
import { EMPTY_ROOT, rangeHash, verifyConsistency, verifyInclusion } from '../rfc6962';
import { present } from '@cx/views/testing';

export interface MerkleLogUnderTest {
  events: EventStore;
  store: MerkleLogStore;
  source: LeafSource;
  /** A second store over the same tables, as another process would open them. */
  openAnother(): Promise<MerkleLogStore>;
  dispose(): Promise<void>;
}

async function appendEvents(events: EventStore, count: number, customers = 5): Promise<void> {
  const writes = new Map<string, ReturnType<typeof proposedEvent>[]>();
  for (let i = 0; i < count; i++) {
    const customerId = `mc-${i % customers}`;
    writes.set(customerId, [...(writes.get(customerId) ?? []), proposedEvent({ customerId })]);
  }
  await events.append([...writes].map(([streamId, list]) => ({ streamId, expectedRevision: 'any', events: list })));
}

async function everything(events: EventStore): Promise<StoredEvent[]> {
  return events.readAll({ after: 0, maxCount: 100_000 });
}

const checkpoint = (size: number): SignedCheckpoint => ({
  size,
  rootHash: `${size}`.padStart(64, '0'),
  time: new Date(1_000 * size).toISOString(),
  keyId: 'k'.repeat(16),
  signature: 's',
});

/**
 * What every store of the Merkle log does, on an event store with its tables. The tree
 * takes every event of the store, so counts are taken from what the store holds (an
 * EventStoreDB server given by EVENTSTORE_URL may hold other runs' events).
 */
export function describeMerkleLogContract(name: string, open: () => Promise<MerkleLogUnderTest>): void {
  describe(`Merkle log: ${name}`, () => {
    let subject: MerkleLogUnderTest;
    let log: MerkleLog;
    beforeEach(async () => {
      subject = await open();
      log = new MerkleLog(subject.store, subject.source);
    });
    afterEach(() => subject.dispose());

    it('starts empty, with the root of no leaves, and takes what the store holds', async () => {
      expect(await log.head()).toEqual({ size: 0, lastPosition: 0, rootHash: EMPTY_ROOT });
      expect((await log.catchUp()).size).toBe((await everything(subject.events)).length);
    });

    it('takes every event in position order, in batches, to the root of their leaves', async () => {
      await appendEvents(subject.events, 23);
      const first = await log.extend(10);
      expect(first.size).toBe(10);
      await appendEvents(subject.events, 14);
      const head = await log.catchUp(4);
      const stored = await everything(subject.events);
      const n = stored.length;
      expect(head.size).toBe(n);
      expect(head.lastPosition).toBe(stored[n - 1].position);
      const expected = MemoryTree.of(stored.map(eventLeafHash));
      expect(head.rootHash.toString('hex')).toBe(rangeHash(0, n, expected).toString('hex'));
      expect((await log.rootAt(10)).equals(first.rootHash)).toBe(true);
      expect((await subject.store.leaves(n - 2, 10)).map((l) => l.position)).toEqual([stored[n - 2].position, stored[n - 1].position]);
    });

    it('proves every event included and every earlier head consistent with the last', async () => {
      const heads = [];
      for (const count of [1, 6, 9, 16]) {
        await appendEvents(subject.events, count);
        heads.push(await log.catchUp(5));
      }
      const last = heads[heads.length - 1];
      const stored = await everything(subject.events);
      const proofs = await log.inclusionProofs(
        stored.map((e) => e.position),
        last.size,
      );
      expect(proofs.size).toBe(stored.length);
      stored.forEach((event, i) => {
        const proof = present(proofs.get(event.position));
        expect(proof.leafIndex).toBe(i);
        expect(verifyInclusion(i, last.size, eventLeafHash(event), proof.path, last.rootHash)).toBe(true);
      });
      for (const earlier of heads) {
        expect(
          verifyConsistency(earlier.size, last.size, earlier.rootHash, last.rootHash, await log.consistencyProof(earlier.size, last.size)),
        ).toBe(true);
      }
      // Not past the size asked for.
      expect((await log.inclusionProofs([stored[last.size - 1].position], last.size - 1)).size).toBe(0);
    });

    it('lets two writers extend it side by side: each leaf stored once, the tree whole', async () => {
      await appendEvents(subject.events, 60);
      const other = new MerkleLog(await subject.openAnother(), subject.source);
      await Promise.all([log.catchUp(7), other.catchUp(5), log.catchUp(3)]);
      const stored = await everything(subject.events);
      const head = await log.head();
      expect(head.size).toBe(stored.length);
      expect(head.rootHash.equals(rangeHash(0, stored.length, MemoryTree.of(stored.map(eventLeafHash))))).toBe(true);
      expect((await subject.store.leaves(0, 100)).map((l) => l.position)).toEqual(stored.map((e) => e.position));
    });

    it('keeps checkpoints newest first, pages back, and tracks which were published', async () => {
      for (const size of [3, 9, 5]) await subject.store.addCheckpoint(checkpoint(size));
      await subject.store.addCheckpoint({ ...checkpoint(9), signature: 'another' });
      expect(await subject.store.checkpoints(10)).toEqual([checkpoint(9), checkpoint(5), checkpoint(3)]);
      expect(await subject.store.checkpoints(1, 9)).toEqual([checkpoint(5)]);
      expect(await subject.store.unpublishedCheckpoints(10)).toEqual([checkpoint(3), checkpoint(5), checkpoint(9)]);
      await subject.store.markPublished([3, 5]);
      expect(await subject.store.unpublishedCheckpoints(10)).toEqual([checkpoint(9)]);
    });
  });
}

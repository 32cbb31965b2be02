import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, systemClock } from '@cx/clock';
import { openSqlite, SqliteDatabase, SqliteWriter } from '@cx/sqlite';
import { proposedEvent } from '@cx/event-store/testing';
import { CheckpointSigner, checkpointSignedBy } from './checkpoint-signature';
import { CheckpointPublisher, CheckpointWriter } from './checkpoint-writer';
import { MerkleLog } from './merkle-log';
import type { SignedCheckpoint } from './merkle-log.port';
import { SqliteEventLeaves, SqliteMerkleLogStore } from './sqlite/sqlite-merkle-log';
import { SqliteEventStore } from '@cx/event-store/adapters';

class RecordingPublisher implements CheckpointPublisher {
  readonly published: SignedCheckpoint[] = [];
  failing = false;
  async publish(checkpoints: readonly SignedCheckpoint[]): Promise<void> {
    if (this.failing) throw new Error('broker away');
    this.published.push(...checkpoints);
  }
  async close(): Promise<void> {}
}

describe('the checkpoint writer', () => {
  let dir: string;
  let db: SqliteDatabase;
  let events: SqliteEventStore;
  let log: MerkleLog;
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const signer = new CheckpointSigner(privateKey, publicKey);
  const clock = new ManualClock(Date.parse('2026-05-01T10:00:00Z'));
  const append = (n: number) =>
    events.append([{ streamId: 'c-w', events: Array.from({ length: n }, () => proposedEvent({ customerId: 'c-w' })) }]);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cx-writer-'));
    db = openSqlite(join(dir, 'events.sqlite'));
    const writer = new SqliteWriter(db);
    events = new SqliteEventStore(writer, systemClock);
    const store = new SqliteMerkleLogStore(writer);
    log = new MerkleLog(store, new SqliteEventLeaves(store.reader));
  });
  afterEach(async () => {
    await events.close();
    await log.store.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs the head once events arrive, again only when the interval passed and the tree grew, and publishes each once', async () => {
    const publisher = new RecordingPublisher();
    const writer = new CheckpointWriter(log, signer, publisher, clock, { intervalMs: 30_000 });
    expect(await writer.step()).toBe(0);
    expect(await log.store.checkpoints(10)).toEqual([]);

    await append(3);
    expect(await writer.step()).toBe(3);
    const [first] = await log.store.checkpoints(10);
    expect(first).toMatchObject({
      size: 3,
      rootHash: (await log.head()).rootHash.toString('hex'),
      time: '2026-05-01T10:00:00.000Z',
      keyId: signer.keyId,
    });
    expect(checkpointSignedBy(first, publicKey)).toBe(true);

    await append(2);
    clock.advance(29_000);
    await writer.step();
    expect((await log.store.checkpoints(10)).map((c) => c.size)).toEqual([3]);
    clock.advance(1_000);
    await writer.step();
    expect((await log.store.checkpoints(10)).map((c) => c.size)).toEqual([5, 3]);

    clock.advance(60_000);
    await writer.step();
    expect((await log.store.checkpoints(10)).map((c) => c.size)).toEqual([5, 3]);
    expect(publisher.published.map((c) => c.size)).toEqual([3, 5]);
  });

  it('keeps a checkpoint the publisher could not take and hands it over when it can', async () => {
    const publisher = new RecordingPublisher();
    publisher.failing = true;
    const writer = new CheckpointWriter(log, signer, publisher, clock, { intervalMs: 1_000 });
    await append(4);
    await expect(writer.step()).rejects.toThrow('broker away');
    expect((await log.store.unpublishedCheckpoints(10)).map((c) => c.size)).toEqual([4]);
    publisher.failing = false;
    await writer.step();
    expect(publisher.published.map((c) => c.size)).toEqual([4]);
    expect(await log.store.unpublishedCheckpoints(10)).toEqual([]);
  });

  it('runs until stopped, and a stop signs what arrived since the last checkpoint', async () => {
    const writer = new CheckpointWriter(log, signer, null, clock, { intervalMs: 60_000, idleMs: 10 });
    writer.start();
    await append(2);
    for (let i = 0; i < 100 && (await log.store.checkpoints(1)).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await append(5);
    await writer.stop();
    expect((await log.store.checkpoints(10)).map((c) => c.size)).toEqual([7, 2]);
  });
});

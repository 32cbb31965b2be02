import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@cx/clock';
import { openSqlite, SqliteWriter } from '@cx/sqlite';
import { describeWithEventStoreDb } from '@cx/event-store/testing';
import { EventStoreLeaves } from './event-store-leaves';
import { SqliteMerkleLogStore } from './sqlite/sqlite-merkle-log';
import { describeMerkleLogContract } from './testing/merkle-log.contract';
import { EventStoreDbEventStore } from '@cx/event-store/adapters';

/** Beside EventStoreDB the tree lives in merkle.sqlite (or PostgreSQL), fed from the store's global order. */
describeWithEventStoreDb('EventStoreDB Merkle log', (server) => {
  describeMerkleLogContract('EventStoreDB events, the tree in merkle.sqlite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cx-merkle-esdb-'));
    const events = EventStoreDbEventStore.connect(server.url, systemClock);
    const db = openSqlite(join(dir, 'merkle.sqlite'));
    const writer = new SqliteWriter(db);
    const store = new SqliteMerkleLogStore(writer);
    const others: SqliteMerkleLogStore[] = [];
    return {
      events,
      store,
      source: new EventStoreLeaves(events),
      openAnother: async () => {
        const other = new SqliteMerkleLogStore(writer);
        others.push(other);
        return other;
      },
      dispose: async () => {
        await events.close();
        await store.close();
        for (const other of others) await other.close();
        db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});

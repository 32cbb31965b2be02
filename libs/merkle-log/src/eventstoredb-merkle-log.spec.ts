import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@cx/clock';
import { EventStoreDbEventStore } from '@cx/event-store';
import { openSqlite, SqliteWriter } from '@cx/sqlite';
import { describeWithEventStoreDb } from '../../event-store/src/testing/eventstoredb-server';
import { EventStoreLeaves } from './event-store-leaves';
import { SqliteMerkleLogStore } from './sqlite/sqlite-merkle-log';
import { describeMerkleLogContract } from './testing/merkle-log.contract';

/** Beside EventStoreDB the tree lives in merkle.sqlite (or PostgreSQL), fed from the store's global order. */
describeWithEventStoreDb('EventStoreDB Merkle log', (server) => {
  describeMerkleLogContract('EventStoreDB events, the tree in merkle.sqlite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cx-merkle-esdb-'));
    const events = EventStoreDbEventStore.connect(server.url, systemClock);
    const db = openSqlite(join(dir, 'merkle.sqlite'));
    const store = new SqliteMerkleLogStore(new SqliteWriter(db));
    const others: Array<{ db: ReturnType<typeof openSqlite>; store: SqliteMerkleLogStore }> = [];
    return {
      events,
      store,
      source: new EventStoreLeaves(events),
      openAnother: async () => {
        const other = openSqlite(join(dir, 'merkle.sqlite'));
        const otherStore = new SqliteMerkleLogStore(new SqliteWriter(other));
        others.push({ db: other, store: otherStore });
        return otherStore;
      },
      dispose: async () => {
        await events.close();
        await store.close();
        for (const other of others) {
          await other.store.close();
          other.db.close();
        }
        db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@cx/clock';
import { SqliteEventStore } from '@cx/event-store';
import { openSqlite, SqliteWriter } from '@cx/sqlite';
import { describeMerkleLogContract } from '../testing/merkle-log.contract';
import { SqliteEventLeaves, SqliteMerkleLogStore } from './sqlite-merkle-log';

describeMerkleLogContract('SQLite, in the embedded event store file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cx-merkle-'));
  const db = openSqlite(join(dir, 'events.sqlite'));
  // One writer for the file, as the module shares the event store's.
  const writer = new SqliteWriter(db);
  const events = new SqliteEventStore(writer, systemClock);
  const store = new SqliteMerkleLogStore(writer);
  const others: Array<{ db: ReturnType<typeof openSqlite>; store: SqliteMerkleLogStore }> = [];
  return {
    events,
    store,
    source: new SqliteEventLeaves(store.reader),
    openAnother: async () => {
      // Another process: a file connection and a writer of its own.
      const other = openSqlite(join(dir, 'events.sqlite'));
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

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@cx/clock';
import { openSqlite, SqliteWriter } from '@cx/sqlite';
import { describeMerkleLogContract } from '../testing/merkle-log.contract';
import { SqliteEventLeaves, SqliteMerkleLogStore } from './sqlite-merkle-log';
import { SqliteEventStore } from '@cx/event-store/adapters';

describeMerkleLogContract('SQLite, in the embedded event store file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cx-merkle-'));
  const db = openSqlite(join(dir, 'events.sqlite'));
  // One writer for the file, as the module shares the event store's.
  const writer = new SqliteWriter(db);
  const events = new SqliteEventStore(writer, systemClock);
  const store = new SqliteMerkleLogStore(writer);
  const others: SqliteMerkleLogStore[] = [];
  return {
    events,
    store,
    source: new SqliteEventLeaves(store.reader),
    openAnother: async () => {
      // A second log over the same file: in one process both go through the file's one writer
      // (a second writer connection in the same thread would wait on the first synchronously).
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

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@cx/clock';
import { openSqlite, SqliteWriter } from '@cx/sqlite';
import { describeEventStoreContract } from '../testing/event-store.contract';
import { SqliteEventStore } from './sqlite-event-store';

describeEventStoreContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cx-events-'));
  const db = openSqlite(join(dir, 'events.sqlite'));
  const store = new SqliteEventStore(new SqliteWriter(db), systemClock);
  return {
    store,
    dispose: async () => {
      await store.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

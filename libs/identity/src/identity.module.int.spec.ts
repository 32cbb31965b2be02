import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@cx/clock';
import { openEventStorage } from '@cx/event-store';
import { openPostgresPool } from '@cx/postgres';
import { loadSettings } from '@cx/settings';
import { describeWithPostgres } from '@cx/event-store/testing';
import { openIdentityDirectory } from './identity.module';
import { PostgresIdentityDirectory } from './postgres/postgres-identity-directory';
import { SqliteIdentityDirectory } from './sqlite/sqlite-identity-directory';

describe('the identity directory beside the events', () => {
  it('on the embedded store, lives in events.sqlite', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cx-identity-'));
    const settings = loadSettings({ CX_DATA_DIR: dataDir });
    const storage = await openEventStorage(settings, systemClock, null);
    try {
      const open = await openIdentityDirectory(settings, systemClock, storage, null);
      expect(open.directory).toBeInstanceOf(SqliteIdentityDirectory);
      await open.writes.alone.record({ links: [{ key: 'digest-a', customerId: 'c-a' }], merges: [], conflicts: [] });
      if (storage.home.kind !== 'sqlite') throw new Error('expected the embedded store');
      expect(storage.home.writer.db.prepare('SELECT customer_id FROM identities').all()).toEqual([{ customer_id: 'c-a' }]);
      expect(open.writes.within).toBeDefined();
      await open.close();
    } finally {
      await storage.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describeWithPostgres('the identity directory beside PostgreSQL events', (database) => {
  it('uses the process pool, and leaves it open when it closes', async () => {
    const settings = loadSettings({
      CX_EVENT_STORE: 'postgres',
      CX_POSTGRES_URL: database.url,
      CX_DATA_DIR: mkdtempSync(join(tmpdir(), 'cx-identity-')),
    });
    const pool = openPostgresPool(database.url);
    try {
      const storage = await openEventStorage(settings, systemClock, pool);
      const open = await openIdentityDirectory(settings, systemClock, storage, pool);
      expect(open.directory).toBeInstanceOf(PostgresIdentityDirectory);
      await open.writes.alone.record({ links: [{ key: 'digest-b', customerId: 'c-b' }], merges: [], conflicts: [] });
      expect(await open.writes.alone.lookup(['digest-b'])).toEqual(new Map([['digest-b', 'c-b']]));
      await open.close();
      await storage.close();
      expect((await pool.query('SELECT count(*)::int AS n FROM cx_events.identities')).rows).toEqual([{ n: 1 }]);
    } finally {
      await pool.end();
    }
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@cx/clock';
import { openEventStorage } from '@cx/event-store';
import { openPostgresPool } from '@cx/postgres';
import { loadSettings } from '@cx/settings';
import { describeWithPostgres } from '@cx/event-store/testing';
import { anonymousCustomerId } from './customer-identifiers';
import { IdentifierDigests } from './identifier-digests';
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

describe('the embedded identity directory, written before identifiers were hashed', () => {
  it('hashes its clear keys, only those, and notes merges whose anonymous stream exists', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cx-identity-'));
    const storage = await openEventStorage(loadSettings({ CX_DATA_DIR: dataDir }), systemClock, null);
    try {
      if (storage.home.kind !== 'sqlite') throw new Error('expected the embedded store');
      const db = storage.home.writer.db;
      // Clear keys of each kind, and digests that sort just beside their ranges (base64url has no colon).
      const clear = [
        ['email:old@x.io', 'c-old'],
        ['phone:+339', 'anon-z'],
        ['ext:crm:7', 'c-ext'],
      ];
      const digestsAlready = [
        ['email', 'c-1'],
        ['emaik-zz', 'c-2'],
        ['phone_', 'c-3'],
        ['exu', 'c-4'],
        ['ext', 'c-5'],
      ];
      const insert = db.prepare('INSERT INTO identities (identifier, customer_id) VALUES (?, ?)');
      for (const [key, customer] of [...clear, ...digestsAlready]) insert.run(key, customer);
      const anon = anonymousCustomerId('email:old@x.io');
      db.prepare("INSERT INTO streams (stream_id, revision, last_hash) VALUES (?, 0, 'h')").run(anon);
      const digests = new IdentifierDigests(Buffer.alloc(32, 7));
      const directory = new SqliteIdentityDirectory(storage.home.writer, systemClock);

      expect(await directory.hashClearIdentifiers(digests)).toBe(3);
      const keys = (
        db.prepare('SELECT identifier AS key, customer_id AS customer FROM identities').all() as Array<{ key: string; customer: string }>
      ).map((row) => [row.key, row.customer]);
      expect(keys).toEqual(expect.arrayContaining([...clear.map(([key, customer]) => [digests.of(key), customer]), ...digestsAlready]));
      expect(keys).toHaveLength(clear.length + digestsAlready.length);
      expect(await directory.merges()).toEqual([{ from: anon, into: 'c-old' }]);
      expect(await directory.hashClearIdentifiers(digests)).toBe(0);
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

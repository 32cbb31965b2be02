import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite, SqliteDatabase } from './index';
import { WalCheckpointer } from './wal-checkpointer';

describe('WalCheckpointer', () => {
  let dir: string;
  let path: string;
  let db: SqliteDatabase;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cx-wal-'));
    path = join(dir, 'file.sqlite');
    db = openSqlite(path);
    // Only the thread under test may copy the WAL into the file.
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE rows (body BLOB NOT NULL)');
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Commits `count` rows of 4 KiB each: about as many pages, all in the WAL until a checkpoint. */
  const commitRows = (count: number) => {
    const insert = db.prepare('INSERT INTO rows (body) VALUES (randomblob(4096))');
    db.transaction(() => {
      for (let i = 0; i < count; i++) insert.run();
    })();
  };

  const fileBytes = () => statSync(path).size;

  async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
    for (const deadline = Date.now() + ms; Date.now() < deadline;) {
      if (condition()) return true;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return condition();
  }

  it('leaves committed pages in the WAL while it is not running', async () => {
    const before = fileBytes();
    commitRows(500);
    expect(await waitFor(() => fileBytes() > before + 1_000_000, 500)).toBe(false);
  });

  it('copies committed pages from the WAL into the file on its own thread', async () => {
    const checkpointer = new WalCheckpointer(path, 20);
    try {
      const before = fileBytes();
      commitRows(500);
      expect(await waitFor(() => fileBytes() > before + 1_000_000, 5000)).toBe(true);
      expect(db.prepare('SELECT count(*) AS n FROM rows').get()).toEqual({ n: 500 });
    } finally {
      await checkpointer.close();
    }
  });

  it('lets the writer go on committing while it copies', async () => {
    const checkpointer = new WalCheckpointer(path, 1);
    try {
      for (let batch = 0; batch < 20; batch++) {
        commitRows(50);
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(db.prepare('SELECT count(*) AS n FROM rows').get()).toEqual({ n: 1000 });
    } finally {
      await checkpointer.close();
    }
  });

  it('closes even when its thread could not open the file', async () => {
    const checkpointer = new WalCheckpointer(join(dir, 'missing', 'folder', 'file.sqlite'));
    await expect(checkpointer.close()).resolves.toBeUndefined();
  });
});

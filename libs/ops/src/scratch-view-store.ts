import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteViewStore, ViewStore } from '@cx/projection';

/** A throw-away embedded view store for one piece of ops work; removed afterwards. */
export async function withScratchViews<T>(work: (views: ViewStore) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'cx-scratch-'));
  const views = new SqliteViewStore(join(dir, 'views.sqlite'));
  try {
    return await work(views);
  } finally {
    await views.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
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

/**
 * A throw-away copy of a view store file (a snapshot), for work that writes to it; removed
 * afterwards. Undefined when the file is gone (a projector pruned it meanwhile).
 */
export async function withScratchCopy<T>(path: string, work: (views: ViewStore) => Promise<T>): Promise<{ answer: T } | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'cx-scratch-'));
  const copy = join(dir, 'views.sqlite');
  try {
    copyFileSync(path, copy);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const views = new SqliteViewStore(copy);
  try {
    return { answer: await work(views) };
  } finally {
    await views.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

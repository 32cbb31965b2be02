import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteViewStore, ViewStore } from '@cx/projection';

/**
 * A throw-away embedded view store for one piece of ops work, empty or a copy of the view
 * store file `copyOf` (a snapshot); removed afterwards.
 */
export async function withScratchViews<T>(work: (views: ViewStore) => Promise<T>, copyOf?: string): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'cx-scratch-'));
  const path = join(dir, 'views.sqlite');
  try {
    if (copyOf !== undefined) copyFileSync(copyOf, path);
    const views = new SqliteViewStore(path, { scratch: true });
    try {
      return await work(views);
    } finally {
      await views.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `withScratchViews` on a copy of a snapshot; undefined when the file is gone (a projector pruned it meanwhile). */
export async function withScratchCopy<T>(path: string, work: (views: ViewStore) => Promise<T>): Promise<{ answer: T } | undefined> {
  try {
    return { answer: await withScratchViews(work, path) };
  } catch (error) {
    const { code, path: missing } = error as NodeJS.ErrnoException;
    if (code === 'ENOENT' && missing === path) return undefined;
    throw error;
  }
}

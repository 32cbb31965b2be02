import { Kysely, sql } from 'kysely';
import type { SnapshotRead, ViewStore } from '@cx/projection';

/**
 * Every query of a report reads one snapshot, so a batch the projector commits meanwhile
 * (or a merge re-pointing rows) cannot be half in one block and half out of another; `work`
 * may run its independent queries `inLanes`.
 * On PostgreSQL JIT is off for the report: its queries run in milliseconds, and a cost
 * estimate inflated by tables not analyzed yet (right after a rebuild) made PostgreSQL spend
 * half a second compiling each one. Its hash aggregates get 64 MiB each instead of the
 * server's default 4 MiB: at 1,000,000 events a window's rows per customer or case (tens of
 * thousands, estimated at one) spilled to disk in batches.
 */
export function inSnapshot<T>(views: ViewStore, work: (read: SnapshotRead) => Promise<T>): Promise<T> {
  return views.readSnapshot(work, views.dialect === 'postgres' ? reportSettings : undefined);
}

async function reportSettings(db: Kysely<any>): Promise<void> {
  await sql`SET LOCAL jit = off`.execute(db);
  await sql`SET LOCAL work_mem = '64MB'`.execute(db);
}

type Task<T> = (db: Kysely<any>) => Promise<T>;

/**
 * Runs each task once, each on the first of the read's connections to be free, in the order
 * given, and answers their results in that order: two at a time where the read has a
 * connection `beside` its own, one after another otherwise. Give the costliest
 * first.
 */
export async function inLanes<T extends readonly unknown[] | []>(
  read: SnapshotRead,
  tasks: { readonly [K in keyof T]: Task<T[K]> },
): Promise<T> {
  const all = tasks as unknown as ReadonlyArray<Task<unknown>>;
  const results = new Array<unknown>(all.length);
  let next = 0;
  const lane = async (db: Kysely<any>) => {
    for (let task = next++; task < all.length; task = next++) results[task] = await all[task](db);
  };
  if (!read.beside) {
    await lane(read.db);
    return results as unknown as T;
  }
  // `beside` first: it asks `db` for the snapshot, which would otherwise wait behind the first task.
  const besideLane = read.beside(lane);
  besideLane.catch(() => undefined); // awaited below; a failure meanwhile is not unhandled
  // On SQLite `db` runs each statement to its end on this thread: a turn of the event loop
  // first lets the lane beside send its first statement to its own thread. Without it the
  // two ran one after the other (the drivers' churn: 260 instead of 155 ms at 1,000,000 events).
  await new Promise((resolve) => setImmediate(resolve));
  await Promise.all([besideLane, lane(read.db)]);
  return results as unknown as T;
}

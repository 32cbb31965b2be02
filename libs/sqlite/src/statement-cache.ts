import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase as KyselyConnection } from 'kysely';
import type { SqliteDatabase } from './index';

/** Distinct statements kept per connection: IN lists of varying length make many texts, so the oldest go first. */
const MAX_CACHED_STATEMENTS = 500;

/**
 * A connection whose `prepare` gives back the statement already prepared for the same
 * text, for a query builder (Kysely) that prepares every query it runs: compiling the
 * SQL again was the largest single cost of a projection batch. A statement still being
 * iterated is busy and cannot run twice at once, so that case gets a fresh one.
 */
export function cachingStatements(db: SqliteDatabase): KyselyConnection {
  const cache = new Map<string, Statement>();
  return {
    prepare: (sql: string) => {
      const cached = cache.get(sql);
      if (cached && !cached.busy) return cached;
      if (cached) return db.prepare(sql);
      const oldest = cache.keys().next();
      if (cache.size >= MAX_CACHED_STATEMENTS && !oldest.done) cache.delete(oldest.value);
      const statement = db.prepare(sql);
      cache.set(sql, statement);
      return statement;
    },
    close: () => {
      db.close();
    },
  };
}

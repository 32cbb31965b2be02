import type { Statement } from 'better-sqlite3';
import type { SqliteDatabase as KyselyConnection } from 'kysely';
import type { SqliteDatabase } from './index';

/** Distinct statements kept per connection: IN lists of varying length make many texts. */
const MAX_CACHED_STATEMENTS = 500;

/**
 * SQL text the kept statements may have in all. A prepared statement's memory follows its
 * text (a multi-row insert of 500 rows of 15 columns: 25,000 characters, 700 KiB), and V8
 * does not see it: 500 such statements held several hundred MiB during a rebuild.
 */
const MAX_CACHED_TEXT = 2_000_000;

/**
 * A connection whose `prepare` gives back the statement already prepared for the same
 * text, for a query builder (Kysely) that prepares every query it runs: compiling the
 * SQL again was the largest single cost of a projection batch. A statement still being
 * iterated is busy and cannot run twice at once, so that case gets a fresh one. The least
 * recently used statements go first, once there are too many or too much text.
 */
export function cachingStatements(db: SqliteDatabase): KyselyConnection {
  const cache = new Map<string, Statement>();
  let text = 0;
  return {
    prepare: (sql: string) => {
      const cached = cache.get(sql);
      if (cached?.busy) return db.prepare(sql);
      if (cached) {
        // Map keeps insertion order: moved to the end, it is the most recently used.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = db.prepare(sql);
      cache.set(sql, statement);
      text += sql.length;
      for (const [oldest] of cache) {
        if (cache.size <= MAX_CACHED_STATEMENTS && text <= MAX_CACHED_TEXT) break;
        cache.delete(oldest);
        text -= oldest.length;
      }
      return statement;
    },
    close: () => {
      db.close();
    },
  };
}

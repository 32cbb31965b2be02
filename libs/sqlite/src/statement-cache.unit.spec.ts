import { openSqlite } from './index';
import { cachingStatements } from './statement-cache';

describe('cachingStatements', () => {
  const db = openSqlite(':memory:');
  const connection = cachingStatements(db);
  afterAll(() => db.close());

  /** A statement of about `chars` characters of SQL text, distinct per `tag`. */
  const text = (tag: number, chars: number) =>
    `SELECT ${tag} AS tag WHERE 1 IN (${Array(Math.ceil(chars / 3))
      .fill('1')
      .join(', ')})`;

  it('gives back the statement prepared for the same text', () => {
    expect(connection.prepare(text(1, 10))).toBe(connection.prepare(text(1, 10)));
  });

  it('keeps the recently used statements and lets the least recently used go once their text is too large in all', () => {
    const kept = text(2, 10);
    const first = connection.prepare(kept);
    const big = text(3, 600_000);
    const bigFirst = connection.prepare(big);
    for (let tag = 4; tag < 8; tag++) {
      connection.prepare(text(tag, 600_000));
      expect(connection.prepare(kept)).toBe(first);
    }
    expect(connection.prepare(big)).not.toBe(bigFirst);
  });
});

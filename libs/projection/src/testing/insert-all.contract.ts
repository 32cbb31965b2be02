import { sql, type Kysely } from 'kysely';
import { insertAll } from '../sql-batches';
import { GenerationTablesPlugin } from '../view-store/generation-tables';
import type { ViewStoreUnderTest } from './projection-specification';

interface Row {
  id: number;
  customer_id: string;
  amount: number | string | null;
  note: string | null;
}

/**
 * `insertAll` writes every row as given, into the generation's physical table, whichever way
 * a chunk goes: rows alike (one row through the query builder, the rest bound by position),
 * and rows the builder must write itself (a column left out or undefined, an expression).
 */
export function describeInsertAllContract(name: string, open: () => Promise<ViewStoreUnderTest>): void {
  describe(`insertAll (${name})`, () => {
    let store: ViewStoreUnderTest;
    let db: Kysely<any>;

    beforeEach(async () => {
      store = await open();
      for (const table of ['facts__g3', 'twin'])
        await store.views.reader.schema
          .createTable(table)
          .addColumn('id', 'bigint', (c) => c.primaryKey())
          .addColumn('customer_id', 'text', (c) => c.notNull())
          .addColumn('amount', 'bigint')
          .addColumn('note', 'text', (c) => c.defaultTo('none'))
          .execute();
      db = store.views.reader.withPlugin(new GenerationTablesPlugin(['facts'], 3));
    });

    afterEach(() => store.dispose());

    const stored = async (table = 'facts__g3') =>
      (await store.views.reader.selectFrom(table).selectAll().orderBy('id').execute()).map((r) => ({
        ...r,
        id: Number(r.id),
        amount: r.amount === null ? null : Number(r.amount),
      }));

    it('stores rows alike, in chunks of every length, values bound as given', async () => {
      const rows: Row[] = Array.from({ length: 1337 }, (_, i) => ({
        id: i,
        customer_id: `c-${i % 7}'"; --`,
        amount: i % 5 === 0 ? null : 2 ** 40 + i,
        note: i % 3 === 0 ? null : `n${i}`,
      }));
      await insertAll(db, 'facts', rows);
      expect(await stored()).toEqual(rows);
    });

    it('leaves a stored row as it is when asked to ignore conflicts, and fails otherwise', async () => {
      await insertAll(db, 'facts', [{ id: 1, customer_id: 'a', amount: 1, note: 'first' }]);
      const rows = Array.from({ length: 3 }, (_, i) => ({ id: i, customer_id: 'b', amount: 2, note: 'second' }));
      // Not toThrow(): better-sqlite3's error class is made in the first test file's realm, not an Error of this one.
      await expect(insertAll(db, 'facts', rows)).rejects.toMatchObject({ message: expect.stringMatching(/UNIQUE|duplicate key/) });
      await insertAll(db, 'facts', rows, 'ignore');
      expect(await stored()).toEqual([
        { id: 0, customer_id: 'b', amount: 2, note: 'second' },
        { id: 1, customer_id: 'a', amount: 1, note: 'first' },
        { id: 2, customer_id: 'b', amount: 2, note: 'second' },
      ]);
    });

    it('stores rows that leave a column out or undefined, and expressions, as the query builder does', async () => {
      // Each case one chunk (a power of two), as the builder was given chunks before.
      const cases = [
        [
          { id: 1, customer_id: 'a', amount: 1, note: 'given' },
          { id: 2, customer_id: 'b', amount: 2 },
        ],
        [
          { id: 3, customer_id: 'c', amount: 3, note: undefined },
          { id: 4, customer_id: 'd', amount: 4, note: 'given' },
        ],
        [
          { id: 5, customer_id: 'e', amount: sql`40 + 2`, note: null },
          { id: 6, customer_id: 'f', amount: 7, note: null },
        ],
      ];
      for (const rows of cases) {
        await insertAll(db, 'facts', rows);
        await store.views.reader.insertInto('twin').values(rows).execute();
      }
      const twin = await stored('twin');
      expect(await stored()).toEqual(twin);
      expect(twin.find((r) => r.id === 5)?.amount).toBe(42);
    });
  });
}

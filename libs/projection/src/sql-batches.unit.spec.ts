import { sql } from 'kysely';
import { deleteForKeys, excludedValues, inIndexOrder, insertAll, insertChunks, valuesTable } from './sql-batches';
import { describeInsertAllContract } from './testing/insert-all.contract';
import { scratchSqliteViews, type ViewStoreUnderTest } from './testing/projection-specification';

describe('insertChunks', () => {
  const rows = (n: number) => Array.from({ length: n }, (_, i) => i);

  it('keeps every row once, in order', () => {
    for (const n of [0, 1, 499, 500, 501, 1337]) expect(insertChunks(rows(n)).flat()).toEqual(rows(n));
  });

  it('cuts chunks of 500 rows, then the rest in power-of-two parts', () => {
    expect(insertChunks(rows(1337)).map((chunk) => chunk.length)).toEqual([500, 500, 256, 64, 16, 1]);
    expect(insertChunks(rows(7)).map((chunk) => chunk.length)).toEqual([4, 2, 1]);
  });
});

describeInsertAllContract('SQLite view store', scratchSqliteViews);

describe('inIndexOrder', () => {
  it('orders rows by the columns in turn, nulls first as the index has them, and leaves the rows given as they were', () => {
    const rows = [
      { position: 1, customer_id: 'c-b', kind: 'purchase', time: 30 },
      { position: 2, customer_id: 'c-a', kind: 'purchase', time: 20 },
      { position: 3, customer_id: 'c-a', kind: null, time: 50 },
      { position: 4, customer_id: 'c-a', kind: 'nps', time: 40 },
      { position: 5, customer_id: 'c-a', kind: 'purchase', time: 10 },
    ];
    const given = structuredClone(rows);
    expect(inIndexOrder(rows, ['customer_id', 'kind', 'time']).map((row) => row.position)).toEqual([3, 4, 5, 2, 1]);
    expect(rows).toEqual(given);
  });
});

describe('deleteForKeys', () => {
  let store: ViewStoreUnderTest;

  beforeEach(async () => {
    store = await scratchSqliteViews();
    const db = store.views.reader;
    await db.schema
      .createTable('stages')
      .addColumn('customer_id', 'text')
      .addColumn('since', 'bigint')
      .addPrimaryKeyConstraint('stages_pk', ['customer_id', 'since'])
      .execute();
    const rows = Array.from({ length: 1200 }, (_, i) => [0, 1, 2].map((since) => ({ customer_id: `c${i}`, since }))).flat();
    for (const chunk of insertChunks(rows)) await db.insertInto('stages').values(chunk).execute();
  });

  afterEach(() => store.dispose());

  it('deletes the rows each key matches, over more keys than one statement takes, and no others', async () => {
    const keys = Array.from({ length: 1100 }, (_, i) => ({ customerId: `c${i}`, from: i % 3 }));
    const values = (chunk: readonly (typeof keys)[number][]) =>
      valuesTable(
        chunk.map(({ customerId, from }) => [customerId, from]),
        ['text', 'bigint'],
        's',
      );
    await deleteForKeys(store.views.reader, 'sqlite', 'stages', keys, values, sql`t.customer_id = s.column1 AND t.since >= s.column2`);
    const left = await store.views.reader.selectFrom('stages').select(['customer_id', 'since']).execute();
    const expected = Array.from({ length: 1200 }, (_, i) => [0, 1, 2].filter((since) => i >= 1100 || since < i % 3)).flatMap((sinces, i) =>
      sinces.map((since) => ({ customer_id: `c${i}`, since })),
    );
    expect(left.map((r) => ({ customer_id: r.customer_id, since: Number(r.since) })).sort(byKey)).toEqual(expected.sort(byKey));
  });
});

describe('valuesTable', () => {
  it('is a derived table of the rows, each value bound and cast to its column type', async () => {
    const store = await scratchSqliteViews();
    try {
      const table = valuesTable(
        [
          ['a', 1],
          ["b'", 20],
        ],
        ['text', 'bigint'],
        's',
      );
      const query = sql`SELECT s.column1 AS id, s.column2 + 1 AS next FROM ${table}`;
      expect(query.compile(store.views.reader).sql).toBe(
        'SELECT s.column1 AS id, s.column2 + 1 AS next FROM (VALUES (CAST(? AS text), CAST(? AS bigint)), (CAST(? AS text), CAST(? AS bigint))) AS s',
      );
      expect((await query.execute(store.views.reader)).rows).toEqual([
        { id: 'a', next: 2 },
        { id: "b'", next: 21 },
      ]);
    } finally {
      await store.dispose();
    }
  });
});

describe('excludedValues', () => {
  it("sets the columns named to the refused row's values and leaves the others as they were", async () => {
    const store = await scratchSqliteViews();
    try {
      const db = store.views.reader;
      await db.schema
        .createTable('orders')
        .addColumn('order_id', 'text', (c) => c.primaryKey())
        .addColumn('amount', 'integer')
        .addColumn('note', 'text')
        .execute();
      await insertAll(db, 'orders', [{ order_id: 'o1', amount: 10, note: 'first' }]);
      await db
        .insertInto('orders')
        .values({ order_id: 'o1', amount: 25, note: 'second' })
        .onConflict((oc) => oc.column('order_id').doUpdateSet(excludedValues(['amount'])))
        .execute();
      expect(await db.selectFrom('orders').selectAll().execute()).toEqual([{ order_id: 'o1', amount: 25, note: 'first' }]);
    } finally {
      await store.dispose();
    }
  });
});

const byKey = (a: { customer_id: string; since: number }, b: { customer_id: string; since: number }) =>
  a.customer_id.localeCompare(b.customer_id) || a.since - b.since;

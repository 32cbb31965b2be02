import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithPostgres } from '@cx/event-store/testing';
import { PostgresViewStore, SqliteViewStore, type Projection, type ViewStore } from '@cx/projection';
import { bucketOf, compareProjection } from './view-comparison';

// Only its table names are read.
const facts = { tables: ['facts'] } as unknown as Projection;
/** More rows than one streamed page, so a difference may sit in any page. */
const ROWS = 12_000;

const row = (id: number) => `(${id}, ${id * 1_000_000_007}, 'label ${id % 17}')`;

async function fill(views: ViewStore, ids: readonly number[]): Promise<void> {
  await views.execute('CREATE TABLE facts (id integer NOT NULL, amount bigint NOT NULL, label text)');
  for (let i = 0; i < ids.length; i += 1000)
    await views.execute(
      `INSERT INTO facts VALUES ${ids
        .slice(i, i + 1000)
        .map(row)
        .join(', ')}`,
    );
}

const ids = Array.from({ length: ROWS }, (_, i) => i + 1);
const shuffled = [...ids].sort((a, b) => ((a * 7919) % ROWS) - ((b * 7919) % ROWS));

describe('comparing a projection between two embedded view stores', () => {
  let dir: string;
  const open: SqliteViewStore[] = [];
  const store = (): SqliteViewStore => {
    const views = new SqliteViewStore(join(dir, `views-${open.length}.sqlite`));
    open.push(views);
    return views;
  };

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cx-compare-'))));
  afterEach(async () => {
    for (const views of open.splice(0)) await views.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds no difference between the same rows stored in another order', async () => {
    const [live, rebuilt] = [store(), store()];
    await fill(live, ids);
    await fill(rebuilt, shuffled);
    expect(await compareProjection(live, rebuilt, facts)).toEqual([]);
  });

  it('names a changed row on each side, wherever it is in the table', async () => {
    const [live, rebuilt] = [store(), store()];
    await fill(live, ids);
    await fill(rebuilt, ids);
    await rebuilt.execute(`UPDATE facts SET label = 'changed' WHERE id = 9001`);
    expect(await compareProjection(live, rebuilt, facts)).toEqual([
      {
        table: 'facts',
        onlyLive: ['[["amount",9001000063007],["id",9001],["label","label 8"]]'],
        onlyRebuilt: ['[["amount",9001000063007],["id",9001],["label","changed"]]'],
      },
    ]);
  });

  it('finds a change that leaves the row in its bucket, where the counts alone agree', async () => {
    const text = (label: string) => `[["amount",9001000063007],["id",9001],["label","${label}"]]`;
    let label = 0;
    while (bucketOf(text(`twin ${label}`)) !== bucketOf(text('label 8'))) label++;
    const [live, rebuilt] = [store(), store()];
    await fill(live, ids);
    await fill(rebuilt, ids);
    await rebuilt.execute(`UPDATE facts SET label = 'twin ${label}' WHERE id = 9001`);
    expect(await compareProjection(live, rebuilt, facts)).toEqual([
      { table: 'facts', onlyLive: [text('label 8')], onlyRebuilt: [text(`twin ${label}`)] },
    ]);
  });

  it('compares rows as a multiset: a row counted twice is a difference', async () => {
    const [live, rebuilt] = [store(), store()];
    await fill(live, [...ids, 42]);
    await fill(rebuilt, ids);
    expect(await compareProjection(live, rebuilt, facts)).toEqual([
      { table: 'facts', onlyLive: ['[["amount",42000000294],["id",42],["label","label 8"]]'], onlyRebuilt: [] },
    ]);
  });

  it('names at most five rows of each side', async () => {
    const [live, rebuilt] = [store(), store()];
    await fill(live, ids);
    await fill(rebuilt, ids.slice(0, ROWS - 100));
    const [found] = await compareProjection(live, rebuilt, facts);
    expect({ shown: found.onlyLive.length, missing: found.onlyRebuilt }).toEqual({ shown: 5, missing: [] });
  });
});

describeWithPostgres('comparing live views in PostgreSQL with an embedded rebuild', (database) => {
  let live: PostgresViewStore;
  let rebuilt: SqliteViewStore;
  let dir: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cx-compare-'));
    live = new PostgresViewStore(database.url, `${database.schema}_compare`);
    await live.ensureSchema();
    await live.execute('DROP TABLE IF EXISTS facts');
    rebuilt = new SqliteViewStore(join(dir, 'views.sqlite'));
  });
  afterEach(async () => {
    await live.close();
    await rebuilt.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads BIGINT as the same number, streaming the live table through a cursor', async () => {
    await fill(live, ids);
    await fill(rebuilt, shuffled);
    expect(await compareProjection(live, rebuilt, facts)).toEqual([]);
  });

  it('names the row that differs', async () => {
    await fill(live, ids);
    await fill(rebuilt, ids);
    await live.execute('DELETE FROM facts WHERE id = 7');
    expect(await compareProjection(live, rebuilt, facts)).toEqual([
      { table: 'facts', onlyLive: [], onlyRebuilt: ['[["amount",7000000049],["id",7],["label","label 7"]]'] },
    ]);
  });
});

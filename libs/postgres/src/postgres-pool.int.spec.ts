import type { Pool } from 'pg';
import { describeWithPostgres, withClient } from '@cx/event-store/testing';
import { openPostgresPool } from './postgres-pool';

/** Ends every other connection of this test's database, as a server restart or an admin would (57P01). */
async function terminateOthers(url: string): Promise<number> {
  return withClient(url, async (client) => {
    const { rowCount } = await client.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return rowCount ?? 0;
  });
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

describeWithPostgres('the process pool', (database) => {
  let pool: Pool;
  const heard: Error[] = [];

  beforeEach(() => {
    heard.length = 0;
    pool = openPostgresPool(database.url, { max: 3, onError: (error) => heard.push(error) });
  });
  afterEach(() => pool.end());

  it('hears an idle connection end, and opens a fresh one for the next query', async () => {
    await Promise.all([pool.query('SELECT 1'), pool.query('SELECT 1')]);
    expect(pool.idleCount).toBeGreaterThan(0);
    expect(await terminateOthers(database.url)).toBeGreaterThan(0);
    await settle();
    expect(heard.length).toBeGreaterThan(0);
    expect((await pool.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
  });

  it('hears a checked-out connection end between queries; the query after fails, the pool heals', async () => {
    const client = await pool.connect();
    await client.query('SELECT 1');
    await terminateOthers(database.url);
    await settle();
    expect(heard.some((error) => /terminat/i.test(error.message))).toBe(true);
    await expect(client.query('SELECT 1')).rejects.toThrow();
    client.release(true);
    expect((await pool.query('SELECT 3 AS three')).rows).toEqual([{ three: 3 }]);
  });
});

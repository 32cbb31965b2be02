import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { systemClock } from '@cx/clock';
import { openPostgresPool } from '@cx/postgres';
import { describeWithPostgres } from '@cx/event-store/testing';
import { describeMerkleLogContract } from '../testing/merkle-log.contract';
import { PostgresEventLeaves, PostgresMerkleLogStore } from './postgres-merkle-log';
import { PostgresEventStore } from '@cx/event-store/adapters';

describeWithPostgres('PostgreSQL Merkle log', (database) => {
  let pool: Pool;
  beforeAll(() => void (pool = openPostgresPool(database.url, { max: 6 })));
  afterAll(() => pool.end());

  describeMerkleLogContract('PostgreSQL, a schema beside the events', async () => {
    const suffix = randomBytes(4).toString('hex');
    const eventsSchema = `ev_${suffix}`;
    const schema = `mk_${suffix}`;
    const events = await PostgresEventStore.open(pool, systemClock, { schema: eventsSchema });
    return {
      events,
      store: await PostgresMerkleLogStore.open(pool, { schema }),
      source: new PostgresEventLeaves(pool, eventsSchema),
      openAnother: () => PostgresMerkleLogStore.open(pool, { schema }),
      dispose: async () => {
        await events.close();
        await pool.query(`DROP SCHEMA ${eventsSchema} CASCADE; DROP SCHEMA ${schema} CASCADE`);
      },
    };
  });
});

import type { Pool } from 'pg';
import { ManualClock } from '@cx/clock';
import { describeWithPostgres } from '@cx/event-store/testing';
import { anonymousCustomerId } from '../customer-identifiers';
import { IdentifierDigests } from '../identifier-digests';
import type { IdentityChanges } from '../identity-directory.port';
import { PostgresIdentityDirectory } from './postgres-identity-directory';
import { inTransaction, openPostgresPool } from '@cx/postgres';

describeWithPostgres('PostgreSQL identity directory', (database) => {
  let pool: Pool;
  let directory: PostgresIdentityDirectory;
  const clock = new ManualClock(Date.parse('2026-03-01T10:00:00Z'));

  beforeAll(async () => {
    pool = openPostgresPool(database.url, { max: 4 });
    directory = await PostgresIdentityDirectory.open(pool, clock, { schema: database.schema });
  });
  /** Each call in a transaction of its own, as the ingest path's would be. */
  const tx = {
    record: (changes: IdentityChanges) => inTransaction(pool, (client) => directory.within(client).record(changes)),
    lookup: (keys: string[]) => inTransaction(pool, (client) => directory.within(client).lookup(keys)),
  };
  afterAll(async () => pool.end());

  it('looks up linked keys and leaves unknown ones out', async () => {
    await tx.record({
      links: [
        { key: 'email:a@x.io', customerId: 'c-a' },
        { key: 'phone:+331', customerId: 'c-a' },
      ],
      merges: [],
      conflicts: [],
    });
    expect(await tx.lookup(['email:a@x.io', 'phone:+331', 'email:nobody@x.io'])).toEqual(
      new Map([
        ['email:a@x.io', 'c-a'],
        ['phone:+331', 'c-a'],
      ]),
    );
  });

  it('overwrites a link, the last link of a key in one batch winning', async () => {
    await tx.record({
      links: [
        { key: 'ext:crm:1', customerId: 'c-1' },
        { key: 'ext:crm:1', customerId: 'c-2' },
      ],
      merges: [],
      conflicts: [],
    });
    expect(await tx.lookup(['ext:crm:1'])).toEqual(new Map([['ext:crm:1', 'c-2']]));
  });

  it('re-points every key of a merged customer, after the links of the same batch', async () => {
    await tx.record({
      links: [
        { key: 'email:anon@x.io', customerId: 'anon-1' },
        { key: 'phone:+332', customerId: 'anon-1' },
      ],
      merges: [],
      conflicts: [],
    });
    await tx.record({
      links: [{ key: 'email:named@x.io', customerId: 'anon-1' }],
      merges: [{ from: 'anon-1', into: 'c-named' }],
      conflicts: [],
    });
    expect(await tx.lookup(['email:anon@x.io', 'phone:+332', 'email:named@x.io'])).toEqual(
      new Map([
        ['email:anon@x.io', 'c-named'],
        ['phone:+332', 'c-named'],
        ['email:named@x.io', 'c-named'],
      ]),
    );
  });

  it('lists conflicts newest first with when they were recorded', async () => {
    const conflict = (n: number) => ({
      key: `email:${n}@x.io`,
      linkedTo: 'c-old',
      claimedBy: 'c-new',
      eventSource: '/channels/crm',
      eventId: `e-${n}`,
    });
    await tx.record({ links: [], merges: [], conflicts: [conflict(1), conflict(2)] });
    clock.advance(60_000);
    await tx.record({ links: [], merges: [], conflicts: [conflict(3)] });
    const listed = await directory.conflicts(2);
    expect(listed).toEqual([
      { ...conflict(3), recordedAt: '2026-03-01T10:01:00.000Z' },
      { ...conflict(2), recordedAt: '2026-03-01T10:00:00.000Z' },
    ]);
  });

  it('keeps customer ids holding U+0000', async () => {
    await tx.record({ links: [{ key: 'digest-nul', customerId: 'c-\u0000' }], merges: [], conflicts: [] });
    expect(await tx.lookup(['digest-nul'])).toEqual(new Map([['digest-nul', 'c-\u0000']]));
  });

  it('lists the merges it applied', async () => {
    expect(await directory.merges()).toEqual([{ from: 'anon-1', into: 'c-named' }]);
  });

  it('hashes the clear identifiers of an older directory, noting merges whose anonymous stream exists', async () => {
    await pool.query(`DELETE FROM ${database.schema}.identities; DELETE FROM ${database.schema}.identity_conflicts`);
    await pool.query(
      `INSERT INTO ${database.schema}.identities (identifier, customer_id) VALUES ('email:old@x.io', 'c-old'), ('phone:+339', 'anon-z')`,
    );
    const anon = anonymousCustomerId('email:old@x.io');
    await pool.query(`INSERT INTO ${database.schema}.streams (stream_id, revision, last_hash) VALUES ($1, 0, 'h')`, [anon]);
    const digests = new IdentifierDigests(Buffer.alloc(32, 7));
    expect(await directory.hashClearIdentifiers(digests)).toBe(2);
    const { rows } = await pool.query(`SELECT identifier FROM ${database.schema}.identities WHERE identifier LIKE '%:%'`);
    expect(rows).toEqual([]);
    expect(await tx.lookup([digests.of('email:old@x.io'), digests.of('phone:+339')])).toEqual(
      new Map([
        [digests.of('email:old@x.io'), 'c-old'],
        [digests.of('phone:+339'), 'anon-z'],
      ]),
    );
    expect(await directory.merges()).toEqual(expect.arrayContaining([{ from: anon, into: 'c-old' }]));
    expect(await directory.hashClearIdentifiers(digests)).toBe(0);
  });

  it('forgets a customer: its links and the conflicts naming it are gone, others stay', async () => {
    await tx.record({
      links: [
        { key: 'email:gone@x.io', customerId: 'c-gone' },
        { key: 'email:kept@x.io', customerId: 'c-kept' },
      ],
      merges: [],
      conflicts: [{ key: 'email:gone@x.io', linkedTo: 'c-gone', claimedBy: 'c-other', eventSource: '/channels/crm', eventId: 'e-gone' }],
    });
    await directory.forget(['c-gone']);
    expect(await tx.lookup(['email:gone@x.io', 'email:kept@x.io'])).toEqual(new Map([['email:kept@x.io', 'c-kept']]));
    expect((await directory.conflicts(100)).some((c) => c.eventId === 'e-gone')).toBe(false);
  });

  it('lets concurrent batches with overlapping keys all land, without deadlocks', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `email:k${i}@x.io`);
    await Promise.all(
      Array.from({ length: 8 }, (_, w) =>
        tx.record({
          links: (w % 2 ? [...keys].reverse() : keys).map((key) => ({ key, customerId: `c-w${w}` })),
          merges: [],
          conflicts: [],
        }),
      ),
    );
    const found = await tx.lookup(keys);
    expect(found.size).toBe(keys.length);
  });
});

import Database from 'better-sqlite3';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, SqliteDialect } from 'kysely';
import { createTable, type TableSchema } from './table-schema';

/** The statements `createTable` sends, compiled for PostgreSQL and never run. */
async function statementsOf(table: TableSchema, creation?: Parameters<typeof createTable>[2]): Promise<string[]> {
  const sent: string[] = [];
  const db = new Kysely<any>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (kysely) => new PostgresIntrospector(kysely),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
    log: (event) => {
      sent.push(event.query.sql);
    },
  });
  await createTable(db, table, creation);
  return sent;
}

const HANDOFFS: TableSchema = {
  name: 'handoffs',
  columns: [
    ['case_id', 'text', 'required'],
    ['position', 'bigint', 'required'],
    ['team', 'text'],
  ],
  primaryKey: ['case_id', 'position'],
  indexes: [['team', 'position'], { name: 'handoffs_by_case', columns: ['case_id'] }],
};

describe('createTable', () => {
  it('writes the columns in order, NOT NULL where required, and names the key and the indexes per generation', async () => {
    expect(await statementsOf(HANDOFFS, { unique: (name) => `g3_${name}` })).toEqual([
      'create table "handoffs" ("case_id" text not null, "position" bigint not null, "team" text, constraint "g3_handoffs_pk" primary key ("case_id", "position"))',
      'create index "g3_handoffs_by_team_position" on "handoffs" ("team", "position")',
      'create index "g3_handoffs_by_case" on "handoffs" ("case_id")',
    ]);
  });

  it('keeps the names as written, and what exists, for the tables every generation shares', async () => {
    const aliases: TableSchema = {
      name: 'aliases',
      columns: [
        ['alias_id', 'text', 'key'],
        ['customer_id', 'text', 'required'],
      ],
      indexes: [['customer_id']],
    };
    expect(await statementsOf(aliases, { ifNotExists: true })).toEqual([
      'create table if not exists "aliases" ("alias_id" text primary key, "customer_id" text not null)',
      'create index if not exists "aliases_by_customer_id" on "aliases" ("customer_id")',
    ]);
  });

  it('keeps a clustered table in its key order on SQLite (WITHOUT ROWID), and leaves PostgreSQL its heap', async () => {
    const firsts: TableSchema = {
      name: 'firsts',
      columns: [
        ['customer_id', 'text', 'key'],
        ['first_at', 'bigint', 'required'],
      ],
      clustered: true,
    };
    const sqlite = new Database(':memory:');
    await createTable(new Kysely<any>({ dialect: new SqliteDialect({ database: sqlite }) }), firsts, { dialect: 'sqlite' });
    const { sql } = sqlite.prepare(`SELECT sql FROM sqlite_master WHERE name = 'firsts'`).get() as { sql: string };
    expect(sql).toMatch(/\) WITHOUT ROWID$/);
    sqlite
      .prepare(`INSERT INTO firsts VALUES ('c-1', 5) ON CONFLICT (customer_id) DO UPDATE SET first_at = MIN(first_at, excluded.first_at)`)
      .run();
    sqlite
      .prepare(`INSERT INTO firsts VALUES ('c-1', 3) ON CONFLICT (customer_id) DO UPDATE SET first_at = MIN(first_at, excluded.first_at)`)
      .run();
    expect(sqlite.prepare(`SELECT * FROM firsts`).all()).toEqual([{ customer_id: 'c-1', first_at: 3 }]);
    expect(await statementsOf(firsts, { dialect: 'postgres' })).toEqual([
      'create table "firsts" ("customer_id" text primary key, "first_at" bigint not null)',
    ]);
  });
});

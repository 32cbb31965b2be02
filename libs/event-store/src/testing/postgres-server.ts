import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { Client } from 'pg';
import type { StartedTestContainer } from 'testcontainers';
import { dockerEngineAnswers } from './docker-engine';

/** The server this machine's tools start (tools/services/start.sh): trust auth, database `test`. */
export const LOCAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

export type PostgresServer = { kind: 'url'; url: string; origin: string } | { kind: 'container' } | { kind: 'missing'; reason: string };

/** Where a test file's database lives: its own database on the server, or its own schema when it may not create databases. */
export interface TestDatabase {
  readonly url: string;
  readonly schema: string;
}

let found: PostgresServer | undefined;

/**
 * The PostgreSQL server tests run against, in this order: `CX_POSTGRES_URL` or `PGURL`;
 * a container (testcontainers) when a Docker engine answers; the local server, started
 * with pg_ctlcluster when it is installed but down. Decided synchronously, once per file.
 */
export function findPostgresServer(): PostgresServer {
  found ??= lookUp();
  return found;
}

function lookUp(): PostgresServer {
  const fromEnvironment = process.env.CX_POSTGRES_URL || process.env.PGURL;
  if (fromEnvironment) return { kind: 'url', url: fromEnvironment, origin: process.env.CX_POSTGRES_URL ? 'CX_POSTGRES_URL' : 'PGURL' };
  if (dockerEngineAnswers()) return { kind: 'container' };
  if (answers(LOCAL_POSTGRES_URL) || (startLocalCluster() && answers(LOCAL_POSTGRES_URL))) {
    return { kind: 'url', url: LOCAL_POSTGRES_URL, origin: 'local server' };
  }
  return { kind: 'missing', reason: `no CX_POSTGRES_URL or PGURL, no Docker engine, and nothing answers at ${LOCAL_POSTGRES_URL}` };
}

/**
 * Declares a PostgreSQL test suite. With no server it fails: a missing service must not pass silently.
 */
export function describeWithPostgres(name: string, body: (database: TestDatabase) => void): void {
  const server = findPostgresServer();
  if (server.kind === 'missing') {
    // A missing server fails the suite, in CI and out: `npm run services:start` starts one.
    describe(name, () =>
      it('has a PostgreSQL server to run against', () => {
        throw new Error(server.reason);
      }),
    );
    return;
  }
  describe(name, () => {
    const database = useTestDatabase(server);
    // Nested, so the suite's own afterAll hooks (closing its pools) run before the database is dropped.
    describe(`on ${server.kind === 'container' ? 'a PostgreSQL container' : server.origin}`, () => body(database));
  });
}

/** Before the file's tests: a database of its own (so parallel runs never meet); after them: dropped. */
function useTestDatabase(server: Exclude<PostgresServer, { kind: 'missing' }>): TestDatabase {
  const name = `cx_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  let container: StartedTestContainer | undefined;
  let serverUrl = '';
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    if (server.kind === 'container') container = await startPostgresContainer();
    serverUrl = container ? containerUrl(container) : (server as { url: string }).url;
    database = await createDatabaseOrSchema(serverUrl, name);
  }, 180_000);
  afterAll(async () => {
    if (database) await dropDatabaseOrSchema(serverUrl, database, name);
    await container?.stop();
  });
  return {
    get url() {
      if (!database) throw new Error('the test database is made in beforeAll');
      return database.url;
    },
    get schema() {
      if (!database) throw new Error('the test database is made in beforeAll');
      return database.schema;
    },
  };
}

async function createDatabaseOrSchema(serverUrl: string, name: string): Promise<TestDatabase> {
  try {
    await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
    return { url: withDatabaseName(serverUrl, name), schema: 'cx_events' };
  } catch (error) {
    if ((error as { code?: string }).code !== '42501') throw error;
    return { url: serverUrl, schema: name };
  }
}

async function dropDatabaseOrSchema(serverUrl: string, database: TestDatabase, name: string): Promise<void> {
  if (database.schema === name) await withClient(serverUrl, (client) => client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`));
  else await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** A database of its own on the server (`<label>_<pid>_<random>`), so that suites never see each other's rows; `drop` ends its sessions too. */
export async function scratchDatabase(serverUrl: string, label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${label}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  return {
    url: withDatabaseName(serverUrl, name),
    drop: async () => {
      await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function withDatabaseName(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function startPostgresContainer(): Promise<StartedTestContainer> {
  const { GenericContainer, Wait } = await import('testcontainers');
  return new GenericContainer('postgres:16-alpine')
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
    .withExposedPorts(5432)
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
}

const containerUrl = (container: StartedTestContainer) =>
  `postgres://postgres@${container.getHost()}:${container.getMappedPort(5432)}/postgres`;

/** Whether a server answers at `url`, asked from a child process (this runs while tests are registered, synchronously). */
function answers(url: string): boolean {
  const pg = JSON.stringify(require.resolve('pg'));
  const script = `const { Client } = require(${pg}); const c = new Client({ connectionString: ${JSON.stringify(url)}, connectionTimeoutMillis: 3000 });
    c.connect().then(() => c.query('SELECT 1')).then(() => process.exit(0), () => process.exit(1));`;
  try {
    execFileSync(process.execPath, ['-e', script], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** Starts the Debian cluster the way tools/services/start.sh does, when one is installed. */
function startLocalCluster(): boolean {
  if (!existsSync('/etc/postgresql')) return false;
  const version = readdirSync('/etc/postgresql')
    .sort((a, b) => Number(a) - Number(b))
    .pop();
  if (!version) return false;
  try {
    execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

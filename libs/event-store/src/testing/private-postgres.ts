import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * A throwaway PostgreSQL cluster of one test's own: initdb in a temporary folder, a free
 * port. A fault test can crash and restart it without disturbing the shared server that
 * other test files (and other people's tests) are using at the same moment.
 */
export interface PrivateCluster {
  readonly url: string;
  /** The cluster's folder: its data directory (`data/`, WAL in `data/pg_wal`) and its server log. */
  readonly folder: string;
  /** pg_dump of a database of it, as plain SQL. */
  dump(database?: string): string;
  /** `pg_ctl restart -m immediate`: the server stops as on a crash and recovers from its WAL. */
  restart(): Promise<void>;
  /** `pg_ctl stop -m fast`: every session is ended (57P01) and the server stays down until `start`. */
  shutDown(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes the cluster. */
  stop(): void;
}

interface Tools {
  bin: string;
  /** The OS user to run as: PostgreSQL refuses to run as root. */
  user?: { name: string; uid: number; gid: number };
}

/** The PostgreSQL server binaries of this machine, or why there are none. */
export function privateClusterTools(): Tools | { missing: string } {
  const bin = serverBinaries();
  if (!bin) return { missing: 'no PostgreSQL server binaries (initdb, pg_ctl) on this machine' };
  if (process.getuid?.() !== 0) return { bin };
  const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (ids.status !== 0 || !existsSync('/usr/sbin/runuser'))
    return { missing: 'running as root with no postgres user to run the server as' };
  return { bin, user: { name: 'postgres', uid: Number(ids.stdout.trim()), gid: Number(gid.stdout.trim()) } };
}

export async function startPrivateCluster(tools: Tools): Promise<PrivateCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'cx-pg-'));
  if (tools.user) chownSync(dir, tools.user.uid, tools.user.gid);
  const data = join(dir, 'data');
  const port = await freePort();
  const command = (program: string, args: string[]): [string, string[]] =>
    tools.user ? ['/usr/sbin/runuser', ['-u', tools.user.name, '--', join(tools.bin, program), ...args]] : [join(tools.bin, program), args];
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=40`;
  const pgCtl = (...args: string[]) => command('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-o', options, ...args]);
  execFileSync(...command('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync']), { stdio: 'ignore', timeout: 60_000 });
  await run(pgCtl('start'));
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    folder: dir,
    dump: (database = 'postgres') =>
      execFileSync(join(tools.bin, 'pg_dump'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', database], {
        encoding: 'latin1',
        maxBuffer: 1 << 28,
      }),
    // Asynchronous, so the test's appends keep running while the server goes down.
    restart: () => run(pgCtl('restart', '-m', 'immediate')),
    shutDown: () => run(pgCtl('stop', '-m', 'fast')),
    start: () => run(pgCtl('start')),
    stop: () => {
      try {
        execFileSync(...pgCtl('stop', '-m', 'immediate'), { stdio: 'ignore', timeout: 60_000 });
      } catch {
        // Already down (shutDown without start): nothing to stop.
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

const run = async ([file, args]: [string, string[]]): Promise<void> => {
  await promisify(execFile)(file, args, { timeout: 60_000 });
};

function serverBinaries(): string | undefined {
  const fromPgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const candidates = fromPgConfig.status === 0 ? [fromPgConfig.stdout.trim()] : [];
  if (existsSync('/usr/lib/postgresql')) {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  }
  return candidates.find((bin) => existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl')));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

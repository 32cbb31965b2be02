import { Client } from 'pg';

/** How long the server must stay idle before timing starts, and the CPU share counted as idle. */
const QUIET_MS = 3_000;
const IDLE_SHARE = 0.05;
const GIVE_UP_MS = 600_000;

/**
 * Waits until the server that runs in this process (the bench's, its projector thread
 * included) and, with a PostgreSQL view store, the database behind it have done the work a
 * catch-up leaves behind: PostgreSQL's VACUUM (ANALYZE) of each table once it first catches
 * up, SQLite's WAL checkpoints. Timed while that ran, the first reports of a run took up to
 * twice as long as the same reports a run later on the same views. Answers the seconds waited.
 */
export async function waitForQuiet(databaseUrl: string | undefined, log: (line: string) => void): Promise<number> {
  const began = performance.now();
  const database = databaseUrl === undefined ? undefined : new Client({ connectionString: databaseUrl });
  await database?.connect();
  try {
    let quietSince = performance.now();
    while (performance.now() - quietSince < QUIET_MS) {
      if (performance.now() - began > GIVE_UP_MS) throw new Error('the server did not go quiet after its catch-up');
      const busy = (await processBusyShare(500)) > IDLE_SHARE || (database !== undefined && (await othersActive(database)) > 0);
      if (busy) quietSince = performance.now();
    }
    const waited = (performance.now() - began) / 1000;
    log(`quiet after ${waited.toFixed(1)} s`);
    return waited;
  } finally {
    await database?.end();
  }
}

/** This process's CPU time (every thread) over `ms` of wall time, as a share of one core. */
async function processBusyShare(ms: number): Promise<number> {
  const before = process.cpuUsage();
  const began = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / (performance.now() - began);
}

/** Statements running in the database on other connections than this one (a VACUUM, say). */
async function othersActive(database: Client): Promise<number> {
  const { rows } = await database.query<{ n: string }>(
    `SELECT COUNT(*) AS n FROM pg_stat_activity
     WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'`,
  );
  return Number(rows[0].n);
}

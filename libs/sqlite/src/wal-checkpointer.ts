import { Worker } from 'node:worker_threads';

/** How often the thread copies committed pages from the WAL into the file. */
const DEFAULT_EVERY_MS = 250;

/**
 * Copies the WAL of an embedded database file into the file, on a thread of its own. Left to
 * SQLite, the connection whose COMMIT pushes the WAL past `wal_autocheckpoint` pages does the
 * copy (and its fsyncs) inside that COMMIT: the ingest or projection batch that happens to
 * cross the line waits for it. Measured on a rebuild of the views over 1,000,000 events, half
 * of COMMIT's time was that copy; with this thread running a PASSIVE checkpoint every 250 ms
 * COMMIT took 12.5-13.6 s where it took 19 s, and the rebuild got 30% further in 90 s.
 * PASSIVE never waits for a lock and never stops a writer or a reader: it copies what no
 * reader still needs, and the next pass copies the rest. The writer's own autocheckpoint
 * stays set as a safety net, should this thread fall behind.
 */
export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;

  constructor(path: string, everyMs = DEFAULT_EVERY_MS) {
    this.worker = new Worker(CHECKPOINT_SCRIPT, {
      eval: true,
      workerData: { driver: require.resolve('better-sqlite3'), path, everyMs },
      // A connection and a timer: a few MiB, so a rebuild's 512 MiB bound is not spent here.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    });
    // It never keeps the process alive, and its failure only gives the copy back to the writers.
    this.worker.unref();
    this.worker.on('error', () => undefined);
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
  }

  /** Stops the thread after the pass it is in, if any; the connection closes with it. */
  async close(): Promise<void> {
    // Referenced again while it ends: a process whose last work is this wait (the CLI) would otherwise exit in the middle of it.
    this.worker.ref();
    this.worker.postMessage('close');
    await this.exited;
  }
}

// busy_timeout 0: a checkpoint that finds the file busy skips this pass instead of waiting.
const CHECKPOINT_SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const db = new (require(workerData.driver))(workerData.path, { timeout: 0 });
db.pragma('cache_size = -256');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const timer = setInterval(() => {
  try { checkpoint.get(); } catch { /* busy or gone: the next pass, or the writer, copies it */ }
}, workerData.everyMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });`;

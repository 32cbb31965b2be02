import { Logger } from '@nestjs/common';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EventStore } from '@cx/event-store';
import { openSqlite } from '@cx/sqlite';
import { Projection, stampOf } from '../projection';
import { physicalTable } from './generation-tables';

/** One generation of a projection as a snapshot holds it. */
export interface SnapshotGeneration {
  name: string;
  generation: number;
  /** What it was built from (see `stampOf`); null for one made before versions. */
  stamp: string | null;
  /** The last event it folded: every event up to it, none after. */
  checkpoint: number;
  /** The latest `recordedAt` among the events up to `checkpoint`: from then on, all of them were known. */
  recordedBy: number;
}

/** What a snapshot file holds, written beside it. */
export interface SnapshotManifest {
  file: string;
  takenAt: number;
  generations: SnapshotGeneration[];
}

/** The generation of each projection that a `knownAt` read starts from, in one snapshot. */
export interface SnapshotStart {
  path: string;
  generations: ReadonlyMap<string, SnapshotGeneration>;
}

const ERASURE_MARK = 'erased.json';
const RECORDED_BY = 'recorded-by.json';
const READ_BATCH = 5000;

/**
 * Copies of the embedded view store (`VACUUM INTO`, on a connection of its own: under WAL it
 * reads one consistent state and the projectors go on writing), each with a manifest of the
 * generations it holds, their checkpoints and the time by which their events were all
 * recorded. A `knownAt` read copies the best one and folds only the events after it.
 * Snapshots are a cache: losing one only makes a read fold more.
 */
export class ViewSnapshots {
  private readonly logger = new Logger('view-snapshots');
  /** Known (position, latest recordedAt up to it) pairs, so that each stretch of the log is read once. */
  private recordedBy?: Array<[number, number]>;
  /** The snapshot being taken: one at a time, a multiple passed meanwhile is skipped. */
  private taking?: Promise<void>;

  constructor(
    readonly dir: string,
    private readonly viewsPath: string,
    readonly every: number,
    readonly kept: number,
  ) {}

  manifests(): SnapshotManifest[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((name) => name.startsWith('views-') && name.endsWith('.json'))
      .flatMap((name) => {
        try {
          return [JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as SnapshotManifest];
        } catch {
          return [];
        }
      })
      .filter((manifest) => existsSync(join(this.dir, manifest.file)))
      .sort((a, b) => b.takenAt - a.takenAt);
  }

  /**
   * The snapshot to start a `knownAt` read of these projections from: for each, a generation
   * built from the code's stamp whose events were all recorded by `knownAt`; of the snapshots
   * that have one for every projection, the one that leaves the shortest tail to fold.
   */
  startFor(projections: readonly Projection[], knownAt: number): SnapshotStart | undefined {
    let best: { start: SnapshotStart; from: number } | undefined;
    for (const manifest of this.manifests()) {
      const generations = new Map<string, SnapshotGeneration>();
      for (const projection of projections) {
        const usable = manifest.generations
          .filter((g) => g.name === projection.name && g.stamp === stampOf(projection) && g.recordedBy <= knownAt)
          .sort((a, b) => b.checkpoint - a.checkpoint);
        if (usable.length > 0) generations.set(projection.name, usable[0]);
      }
      if (generations.size !== projections.length) continue;
      const from = Math.min(...[...generations.values()].map((g) => g.checkpoint));
      if (!best || from > best.from) best = { start: { path: join(this.dir, manifest.file), generations }, from };
    }
    return best?.start;
  }

  /**
   * Takes a snapshot now of the generations a runner folds (`folded`: the others stand
   * wherever their own runner is, and would only take disk), then keeps the newest `kept`
   * of those whose generations are all built from the code's stamps. A failure is logged,
   * never thrown: the projector's batch it follows is committed either way.
   */
  async take(
    events: EventStore,
    projections: readonly Projection[],
    folded: readonly FoldedGeneration[],
    learned?: LearnedRecordedBy,
  ): Promise<void> {
    if (this.taking) return;
    this.taking = this.takeNow(events, projections, folded, learned).finally(() => (this.taking = undefined));
    await this.taking;
  }

  /** Whether a snapshot is being taken now (a `take` would do nothing). */
  get busy(): boolean {
    return this.taking !== undefined;
  }

  /** Resolves once no snapshot is being taken (before the stores it reads are closed). */
  async idle(): Promise<void> {
    await this.taking;
  }

  private async takeNow(
    events: EventStore,
    projections: readonly Projection[],
    folded: readonly FoldedGeneration[],
    learned?: LearnedRecordedBy,
  ): Promise<void> {
    const takenAt = Date.now();
    const file = `views-${takenAt}.sqlite`;
    const partial = join(this.dir, `${file}.partial`);
    try {
      mkdirSync(this.dir, { recursive: true });
      this.removePartials();
      await rewriteInThread(this.viewsPath, 'VACUUM INTO ?', [partial]);
      if (dropOthers(partial, folded)) await rewriteInThread(partial, 'VACUUM', [], SCRATCH_FILE);
      const generations = await this.generationsIn(partial, events, learned);
      renameSync(partial, join(this.dir, file));
      writeFileSync(join(this.dir, file.replace(/\.sqlite$/, '.json')), JSON.stringify({ file, takenAt, generations }));
      // After the rename: an erasure that listed the folder before it has left its mark by now.
      if (this.erasedSince(takenAt)) this.remove(file);
      else this.prune(projections);
    } catch (error) {
      rmSync(partial, { force: true });
      this.logger.warn(`snapshot not taken: ${(error as Error).message}`);
    }
  }

  /**
   * Erasure (SPEC §4.3): every snapshot goes, and one being taken now is dropped once written,
   * so no copy of the views from before the customer's erasure stays on disk.
   */
  forgetAll(): void {
    if (!existsSync(this.dir)) return;
    writeFileSync(join(this.dir, ERASURE_MARK), JSON.stringify({ at: Date.now() }));
    for (const manifest of this.manifests()) this.remove(manifest.file);
  }

  private erasedSince(takenAt: number): boolean {
    const mark = join(this.dir, ERASURE_MARK);
    if (!existsSync(mark)) return false;
    return (JSON.parse(readFileSync(mark, 'utf8')) as { at: number }).at >= takenAt;
  }

  private prune(projections: readonly Projection[]): void {
    const stamps = new Map(projections.map((p) => [p.name, stampOf(p)]));
    const current = (manifest: SnapshotManifest) => manifest.generations.every((g) => g.stamp === stamps.get(g.name));
    const manifests = this.manifests();
    const keep = new Set(manifests.filter(current).slice(0, this.kept));
    for (const manifest of manifests) if (!keep.has(manifest)) this.remove(manifest.file);
  }

  /** Copies a crash (or a stop) left half-written: never renamed, never read. */
  private removePartials(): void {
    for (const name of readdirSync(this.dir)) if (name.endsWith('.partial')) rmSync(join(this.dir, name), { force: true });
  }

  private remove(file: string): void {
    rmSync(join(this.dir, file.replace(/\.sqlite$/, '.json')), { force: true });
    rmSync(join(this.dir, file), { force: true });
  }

  /** The registry's generations in a snapshot file, each with the time by which its events were all recorded. */
  private async generationsIn(path: string, events: EventStore, learned?: LearnedRecordedBy): Promise<SnapshotGeneration[]> {
    const db = openSqlite(path);
    let rows: Array<{ name: string; generation: number; stamp: string | null; position: number }>;
    try {
      rows = db
        .prepare(
          `SELECT c.name, c.generation, g.stamp, c.position FROM projection_checkpoints c
           LEFT JOIN projection_generations g ON g.name = c.name AND g.generation = c.generation`,
        )
        .all() as typeof rows;
    } finally {
      db.close();
    }
    const generations: SnapshotGeneration[] = [];
    for (const row of rows) {
      const checkpoint = Number(row.position);
      generations.push({ ...row, checkpoint, recordedBy: await this.recordedByAt(checkpoint, events, learned) });
    }
    return generations;
  }

  /**
   * The latest `recordedAt` of the events up to `position`. A position the runner folded to
   * is known from its batches past where it began; otherwise the events are read, from the
   * nearest known point before it.
   */
  private async recordedByAt(position: number, events: EventStore, learned?: LearnedRecordedBy): Promise<number> {
    const folded = learned?.at(position);
    const recordedBy =
      folded === undefined || learned === undefined
        ? await this.readRecordedBy(position, events)
        : Math.max(folded, await this.recordedByAt(learned.from, events));
    this.remember(position, recordedBy);
    return recordedBy;
  }

  private async readRecordedBy(position: number, events: EventStore): Promise<number> {
    const [from, latest] = this.knownRecordedBy()
      .filter(([at]) => at <= position)
      .reduce((a, b) => (b[0] > a[0] ? b : a), [0, 0]);
    let recordedBy = latest;
    for (let after = from; after < position;) {
      const batch = await events.readAll({ after, maxCount: Math.min(READ_BATCH, position - after) });
      if (batch.length === 0) break;
      for (const event of batch) if (event.position <= position) recordedBy = Math.max(recordedBy, event.recordedAt);
      after = batch[batch.length - 1].position;
    }
    return recordedBy;
  }

  private remember(position: number, recordedBy: number): void {
    const known = this.knownRecordedBy();
    if (known.some(([at]) => at === position)) return;
    known.push([position, recordedBy]);
    writeFileSync(join(this.dir, RECORDED_BY), JSON.stringify(known));
  }

  private knownRecordedBy(): Array<[number, number]> {
    if (this.recordedBy) return this.recordedBy;
    const path = join(this.dir, RECORDED_BY);
    this.recordedBy = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Array<[number, number]>) : [];
    return this.recordedBy;
  }
}

/** A generation a runner folds: `name` is the projection's. */
export interface FoldedGeneration {
  name: string;
  generation: number;
}

/**
 * A snapshot whose free pages are less than this share of its pages keeps them: giving them
 * back takes a VACUUM, a second copy of the whole file, for little disk.
 */
const WORTH_A_VACUUM = 0.25;

/**
 * Drops from a snapshot file the generations the runner that took it does not fold. True
 * when that freed enough of the file to be worth giving back (a rebuild's copy holds the
 * live generations too, empty at a first start, full when a version changed).
 */
function dropOthers(path: string, folded: readonly FoldedGeneration[]): boolean {
  const db = openSqlite(path);
  try {
    const rows = db.prepare('SELECT name, generation, tables FROM projection_generations').all() as Array<{
      name: string;
      generation: number;
      tables: string;
    }>;
    const others = rows.filter((row) => !folded.some((f) => f.name === row.name && f.generation === Number(row.generation)));
    if (others.length === 0) return false;
    const live = db.prepare('SELECT 1 FROM projections WHERE name = ? AND active_generation = ?');
    for (const { name, generation, tables } of others) {
      // The tables' views point at the live generation: dropped with it, so none dangles.
      const views = live.get(name, generation) !== undefined;
      for (const table of JSON.parse(tables) as string[]) {
        if (views) db.exec(`DROP VIEW IF EXISTS "${table}"`);
        db.exec(`DROP TABLE IF EXISTS "${physicalTable(table, Number(generation))}"`);
      }
      for (const registry of ['projection_generations', 'projection_checkpoints'])
        db.prepare(`DELETE FROM ${registry} WHERE name = ? AND generation = ?`).run(name, generation);
    }
    db.exec('DELETE FROM projections WHERE name NOT IN (SELECT name FROM projection_generations)');
    const free = db.pragma('freelist_count', { simple: true }) as number;
    return free > WORTH_A_VACUUM * (db.pragma('page_count', { simple: true }) as number);
  } finally {
    db.close();
  }
}

/**
 * A statement that rewrites a whole file (`VACUUM INTO`, `VACUUM`) takes seconds at
 * 1,000,000 events: it runs on a thread of its own, so the projector's batches go on (a
 * rebuild uses the other core) and, with the projector on the event loop, requests do not
 * wait for it. Under WAL the copy reads one consistent state while the writer goes on.
 */
function rewriteInThread(path: string, statement: string, params: readonly unknown[] = [], pragmas: readonly string[] = []): Promise<void> {
  const worker = new Worker(REWRITE_SCRIPT, {
    eval: true,
    workerData: { driver: require.resolve('better-sqlite3'), path, statement, params, pragmas },
  });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${statement} ended with exit code ${code}`))));
  });
}

const REWRITE_SCRIPT = `
const { workerData } = require('node:worker_threads');
const db = new (require(workerData.driver))(workerData.path, { timeout: 10000 });
try {
  for (const pragma of workerData.pragmas) db.pragma(pragma);
  db.prepare(workerData.statement).run(...workerData.params);
} finally { db.close(); }`;

/**
 * For a file no one reads until it is renamed (a crash leaves it to `removePartials`): no
 * journal and no waiting for the disk. A VACUUM of a 675 MB copy took 1.8 s so, 5.4 s in WAL.
 */
const SCRATCH_FILE = ['journal_mode = OFF', 'synchronous = OFF'];

/** Where the snapshots of an embedded view store live: a folder beside its file. */
export const snapshotsDirOf = (viewsPath: string): string => `${viewsPath}.snapshots`;

/** What a runner learned of `recordedAt` from its batches, from `from` (where it began) on. */
export interface LearnedRecordedBy {
  readonly from: number;
  /** The latest `recordedAt` of the events after `from` up to `position`, for a position a batch ended at. */
  at(position: number): number | undefined;
}

/** A batch a runner folded: every event after `after` up to `upTo`, the latest of them recorded at `recordedBy`. */
export interface FoldedBatch {
  after: number;
  upTo: number;
  recordedBy: number;
}

/**
 * When a runner takes a snapshot: each time its batches pass a multiple of `every` events
 * (not at its start, where the views stand wherever the last run left them). The copy goes
 * on beside the runner's next batches; a multiple passed while one is being taken is owed,
 * and taken after the first batch that ends once the copy is done. Skipped instead, a
 * rebuild over 981,952 events in batches of 20,000 kept one snapshot per 100,000 events (a
 * copy took longer than folding 40,000), and a known-at read could have twice the tail to fold.
 *
 * It also keeps, by batch end, the latest `recordedAt` of the events the runner folded, so
 * a snapshot's manifest says when its events were all recorded without reading them again
 * (a second read of every event: 8% of the projector thread's samples under HTTP ingest).
 */
export class SnapshotSchedule {
  private lastStep?: number;
  /** A multiple of `every` was passed since the last snapshot this schedule took. */
  private owed = false;
  private learned = new FoldedRecordedBy(0);

  constructor(
    private readonly snapshots: ViewSnapshots,
    private readonly events: EventStore,
    private readonly projections: readonly Projection[],
    /** Whether the runner waits for each copy (tests that count snapshots); by default it goes on. */
    private readonly waitForEach = false,
  ) {}

  async passed(batch: FoldedBatch, folded: readonly FoldedGeneration[]): Promise<void> {
    if (!this.learned.follows(batch)) this.learned = new FoldedRecordedBy(batch.after);
    this.learned.add(batch);
    const step = Math.floor(batch.upTo / this.snapshots.every);
    const previous = this.lastStep;
    this.lastStep = step;
    if (previous !== undefined && step > previous) this.owed = true;
    if (!this.owed || this.snapshots.busy) return;
    this.owed = false;
    // The copy holds this batch or a later one: what came before is not asked about again.
    this.learned.forgetBefore(batch.upTo);
    const taking = this.snapshots.take(this.events, this.projections, folded, this.learned);
    if (this.waitForEach) await taking;
  }
}

/** The latest `recordedAt` by batch end, over an unbroken run of batches from `from`. */
class FoldedRecordedBy implements LearnedRecordedBy {
  private latest = 0;
  private end: number;
  private readonly byEnd = new Map<number, number>();

  constructor(readonly from: number) {
    this.end = from;
  }

  /** Whether the batch starts where the last one ended. */
  follows(batch: FoldedBatch): boolean {
    return batch.after === this.end;
  }

  add(batch: FoldedBatch): void {
    this.latest = Math.max(this.latest, batch.recordedBy);
    this.end = batch.upTo;
    this.byEnd.set(batch.upTo, this.latest);
  }

  at(position: number): number | undefined {
    return this.byEnd.get(position);
  }

  forgetBefore(position: number): void {
    for (const end of this.byEnd.keys()) if (end < position) this.byEnd.delete(end);
  }
}

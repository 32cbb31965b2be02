import type { Kysely } from 'kysely';
import { Wakeup } from '@cx/clock';
import type { EventStore, StoredEvent, Subscription } from '@cx/event-store';
import type { AnyLedgerEvent } from '@cx/events';
import { eventsFor, Projection } from '../projection';
import { PartitionCheckpoints } from '../partitions/partition-checkpoints';
import { planSeeks } from '../sql-batches';
import { physicalTable } from '../view-store/generation-tables';
import type { ViewStore } from '../view-store/view-store.port';
import type { SnapshotSchedule } from '../view-store/view-snapshots';
import { contextFor, forGeneration, ProjectionRegistry } from './projection-registry';

export type RunnerState = 'catching_up' | 'live' | 'failing' | 'stopped';

/** One generation of one projection that a runner folds. */
export interface RunnerTarget {
  projection: Projection;
  generation: number;
}

export interface RunnerEvents {
  /** A rebuilding target caught up and its generation is now the live one. */
  promoted(projection: Projection, generation: number, retired: number): void;
  /** Every target of the runner is done: neither live nor being built any more, or fed from `cx.events` partitions. */
  retired(runner: ProjectionRunner): void;
}

export interface RunnerOptions {
  /**
   * `live` folds live generations (and leaves one that `cx.events` partitions took over);
   * `rebuild` folds generations being built, each until it goes live.
   */
  role: 'live' | 'rebuild';
  batchSize: number;
  /** Entities a projection settles per transaction before a rebuilt generation goes live. */
  settleBatch: number;
  /** Copies of the views taken as batches pass checkpoints (embedded view store only). */
  snapshots?: SnapshotSchedule;
  /**
   * After a batch that reached the head, how long the runner waits before reading again, so
   * the events appended meanwhile come as one batch (0: at once). Each batch costs every
   * target a transaction and a few statements whatever its size, and live batches are as
   * small as the appends: ingest in batches of 100 gave batches of 100.
   */
  lingerMs: number;
}

/** Events a target applies before its tables are first analyzed while it catches up (then at each doubling). */
const ANALYZE_FIRST = 10_000;

const DEFAULT_OPTIONS: Omit<RunnerOptions, 'batchSize'> = { role: 'live', settleBatch: 2000, lingerMs: 0 };

/**
 * Events per batch read from the log, by role. A rebuild's batches are larger: each batch
 * costs every target a transaction, and a customer touched by several events of a batch has
 * its rows rewritten once. Rebuild of all views over 981,952 events, with 5,000, 10,000 and
 * 20,000: 6,513, 6,941 and 7,521-8,245 events/s. Larger still would hold the views' write
 * lock longer (about 0.5 s a transaction at 20,000), which a live projector beside it waits
 * for; live batches are as small as the appends anyway.
 */
const BATCH_SIZE: Record<RunnerOptions['role'], number> = { live: 5000, rebuild: 20_000 };

type Outcome = 'retired' | 'applied' | 'caught_up';

/** Where one target stands in the runner. */
class TargetRun {
  state: RunnerState = 'catching_up';
  error?: string;
  done = false;
  /** Whether no work left by batches applied while catching up remains (unknown after a start: false). */
  settled = false;
  /** Events applied since the runner started, and how many had been when its tables were last vacuumed and analyzed. */
  applied = 0;
  analyzedAt = 0;
  /** Whether they were once it first caught up. */
  analyzedCaughtUp = false;

  constructor(readonly target: RunnerTarget) {}

  get key(): string {
    return targetKey(this.target);
  }
}

/** Some targets failed on a batch (each has its error); the others took it. */
class TargetsFailed extends Error {
  constructor(keys: readonly string[]) {
    super(`failed: ${keys.join(', ')}`);
  }
}

const latestRecordedAt = (batch: readonly StoredEvent[]): number => batch.reduce((latest, event) => Math.max(latest, event.recordedAt), 0);

export const targetKey = ({ projection, generation }: RunnerTarget): string => `${projection.name}#${generation}`;

/**
 * Folds generations of projections from one pass over the event store's subscription: each
 * batch is read and parsed once, then applied to every target in a transaction of its own
 * that reads the target's stored checkpoint, applies only the events after it, and moves
 * the checkpoint. A crash anywhere loses nothing and counts nothing twice, and two
 * processes running the same target cannot apply an event twice. A live generation that
 * partitioned projectors have taken over (see PartitionFeed) is left to them.
 *
 * A generation being rebuilt is fed with `catchingUp` while the batch does not reach the
 * head, then settled, and promoted once it has caught up.
 */
export class ProjectionRunner {
  private subscription?: Subscription;
  private readonly runs: TargetRun[];
  private readonly options: RunnerOptions;
  private stopped = false;
  /** Ends a linger at once when the runner is stopped. */
  private readonly lingering = new Wakeup();
  /** Where the batches folded so far end: the next batch holds the events after it. */
  private foldedTo = 0;

  constructor(
    targets: readonly RunnerTarget[],
    private readonly views: ViewStore,
    private readonly registry: ProjectionRegistry,
    private readonly events: EventStore,
    private readonly listener: RunnerEvents,
    options: Partial<RunnerOptions> = {},
  ) {
    const role = options.role ?? DEFAULT_OPTIONS.role;
    this.options = { ...DEFAULT_OPTIONS, batchSize: BATCH_SIZE[role], ...options };
    this.runs = targets.map((target) => new TargetRun(target));
  }

  /** The targets it still folds. */
  get targets(): RunnerTarget[] {
    return this.runs.filter((run) => !run.done).map((run) => run.target);
  }

  stateOf(target: RunnerTarget): { state: RunnerState; error?: string } | undefined {
    const run = this.runs.find((r) => r.key === targetKey(target));
    return run && { state: run.state, ...(run.state === 'failing' && run.error ? { error: run.error } : {}) };
  }

  async start(): Promise<void> {
    const checkpoints = await Promise.all(
      this.runs.map((run) => this.registry.checkpoint(run.target.projection.name, run.target.generation)),
    );
    for (const [i, run] of this.runs.entries()) if (await this.promoteIfCaughtUp(run, checkpoints[i])) this.finish(run);
    if (this.active().length === 0) {
      this.retire();
      return;
    }
    if (this.options.role === 'live') await this.liveAtTheHead(checkpoints);
    const after = Math.min(...this.runs.map((run, i) => (run.done ? Infinity : checkpoints[i])));
    this.foldedTo = after;
    this.subscription = this.events.subscribe({
      after,
      batchSize: this.options.batchSize,
      onBatch: (batch) => this.apply(batch),
      onError: (error) => {
        if (error instanceof TargetsFailed) return;
        const message = error instanceof Error ? error.message : String(error);
        for (const run of this.active()) Object.assign(run, { state: 'failing', error: message });
      },
    });
  }

  /** A live target already at the head (a rebuilt generation just promoted) is live before any batch comes. */
  private async liveAtTheHead(checkpoints: readonly number[]): Promise<void> {
    const head = await this.events.headPosition();
    for (const [i, run] of this.runs.entries()) if (checkpoints[i] >= head) run.state = 'live';
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.lingering.notify();
    for (const run of this.runs) run.state = 'stopped';
    await this.subscription?.stop();
  }

  private active(): TargetRun[] {
    return this.runs.filter((run) => !run.done);
  }

  private async apply(batch: StoredEvent[]): Promise<void> {
    if (this.stopped) return;
    const head = await this.events.headPosition();
    const last = batch[batch.length - 1].position;
    const failed: string[] = [];
    for (const run of this.active()) {
      try {
        const outcome = await this.applyTo(run, batch as AnyLedgerEvent[], last, head);
        if (outcome !== 'retired') run.applied += batch.length;
        await this.analyzeAsItGrows(run, outcome);
        if (outcome === 'retired') this.finish(run);
        else if (outcome === 'caught_up' && this.options.role === 'rebuild') await this.settleAndPromote(run);
      } catch (error) {
        Object.assign(run, { state: 'failing', error: error instanceof Error ? error.message : String(error) });
        failed.push(run.key);
      }
    }
    if (this.active().length === 0) {
      this.retire();
      return;
    }
    // The subscription offers the batch again after a back-off; the targets that took it skip it by their checkpoints.
    if (failed.length > 0) throw new TargetsFailed(failed);
    const after = this.foldedTo;
    this.foldedTo = last;
    const snapshots = this.options.snapshots;
    if (snapshots) {
      const folded = this.active().map(({ target }) => ({ name: target.projection.name, generation: target.generation }));
      await snapshots.passed({ after, upTo: last, recordedBy: latestRecordedAt(batch) }, folded);
    }
    if (last >= head) await this.linger();
  }

  /** Waits `lingerMs` after a batch that reached the head, unless the runner is stopping (stop() ends a wait begun before it). */
  private async linger(): Promise<void> {
    if (this.stopped || this.options.lingerMs === 0) return;
    await this.lingering.wait(this.options.lingerMs);
  }

  /** One target, one transaction: checkpoint read under lock, fresh events applied, checkpoint moved. */
  private async applyTo(run: TargetRun, batch: readonly AnyLedgerEvent[], last: number, head: number): Promise<Outcome> {
    const { projection, generation } = run.target;
    const catchingUp = last < head;
    const outcome = await this.views.transaction(async (tx): Promise<Outcome> => {
      const record = (await this.registry.records(tx)).find((r) => r.name === projection.name);
      const live = this.options.role === 'live';
      const current = live ? record?.activeGeneration : record?.buildingGeneration;
      if (generation !== current) return 'retired';
      const stored = await this.lockCheckpoint(tx, run);
      if (live && (await this.fedFromPartitions(tx, run))) return 'retired';
      const fresh = eventsFor(
        projection,
        batch.filter((event) => event.position > stored),
      );
      const deferring = !live && catchingUp;
      await planSeeks(tx, this.views.dialect);
      if (fresh.length > 0)
        await projection.apply(forGeneration(tx, projection, generation), fresh, contextFor(this.views.dialect, generation, deferring));
      if (deferring && fresh.length > 0) run.settled = false;
      if (last > stored) {
        await tx
          .updateTable('projection_checkpoints')
          .set({ position: last, updated_at: Date.now() })
          .where('name', '=', projection.name)
          .where('generation', '=', generation)
          .execute();
      }
      return Math.max(last, stored) >= head ? 'caught_up' : 'applied';
    });
    if (outcome !== 'retired') run.state = outcome === 'caught_up' ? 'live' : 'catching_up';
    return outcome;
  }

  /**
   * PostgreSQL's autovacuum gets to a table only after enough changes and a while, and never
   * where it is off. A generation that just caught up from empty would be planned from no
   * statistics (nested loops where a hash join takes a thousandth of the time); one catching
   * up was planned from statistics of when it was small, and kept the dead rows of every
   * batch's rewrites (a batch's index seeks became scans of the whole table, so catch-up
   * slowed as the tables grew); and without a visibility map, the reports' index-only scans
   * read the table too. So a target's tables are vacuumed and analyzed when it first catches
   * up and whenever the events it applied have doubled since the last time: a few times over
   * any history, costing in all about twice one pass over the tables.
   */
  private async analyzeAsItGrows(run: TargetRun, outcome: Outcome): Promise<void> {
    if (this.views.dialect !== 'postgres' || outcome === 'retired') return;
    const firstCatchUp = outcome === 'caught_up' && !run.analyzedCaughtUp;
    if (!firstCatchUp && run.applied < Math.max(2 * run.analyzedAt, ANALYZE_FIRST)) return;
    if (outcome === 'caught_up') run.analyzedCaughtUp = true;
    run.analyzedAt = run.applied;
    const { projection, generation } = run.target;
    for (const table of projection.tables) await this.views.execute(`VACUUM (ANALYZE) ${physicalTable(table, generation)}`);
  }

  /** A rebuilt generation that has caught up: its deferred work is settled, then it goes live. */
  private async settleAndPromote(run: TargetRun): Promise<void> {
    const records = await this.registry.records();
    if (records.find((r) => r.name === run.target.projection.name)?.buildingGeneration !== run.target.generation) return;
    const checkpoint = await this.registry.checkpoint(run.target.projection.name, run.target.generation);
    if (await this.promoteIfCaughtUp(run, checkpoint)) this.finish(run);
  }

  /** Runs the projection's `settle` in transactions of its own until nothing is left. */
  private async settle(run: TargetRun): Promise<void> {
    const { projection, generation } = run.target;
    if (run.settled || !projection.settle) return;
    const settleBatch = projection.settle.bind(projection);
    const context = contextFor(this.views.dialect, generation);
    for (;;) {
      const done = await this.views.transaction(async (tx) => {
        await planSeeks(tx, this.views.dialect);
        return settleBatch(forGeneration(tx, projection, generation), context, this.options.settleBatch);
      });
      if (done === 0) break;
    }
    run.settled = true;
  }

  /** The checkpoint inside the transaction; PostgreSQL locks the row so a second projector waits its turn. */
  private async lockCheckpoint(tx: Kysely<any>, run: TargetRun): Promise<number> {
    const { projection, generation } = run.target;
    let query = tx
      .selectFrom('projection_checkpoints')
      .select('position')
      .where('name', '=', projection.name)
      .where('generation', '=', generation);
    if (this.views.dialect === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? Number(row.position) : 0;
  }

  /** Checked under the checkpoint's lock, which a hand-over to partitions takes too. */
  private async fedFromPartitions(tx: Kysely<any>, run: TargetRun): Promise<boolean> {
    const partitions = new PartitionCheckpoints(run.target.projection.name, this.views.dialect);
    return partitions.feedsFromPartitions(tx, run.target.generation);
  }

  /** A generation being built that stands at the head: settled, then live (in one transaction with a last look at the head). */
  private async promoteIfCaughtUp(run: TargetRun, checkpoint: number): Promise<boolean> {
    const { projection, generation } = run.target;
    const record = (await this.registry.records()).find((r) => r.name === projection.name);
    if (record?.buildingGeneration !== generation) return false;
    if (checkpoint < (await this.events.headPosition())) return false;
    await this.registry.createReadIndexes(projection, generation);
    await this.settle(run);
    const retired = await this.views.transaction(async (tx) => {
      const stored = await this.lockCheckpoint(tx, run);
      if (stored < (await this.events.headPosition())) return 'behind' as const;
      return this.registry.promote(tx, projection, generation);
    });
    if (retired === 'behind') return false;
    run.state = 'live';
    if (retired !== undefined) this.listener.promoted(projection, generation, retired);
    return true;
  }

  private finish(run: TargetRun): void {
    run.done = true;
    run.state = 'stopped';
  }

  private retire(): void {
    this.stopped = true;
    // Not awaited: this runs inside the subscription's own loop, which stop() waits for.
    void this.subscription?.stop();
    this.listener.retired(this);
  }
}

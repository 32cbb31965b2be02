import type { Kysely } from 'kysely';
import type { EventStore, StoredEvent, Subscription } from '@cx/event-store';
import { contextFor, forGeneration, Projection, ProjectionRegistry, ViewStore } from '@cx/view-store';
import { PartitionCheckpoints } from './partition-checkpoints';

export type RunnerState = 'catching_up' | 'live' | 'failing' | 'stopped';

export interface RunnerEvents {
  /** A rebuilding runner caught up and its generation is now the live one. */
  promoted(projection: Projection, generation: number, retired: number): void;
  /** The runner's generation is neither live nor being built any more, or is live and fed from `cx.events` partitions. */
  retired(runner: ProjectionRunner): void;
}

export interface RunnerOptions {
  /**
   * Whether the runner goes on applying the global order once its generation is live.
   * False where `cx.events` partitions feed live generations: the runner only rebuilds.
   */
  followsLive: boolean;
  batchSize: number;
}

const DEFAULT_OPTIONS: RunnerOptions = { followsLive: true, batchSize: 5000 };

/**
 * Folds one generation of one projection from the event store's subscription. Every batch
 * is one transaction that reads the stored checkpoint, applies only the events after it,
 * and moves the checkpoint: a crash anywhere loses nothing and counts nothing twice, and
 * two processes running the same projection cannot apply an event twice. A live generation
 * that partitioned projectors have taken over (see PartitionFeed) is left to them.
 */
export class ProjectionRunner {
  private subscription?: Subscription;
  private lastError?: string;
  private done = false;
  private readonly partitionCheckpoints: PartitionCheckpoints;
  private readonly options: RunnerOptions;
  state: RunnerState = 'catching_up';

  constructor(
    readonly projection: Projection,
    readonly generation: number,
    private readonly views: ViewStore,
    private readonly registry: ProjectionRegistry,
    private readonly events: EventStore,
    private readonly listener: RunnerEvents,
    options: Partial<RunnerOptions> = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    this.partitionCheckpoints = new PartitionCheckpoints(projection.name, views.dialect);
  }

  async start(): Promise<void> {
    const after = await this.registry.checkpoint(this.projection.name, this.generation);
    if (await this.promoteIfCaughtUpAt(after)) return;
    this.subscription = this.events.subscribe({
      after,
      batchSize: this.options.batchSize,
      onBatch: (batch) => this.apply(batch),
      onError: (error) => {
        this.state = 'failing';
        this.lastError = error instanceof Error ? error.message : String(error);
      },
    });
  }

  get error(): string | undefined {
    return this.state === 'failing' ? this.lastError : undefined;
  }

  async stop(): Promise<void> {
    this.done = true;
    this.state = 'stopped';
    await this.subscription?.stop();
  }

  private async apply(batch: StoredEvent[]): Promise<void> {
    if (this.done) return;
    const outcome = await this.views.transaction(async (tx) => {
      const record = await tx.selectFrom('projections').selectAll().where('name', '=', this.projection.name).executeTakeFirst();
      const building = record?.building_generation === null ? null : Number(record?.building_generation);
      const active = Number(record?.active_generation);
      if (this.generation !== active && this.generation !== building) return { retired: true } as const;
      const stored = await this.lockCheckpoint(tx);
      if (this.generation === active && !(await this.appliesLive(tx))) return { retired: true } as const;
      const fresh = batch.filter((event) => event.position > stored);
      if (fresh.length > 0) await this.projection.apply(forGeneration(tx, this.projection, this.generation), fresh, contextFor(this.views.dialect, this.generation));
      const last = batch[batch.length - 1].position;
      if (last > stored) {
        await tx.updateTable('projection_checkpoints').set({ position: last, updated_at: Date.now() })
          .where('name', '=', this.projection.name).where('generation', '=', this.generation).execute();
      }
      const caughtUp = Math.max(last, stored) >= (await this.events.headPosition());
      if (this.generation === building && caughtUp) return { promotedFrom: await this.registry.promote(tx, this.projection, this.generation), caughtUp };
      return { caughtUp };
    });
    if ('retired' in outcome) return this.retire();
    this.state = outcome.caughtUp ? 'live' : 'catching_up';
    if ('promotedFrom' in outcome && outcome.promotedFrom !== undefined) this.listener.promoted(this.projection, this.generation, outcome.promotedFrom);
  }

  /** The checkpoint inside the transaction; PostgreSQL locks the row so a second projector waits its turn. */
  private async lockCheckpoint(tx: Kysely<any>): Promise<number> {
    let query = tx.selectFrom('projection_checkpoints').select('position').where('name', '=', this.projection.name).where('generation', '=', this.generation);
    if (this.views.dialect === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirst();
    return row ? Number(row.position) : 0;
  }

  /** Checked under the checkpoint's lock, which a hand-over to partitions takes too. */
  private async appliesLive(tx: Kysely<any>): Promise<boolean> {
    return this.options.followsLive && !(await this.partitionCheckpoints.feedsFromPartitions(tx, this.generation));
  }

  /** A rebuild of an empty store (or one resumed at the head) takes over at once. */
  private async promoteIfCaughtUpAt(checkpoint: number): Promise<boolean> {
    const records = await this.registry.records();
    const record = records.find((r) => r.name === this.projection.name);
    if (record?.buildingGeneration !== this.generation) return false;
    if (checkpoint < (await this.events.headPosition())) return false;
    const retired = await this.views.transaction((tx) => this.registry.promote(tx, this.projection, this.generation));
    this.state = 'live';
    if (retired !== undefined) this.listener.promoted(this.projection, this.generation, retired);
    if (this.options.followsLive) await this.start();
    else this.retire();
    return true;
  }

  private retire(): void {
    this.done = true;
    this.state = 'stopped';
    // Not awaited: this runs inside the subscription's own loop, which stop() waits for.
    void this.subscription?.stop();
    this.listener.retired(this);
  }
}

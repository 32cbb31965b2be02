import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EVENT_LOG, EventStore } from '@cx/event-store';
import { Projection, ProjectionRegistry, PROJECTIONS, VIEW_STORE, ViewStore } from '@cx/view-store';
import { PartitionCheckpoints } from './partition-checkpoints';
import { ProjectionRunner, RunnerEvents, RunnerState } from './projection-runner';

export interface ProjectionStatus {
  name: string;
  generation: number;
  checkpoint: number;
  lag: number;
  state: RunnerState | 'idle';
  error?: string;
  rebuilding: null | { generation: number; checkpoint: number; lag: number; state: RunnerState | 'idle' };
  /** Where the live generation stands in each partition of `cx.events`, when partitioned projectors feed it. */
  partitions?: Array<{ topic: string; partition: number; nextOffset: number; position: number }>;
}

export interface ProjectorOptions {
  /** Whether this process runs the folds (the projector role). */
  runs: boolean;
  /** Where live generations are fed from: the store's global order, or `cx.events` partitions (then runners only rebuild). */
  source: 'store' | 'kafka';
}

export const PROJECTOR_OPTIONS = Symbol('ProjectorOptions');

/** A live generation fed from elsewhere (cx.events partitions), as this process sees it. */
export interface LiveFeed {
  readonly state: string;
  readonly error?: string;
}
const RECONCILE_MS = 1000;

/**
 * Keeps a runner going for every live generation and every generation being rebuilt, as
 * the registry says. Runs the folds only in processes with the projector role; every
 * process can read status and ask for a rebuild.
 */
@Injectable()
export class ProjectionEngine implements OnApplicationBootstrap, OnApplicationShutdown, RunnerEvents {
  private readonly logger = new Logger('projector');
  private readonly runners = new Map<string, ProjectionRunner>();
  private readonly liveFeeds = new Map<string, LiveFeed>();
  private timer?: NodeJS.Timeout;
  private reconciling?: Promise<void>;
  private markInstalled!: () => void;
  /** Resolves once the registry's tables and every projection's first generation exist. */
  readonly installed = new Promise<void>((resolve) => (this.markInstalled = resolve));

  constructor(
    @Inject(PROJECTIONS) private readonly projections: Projection[],
    @Inject(VIEW_STORE) private readonly views: ViewStore,
    @Inject(EVENT_LOG) private readonly events: EventStore,
    @Inject(PROJECTOR_OPTIONS) private readonly options: ProjectorOptions,
    private readonly registry: ProjectionRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.registry.ensureTables();
    for (const projection of this.projections) await this.registry.install(projection);
    this.markInstalled();
    if (!this.options.runs) return;
    await this.reconcile();
    this.timer = setInterval(() => void this.reconcile(), RECONCILE_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.reconciling;
    await Promise.all([...this.runners.values()].map((runner) => runner.stop()));
    this.runners.clear();
  }

  get allProjections(): readonly Projection[] {
    return this.projections;
  }

  /** Shows a feed of live generations in the status (a partitioned projector of this process). */
  reportLiveFeed(name: string, feed: LiveFeed): void {
    this.liveFeeds.set(name, feed);
  }

  projection(name: string): Projection | undefined {
    return this.projections.find((p) => p.name === name);
  }

  async rebuild(projection: Projection) {
    const request = await this.registry.requestRebuild(projection);
    if (this.options.runs) await this.reconcile();
    return request;
  }

  /**
   * A rebuild run in this process until it takes over (the CLI's `cx rebuild`). Safe beside
   * projector processes doing the same: every batch checks the stored checkpoint.
   */
  async rebuildHere(projection: Projection, onProgress: (checkpoint: number, head: number) => void): Promise<number> {
    const request = await this.registry.requestRebuild(projection);
    const generation = 'generation' in request ? request.generation : request.alreadyBuilding;
    const promoted = new Promise<void>((resolve) => {
      let promotion: Promise<void> | undefined;
      const runner = new ProjectionRunner(projection, generation, this.views, this.registry, this.events, {
        promoted: (p, g, retired) => {
          promotion = runner.stop().then(() => this.registry.dropGeneration(p, retired));
          void promotion.then(() => resolve());
        },
        // After a promotion the runner retires too; the rebuild is done once the old generation is dropped.
        retired: () => {
          if (!promotion) resolve();
        },
      }, { followsLive: false });
      void runner.start();
    });
    const progress = setInterval(async () => {
      onProgress(await this.registry.checkpoint(projection.name, generation), await this.events.headPosition());
    }, 200);
    await promoted;
    clearInterval(progress);
    return generation;
  }

  async status(): Promise<ProjectionStatus[]> {
    const head = await this.events.headPosition();
    const records = await this.registry.records();
    return Promise.all(records.filter((r) => this.projection(r.name)).map(async (record) => {
      const checkpoint = await this.registry.checkpoint(record.name, record.activeGeneration);
      const runner = this.runners.get(key(record.name, record.activeGeneration));
      const building = record.buildingGeneration;
      const buildingCheckpoint = building === null ? 0 : await this.registry.checkpoint(record.name, building);
      return {
        name: record.name,
        generation: record.activeGeneration,
        checkpoint,
        lag: Math.max(0, head - checkpoint),
        ...this.liveState(record.name, runner, head - checkpoint),
        rebuilding: building === null ? null : {
          generation: building, checkpoint: buildingCheckpoint, lag: Math.max(0, head - buildingCheckpoint),
          state: this.runners.get(key(record.name, building))?.state ?? 'idle',
        },
        ...(await this.partitionsOf(record.name, record.activeGeneration)),
      };
    }));
  }

  private async partitionsOf(name: string, generation: number): Promise<Pick<ProjectionStatus, 'partitions'>> {
    const partitions = await new PartitionCheckpoints(name, this.views.dialect).ofGeneration(this.views.reader, generation);
    return partitions.length > 0 ? { partitions } : {};
  }

  private liveState(name: string, runner: ProjectionRunner | undefined, lag: number): { state: RunnerState | 'idle'; error?: string } {
    if (runner) return { state: runner.state, ...(runner.error ? { error: runner.error } : {}) };
    const feed = this.liveFeeds.get(name);
    if (!feed || feed.state === 'stopped') return { state: 'idle' };
    if (feed.error) return { state: 'failing', error: feed.error };
    return { state: lag > 0 ? 'catching_up' : 'live' };
  }

  promoted(projection: Projection, generation: number, retired: number): void {
    this.logger.log(`${projection.name}: generation ${generation} caught up and is live; generation ${retired} retired`);
    void this.retireGeneration(projection, retired);
  }

  retired(runner: ProjectionRunner): void {
    this.runners.delete(key(runner.projection.name, runner.generation));
  }

  /** One pass at a time: start what the registry wants running, stop what it no longer does. */
  private reconcile(): Promise<void> {
    this.reconciling ??= this.reconcileOnce().catch((error) => this.logger.error(`reconcile failed: ${(error as Error).message}`)).finally(() => (this.reconciling = undefined));
    return this.reconciling;
  }

  private async reconcileOnce(): Promise<void> {
    const wanted = new Set<string>();
    for (const record of await this.registry.records()) {
      const projection = this.projection(record.name);
      if (!projection) continue;
      // Partitioned projectors (PartitionFeed) feed live generations from cx.events; runners here only rebuild.
      const live = this.options.source === 'store' ? [record.activeGeneration] : [];
      for (const generation of [...live, record.buildingGeneration]) {
        if (generation === null) continue;
        wanted.add(key(record.name, generation));
        if (!this.runners.has(key(record.name, generation))) await this.startRunner(projection, generation);
      }
    }
    for (const [name, runner] of this.runners) if (!wanted.has(name)) await runner.stop();
    for (const name of [...this.runners.keys()]) if (!wanted.has(name)) this.runners.delete(name);
  }

  private async startRunner(projection: Projection, generation: number): Promise<void> {
    const runner = new ProjectionRunner(projection, generation, this.views, this.registry, this.events, this, { followsLive: this.options.source === 'store' });
    this.runners.set(key(projection.name, generation), runner);
    await runner.start();
  }

  private async retireGeneration(projection: Projection, generation: number): Promise<void> {
    const runner = this.runners.get(key(projection.name, generation));
    this.runners.delete(key(projection.name, generation));
    await runner?.stop();
    // Called without waiting (from a runner's callback): a failure is logged, never an unhandled rejection.
    await this.registry.dropGeneration(projection, generation)
      .catch((error: unknown) => this.logger.error(`${projection.name}: generation ${generation} not dropped: ${(error as Error).message}`));
  }
}

const key = (name: string, generation: number) => `${name}#${generation}`;

import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EVENT_LOG, EventStore } from '@cx/event-store';
import { Projection, ProjectionRegistry, PROJECTIONS, VIEW_STORE, ViewStore } from '@cx/view-store';
import { ProjectionRunner, RunnerEvents, RunnerState } from './projection-runner';

export interface ProjectionStatus {
  name: string;
  generation: number;
  checkpoint: number;
  lag: number;
  state: RunnerState | 'idle';
  error?: string;
  rebuilding: null | { generation: number; checkpoint: number; lag: number; state: RunnerState | 'idle' };
}

export const PROJECTOR_RUNS = Symbol('ProjectorRuns');
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
  private timer?: NodeJS.Timeout;
  private reconciling?: Promise<void>;

  constructor(
    @Inject(PROJECTIONS) private readonly projections: Projection[],
    @Inject(VIEW_STORE) private readonly views: ViewStore,
    @Inject(EVENT_LOG) private readonly events: EventStore,
    @Inject(PROJECTOR_RUNS) private readonly runs: boolean,
    private readonly registry: ProjectionRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.registry.ensureTables();
    for (const projection of this.projections) await this.registry.install(projection);
    if (!this.runs) return;
    await this.reconcile();
    this.timer = setInterval(() => void this.reconcile(), RECONCILE_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.reconciling;
    await Promise.all([...this.runners.values()].map((runner) => runner.stop()));
    this.runners.clear();
  }

  projection(name: string): Projection | undefined {
    return this.projections.find((p) => p.name === name);
  }

  async rebuild(projection: Projection) {
    const request = await this.registry.requestRebuild(projection);
    if (this.runs) await this.reconcile();
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
      const runner = new ProjectionRunner(projection, generation, this.views, this.registry, this.events, {
        promoted: (p, g, retired) => {
          void runner.stop().then(() => this.registry.dropGeneration(p, retired)).then(() => resolve());
        },
        retired: () => resolve(),
      });
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
        state: runner?.state ?? 'idle',
        ...(runner?.error ? { error: runner.error } : {}),
        rebuilding: building === null ? null : {
          generation: building, checkpoint: buildingCheckpoint, lag: Math.max(0, head - buildingCheckpoint),
          state: this.runners.get(key(record.name, building))?.state ?? 'idle',
        },
      };
    }));
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
      for (const generation of [record.activeGeneration, record.buildingGeneration]) {
        if (generation === null) continue;
        wanted.add(key(record.name, generation));
        if (!this.runners.has(key(record.name, generation))) await this.startRunner(projection, generation);
      }
    }
    for (const [name, runner] of this.runners) if (!wanted.has(name)) await runner.stop();
    for (const name of [...this.runners.keys()]) if (!wanted.has(name)) this.runners.delete(name);
  }

  private async startRunner(projection: Projection, generation: number): Promise<void> {
    const runner = new ProjectionRunner(projection, generation, this.views, this.registry, this.events, this);
    this.runners.set(key(projection.name, generation), runner);
    await runner.start();
  }

  private async retireGeneration(projection: Projection, generation: number): Promise<void> {
    const runner = this.runners.get(key(projection.name, generation));
    this.runners.delete(key(projection.name, generation));
    await runner?.stop();
    await this.registry.dropGeneration(projection, generation);
  }
}

const key = (name: string, generation: number) => `${name}#${generation}`;

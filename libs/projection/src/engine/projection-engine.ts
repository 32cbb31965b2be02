import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { firstValueFrom } from 'rxjs';
import { EVENT_LOG, EventStore } from '@cx/event-store';
import { Projection, PROJECTIONS } from '../projection';
import { PartitionCheckpoints } from '../partitions/partition-checkpoints';
import { VIEW_STORE, ViewStore } from '../view-store/view-store.port';
import { VIEW_SNAPSHOTS } from '../view-store/view-store.module';
import { SnapshotSchedule, ViewSnapshots } from '../view-store/view-snapshots';
import { ProjectionRecord, ProjectionRegistry } from './projection-registry';
import { ProjectionRunner, RunnerEvents, RunnerState, RunnerTarget, targetKey } from './projection-runner';

export interface ProjectionStatus {
  name: string;
  version: number;
  generation: number;
  checkpoint: number;
  lag: number;
  state: RunnerState | 'idle';
  error?: string;
  rebuilding: null | { generation: number; checkpoint: number; lag: number; state: RunnerState | 'idle'; error?: string };
  /** Where the live generation stands in each partition of `cx.events`, when partitioned projectors feed it. */
  partitions?: Array<{ topic: string; partition: number; nextOffset: number; position: number }>;
}

export interface ProjectorOptions {
  /** Whether this process runs the folds (the projector role). */
  runs: boolean;
  /** Where live generations are fed from: the store's global order, or `cx.events` partitions (then runners only rebuild). */
  source: 'store' | 'kafka';
  /** The live runner's wait after a batch that reached the head (RunnerOptions.lingerMs); LIVE_LINGER_MS by default. */
  lingerMs?: number;
  /** Events in the log from which a projection seen for the first time is built as a rebuild; BACKLOG_EVENTS by default. */
  backlogEvents?: number;
}

export const PROJECTOR_OPTIONS = Symbol('ProjectorOptions');

/** Where the runners of a process stand, by target (`name#generation`): what a projector thread tells its process. */
export type RunnerStates = ReadonlyArray<readonly [string, { state: RunnerState; error?: string }]>;

/** A live generation fed from elsewhere (cx.events partitions), as this process sees it. */
export interface LiveFeed {
  readonly state: string;
  readonly error?: string;
}
const RECONCILE_MS = 1000;
/**
 * The live runner's wait after a batch that reached the head (RunnerOptions.lingerMs): a
 * read right after a write may wait this much longer for it (SPEC §3 read-your-writes).
 * HTTP ingest in batches of 100 with the projector thread beside it: with 20 ms its batches
 * held about 500 events instead of 100, and its CPU per event fell from 70–89 to 61–69 µs.
 */
const LIVE_LINGER_MS = 20;
/**
 * Events in the log from which a projection seen for the first time is built as a rebuild
 * (see reconcileLive), not caught up by the live runner. A rebuild folds in larger batches,
 * makes its read indexes once at the end, and computes each customer's alerts once rather
 * than after every batch that touched it: a server started on a ledger of 981,952 events
 * with empty views had folded 595,000 of them after 245 s, `cx rebuild` 980,000.
 */
const BACKLOG_EVENTS = 20_000;

/**
 * Keeps one runner over the store's global order for every live generation, and runners
 * for the generations being rebuilt (those requested together share one pass over the
 * log), as the registry says. At start, a projection whose live generation was built from
 * another version or other settings is rebuilt by itself. Runs the folds only in processes
 * with the projector role; every process can read status and ask for a rebuild.
 */
@Injectable()
export class ProjectionEngine implements OnApplicationBootstrap, OnApplicationShutdown, RunnerEvents {
  private readonly logger = new Logger('projector');
  private live?: ProjectionRunner;
  private readonly rebuilds = new Set<ProjectionRunner>();
  private readonly liveFeeds = new Map<string, LiveFeed>();
  /** The runners of the projector thread of this process, as it last told (none without one). */
  private threadRunners = new Map<string, { state: RunnerState; error?: string }>();
  private timer?: NodeJS.Timeout;
  private closing = false;
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
    @Optional() private readonly http?: HttpAdapterHost,
    @Optional() @Inject(VIEW_SNAPSHOTS) private readonly snapshots?: ViewSnapshots | null,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.registry.ensureTables();
    const backlog = this.options.source === 'store' && (await this.events.headPosition()) >= (this.options.backlogEvents ?? BACKLOG_EVENTS);
    for (const projection of this.projections) {
      const installation = await this.registry.install(projection, { backlog });
      if (typeof installation === 'object')
        this.logger.log(`${projection.name}: rebuilding as generation ${installation.rebuilding}: ${installation.reason}`);
    }
    this.markInstalled();
    if (!this.options.runs) return;
    void this.serving().then(() => {
      if (this.closing) return;
      void this.reconcile();
      this.timer = setInterval(() => void this.reconcile(), RECONCILE_MS);
    });
  }

  /**
   * Resolves once the HTTP server listens (at once in a process without one: the CLI, the
   * benches). With embedded stores a catch-up runs synchronous batches, and each batch run
   * while the server boots holds the boot back by a turn of the event loop: a restart over
   * a long log took a minute to listen, and Fastify gave up on its plugins.
   */
  private serving(): Promise<void> {
    const host = this.http;
    if (!host?.httpAdapter || host.listening) return Promise.resolve();
    return firstValueFrom(host.listen$);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearInterval(this.timer);
    await this.reconciling;
    const runners = [this.live, ...this.rebuilds].filter((runner) => runner !== undefined);
    await Promise.all(runners.map((runner) => runner.stop()));
    // A snapshot still being copied reads the event store, which closes after this.
    await this.snapshots?.idle();
    this.live = undefined;
    this.rebuilds.clear();
  }

  get allProjections(): readonly Projection[] {
    return this.projections;
  }

  /** Shows a feed of live generations in the status (a partitioned projector of this process). */
  reportLiveFeed(name: string, feed: LiveFeed): void {
    this.liveFeeds.set(name, feed);
  }

  /** The states of this engine's runners, for a process whose projector thread this is. */
  runnerStates(): RunnerStates {
    const runners = [this.live, ...this.rebuilds].filter((runner) => runner !== undefined);
    return runners.flatMap((runner) =>
      runner.targets.flatMap((target) => {
        const state = runner.stateOf(target);
        return state ? [[targetKey(target), state] as const] : [];
      }),
    );
  }

  /** Shows the runners of the projector thread in the status, as it reports them. */
  reportThreadRunners(states: RunnerStates): void {
    this.threadRunners = new Map(states);
  }

  projection(name: string): Projection | undefined {
    return this.projections.find((p) => p.name === name);
  }

  /** The projection of a record already kept to this process's projections (see reconcile). */
  private registered(name: string): Projection {
    const projection = this.projection(name);
    if (!projection) throw new Error(`projection "${name}" is in the registry but not registered in this process`);
    return projection;
  }

  async rebuild(projection: Projection) {
    const request = await this.registry.requestRebuild(projection);
    if (this.options.runs) await this.reconcile();
    return request;
  }

  /**
   * Rebuilds projections in this process, in one pass over the log, until each has taken
   * over and its old generation is dropped (the CLI's `cx rebuild`). Safe beside projector
   * processes doing the same: every batch checks the stored checkpoint.
   */
  async rebuildHere(
    projections: readonly Projection[],
    onProgress: (checkpoint: number, head: number) => void,
  ): Promise<Map<string, number>> {
    const targets: RunnerTarget[] = [];
    for (const projection of projections) {
      const request = await this.registry.requestRebuild(projection);
      targets.push({ projection, generation: 'generation' in request ? request.generation : request.alreadyBuilding });
    }
    const dropped: Promise<void>[] = [];
    const finished = new Promise<void>((resolve) => {
      const runner = new ProjectionRunner(
        targets,
        this.views,
        this.registry,
        this.events,
        {
          promoted: (projection, _generation, retired) => dropped.push(this.registry.dropGeneration(projection, retired)),
          retired: () => resolve(),
        },
        { role: 'rebuild', snapshots: this.snapshotSchedule() },
      );
      void runner.start();
    });
    const report = async () => {
      const checkpoints = await Promise.all(targets.map((t) => this.registry.checkpoint(t.projection.name, t.generation)));
      onProgress(Math.min(...checkpoints), await this.events.headPosition());
    };
    const progress = setInterval(() => void report(), 200);
    await finished;
    clearInterval(progress);
    await Promise.all(dropped);
    return new Map(targets.map((t) => [t.projection.name, t.generation]));
  }

  /** Each runner passes checkpoints on its own schedule (a rebuild from the first event, the live one from where it stands). */
  private snapshotSchedule(): SnapshotSchedule | undefined {
    return this.snapshots ? new SnapshotSchedule(this.snapshots, this.events, this.projections) : undefined;
  }

  async status(): Promise<ProjectionStatus[]> {
    const head = await this.events.headPosition();
    const records = await this.registry.records();
    return Promise.all(
      records
        .flatMap((record) => {
          const projection = this.projection(record.name);
          return projection ? [{ record, projection }] : [];
        })
        .map(async ({ record, projection }) => {
          const checkpoint = await this.registry.checkpoint(record.name, record.activeGeneration);
          const building = record.buildingGeneration;
          const buildingCheckpoint = building === null ? 0 : await this.registry.checkpoint(record.name, building);
          return {
            name: record.name,
            version: projection.version,
            generation: record.activeGeneration,
            checkpoint,
            lag: Math.max(0, head - checkpoint),
            ...this.liveState(projection, record.activeGeneration, head - checkpoint),
            rebuilding:
              building === null
                ? null
                : {
                    generation: building,
                    checkpoint: buildingCheckpoint,
                    lag: Math.max(0, head - buildingCheckpoint),
                    ...(this.rebuildState({ projection, generation: building }) ?? { state: 'idle' as const }),
                  },
            ...(await this.partitionsOf(record.name, record.activeGeneration)),
          };
        }),
    );
  }

  private async partitionsOf(name: string, generation: number): Promise<Pick<ProjectionStatus, 'partitions'>> {
    const partitions = await new PartitionCheckpoints(name, this.views.dialect).ofGeneration(this.views.reader, generation);
    return partitions.length > 0 ? { partitions } : {};
  }

  private liveState(projection: Projection, generation: number, lag: number): { state: RunnerState | 'idle'; error?: string } {
    const running = this.live?.stateOf({ projection, generation }) ?? this.threadRunners.get(targetKey({ projection, generation }));
    if (running) return running;
    const feed = this.liveFeeds.get(projection.name);
    if (!feed || feed.state === 'stopped') return { state: 'idle' };
    if (feed.error) return { state: 'failing', error: feed.error };
    return { state: lag > 0 ? 'catching_up' : 'live' };
  }

  private rebuildState(target: RunnerTarget): { state: RunnerState; error?: string } | undefined {
    for (const runner of this.rebuilds) {
      const state = runner.stateOf(target);
      if (state) return state;
    }
    return this.threadRunners.get(targetKey(target));
  }

  promoted(projection: Projection, generation: number, retired: number): void {
    this.logger.log(`${projection.name}: generation ${generation} caught up and is live; generation ${retired} retired`);
    // The live runner moves to the new generation before the old one's tables go.
    void this.reconcile()
      .then(() => this.registry.dropGeneration(projection, retired))
      .catch((error: unknown) => this.logger.error(`${projection.name}: generation ${retired} not dropped: ${(error as Error).message}`));
  }

  retired(runner: ProjectionRunner): void {
    this.rebuilds.delete(runner);
    if (this.live === runner) this.live = undefined;
  }

  /** One pass at a time: start what the registry wants running, stop what it no longer does. */
  private reconcile(): Promise<void> {
    this.reconciling ??= this.reconcileOnce()
      .catch((error: unknown) => {
        this.logger.error(`reconcile failed: ${(error as Error).message}`);
      })
      .finally(() => (this.reconciling = undefined));
    return this.reconciling;
  }

  private async reconcileOnce(): Promise<void> {
    const records = (await this.registry.records()).filter((r) => this.projection(r.name));
    await this.reconcileLive(records);
    await this.reconcileRebuilds(records);
  }

  /** Partitioned projectors (PartitionFeed) feed live generations from cx.events; then there is no live runner. */
  private async reconcileLive(records: ProjectionRecord[]): Promise<void> {
    const wanted: RunnerTarget[] = [];
    if (this.options.source === 'store')
      for (const r of records)
        if (!(await this.leftToItsRebuild(r))) wanted.push({ projection: this.registered(r.name), generation: r.activeGeneration });
    if (sameTargets(this.live?.targets ?? [], wanted)) return;
    await this.live?.stop();
    this.live =
      wanted.length === 0
        ? undefined
        : new ProjectionRunner(wanted, this.views, this.registry, this.events, this, {
            role: 'live',
            snapshots: this.snapshotSchedule(),
            lingerMs: this.options.lingerMs ?? LIVE_LINGER_MS,
          });
    await this.live?.start();
  }

  /**
   * A live generation that has folded nothing while a rebuild of its projection is under way
   * (a projection first seen over a long log: see `install`) is left empty: the rebuild takes
   * over from it, and folding it too would do the same work twice.
   */
  private async leftToItsRebuild(record: ProjectionRecord): Promise<boolean> {
    return record.buildingGeneration !== null && (await this.registry.checkpoint(record.name, record.activeGeneration)) === 0;
  }

  /** Generations being built that no runner folds yet get one runner, together. */
  private async reconcileRebuilds(records: ProjectionRecord[]): Promise<void> {
    const wanted = records.flatMap((r) =>
      r.buildingGeneration === null ? [] : [{ projection: this.registered(r.name), generation: r.buildingGeneration }],
    );
    const wantedKeys = new Set(wanted.map(targetKey));
    for (const runner of [...this.rebuilds]) {
      if (runner.targets.some((t) => wantedKeys.has(targetKey(t)))) continue;
      this.rebuilds.delete(runner);
      await runner.stop();
    }
    const covered = new Set([...this.rebuilds].flatMap((runner) => runner.targets.map(targetKey)));
    const missing = wanted.filter((t) => !covered.has(targetKey(t)));
    if (missing.length === 0) return;
    const runner = new ProjectionRunner(missing, this.views, this.registry, this.events, this, {
      role: 'rebuild',
      snapshots: this.snapshotSchedule(),
    });
    this.rebuilds.add(runner);
    await runner.start();
  }
}

function sameTargets(a: readonly RunnerTarget[], b: readonly RunnerTarget[]): boolean {
  const keys = new Set(a.map(targetKey));
  return a.length === b.length && b.every((t) => keys.has(targetKey(t)));
}

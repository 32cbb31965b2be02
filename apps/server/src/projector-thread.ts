import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { DELIVERY_LISTENER, type DeliveryListener } from '@cx/alerts';
import { backoffMs, type Backoff } from '@cx/clock';
import { Metrics } from '@cx/metrics';
import { ProjectionEngine, type RunnerStates } from '@cx/projection';
import { SETTINGS, type Settings } from '@cx/settings';

/** What the projector thread tells its process, and what it is told. */
export type FromProjectorThread = { kind: 'ready' } | { kind: 'runners'; runners: RunnerStates } | ({ kind: 'attempted' } & Attempts);

/** Delivery attempts of the thread's alert deliverer (DeliveryListener's arguments). */
export interface Attempts {
  target: string;
  outcome: Parameters<DeliveryListener['attempted']>[1];
  count: number;
}
export type ToProjectorThread = { kind: 'stop' };

/** Restarts after a crash: soon the first time, at most every half minute while it keeps failing. */
const RESTART_BACKOFF: Backoff = { firstMs: 250, maxMs: 30_000 };
/** A thread that ran this long before it ended is restarted as after a first crash. */
const STEADY_MS = 60_000;
/** A thread asked to stop that has not ended by then (a fold stuck in a store) is terminated. */
const STOP_MS = 10_000;

/**
 * The projector role's folds in a worker thread of this process (CX_PROJECTOR_THREAD=on),
 * so the views take the second core instead of ingest's and queries' event loop. It starts
 * once this process has installed the registry and migrated the stores, shows the thread's
 * runners in this process's status, and restarts a thread that ends unasked, with backoff,
 * its targets shown `failing` with the cause meanwhile. The views' checkpoints ride in the
 * views' transactions, so a thread that dies mid-batch loses and doubles nothing.
 */
@Injectable()
export class ProjectorThread implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('projector-thread');
  private readonly restartsTotal;
  private worker?: Worker;
  private exited: Promise<void> = Promise.resolve();
  private crashes = 0;
  private restartTimer?: NodeJS.Timeout;
  private closing = false;
  private lastRunners: RunnerStates = [];
  private markStarted!: () => void;
  /**
   * Resolves once the first thread has booted and runs its folds (or has ended trying): the
   * server listens after it, so reads right after a start do not find a projector that is
   * still loading, with the views as far behind as the log is long.
   */
  readonly started = new Promise<void>((resolve) => (this.markStarted = resolve));

  constructor(
    @Inject(SETTINGS) private readonly settings: Settings,
    private readonly engine: ProjectionEngine,
    @Inject(DELIVERY_LISTENER) private readonly deliveries: DeliveryListener,
    metrics: Metrics,
  ) {
    this.restartsTotal = metrics.counter({
      name: 'cx_projector_thread_restarts_total',
      help: 'Times the projector thread ended without being asked and was started again',
    });
  }

  onApplicationBootstrap(): void {
    // Not awaited: Nest runs the modules' bootstrap hooks one after the other, the engine's maybe after this one.
    void this.engine.installed.then(() => this.start());
  }

  /** The thread, while one runs (its id tells it apart from the main thread). */
  get current(): Worker | undefined {
    return this.worker;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (!worker) return;
    worker.postMessage({ kind: 'stop' } satisfies ToProjectorThread);
    const stuck = setTimeout(() => void worker.terminate(), STOP_MS);
    await this.exited;
    clearTimeout(stuck);
  }

  private start(): void {
    if (this.closing) return;
    const began = Date.now();
    const worker = new Worker(projectorThreadScript(), { workerData: this.settings });
    this.worker = worker;
    worker.on('message', (message: FromProjectorThread) => {
      this.heard(message);
    });
    worker.on('error', (error) => this.logger.error(`projector thread failed: ${error.stack ?? error.message}`));
    this.exited = new Promise((resolve) =>
      worker.once('exit', (code) => {
        this.worker = undefined;
        this.markStarted();
        this.ended(code, Date.now() - began);
        resolve();
      }),
    );
  }

  private heard(message: FromProjectorThread): void {
    switch (message.kind) {
      case 'ready':
        this.markStarted();
        return;
      case 'runners':
        this.lastRunners = message.runners;
        this.engine.reportThreadRunners(message.runners);
        return;
      case 'attempted':
        this.deliveries.attempted(message.target, message.outcome, message.count);
    }
  }

  private ended(code: number, ranMs: number): void {
    if (this.closing) return;
    this.crashes = ranMs >= STEADY_MS ? 1 : this.crashes + 1;
    const delay = backoffMs(RESTART_BACKOFF, this.crashes);
    const error = `the projector thread ended (exit code ${code}); restarting it in ${delay} ms`;
    this.logger.error(error);
    this.restartsTotal.inc();
    this.engine.reportThreadRunners(this.lastRunners.map(([key]) => [key, { state: 'failing', error }]));
    this.restartTimer = setTimeout(() => this.start(), delay);
  }
}

/**
 * The thread's script: beside this file once built. Run from the TypeScript sources (the
 * in-process tests under ts-jest), the main thread starts the build's (`npm run build`).
 */
function projectorThreadScript(): string {
  const script = 'projector-thread.main.js';
  if (__filename.endsWith('.js')) return join(__dirname, script);
  const built = join(__dirname, '..', '..', '..', 'dist', 'apps', 'server', 'src', script);
  if (!existsSync(built)) throw new Error(`the projector thread runs the build, and ${built} is missing: npm run build`);
  return built;
}

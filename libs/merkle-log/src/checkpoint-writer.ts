import { Logger } from '@nestjs/common';
import { type Clock, backoffMs, FOLLOWER_BACKOFF, Wakeup } from '@cx/clock';
import { yieldToEventLoop } from '@cx/event-store';
import type { CheckpointSigner } from './checkpoint-signature';
import type { MerkleLog } from './merkle-log';
import type { SignedCheckpoint, TreeHead } from './merkle-log.port';

/** Where signed checkpoints are published outside the database (Kafka `cx.checkpoints`). */
export interface CheckpointPublisher {
  publish(checkpoints: readonly SignedCheckpoint[]): Promise<void>;
  close(): Promise<void>;
}

export const CHECKPOINT_PUBLISHER = Symbol('CheckpointPublisher');

export interface CheckpointWriterOptions {
  /** A new checkpoint is signed when the tree grew and the last one is at least this old (SPEC §4.2: at most a minute). */
  intervalMs: number;
  /**
   * How often the writer looks for new events when it has no backlog: each extension is a
   * committed (fsynced) transaction beside the appends, so fewer, larger ones cost them less.
   */
  idleMs?: number;
  batch?: number;
}

/**
 * Keeps the Merkle tree up with the event store, signs its head at least every
 * `intervalMs` while events arrive, stores each checkpoint beside the tree and hands it to
 * the publisher (at least once: a checkpoint is marked published only after the publisher
 * took it). A failure (a store or broker away) is retried with back-off from where the
 * tree is; nothing is skipped.
 */
export class CheckpointWriter {
  private readonly logger = new Logger('checkpoints');
  private loop?: Promise<void>;
  private stopped = false;
  /** Ends a sleep at once when the loop is stopped. */
  private readonly pause = new Wakeup();
  private lastSigned?: { size: number; at: number };

  constructor(
    private readonly log: MerkleLog,
    private readonly signer: CheckpointSigner,
    private readonly publisher: CheckpointPublisher | null,
    private readonly clock: Clock,
    private readonly options: CheckpointWriterOptions,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops after the step in hand, then adds what is left to the tree and signs it, so a clean stop leaves no event unsigned. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.pause.notify();
    await this.loop;
    await this.finalStep().catch((error: unknown) => this.logger.warn(`last checkpoint not signed: ${(error as Error).message}`));
    await this.publisher?.close().catch(() => undefined);
  }

  /** One round: extend the tree, sign when due, publish what is pending. Answers how many leaves were added. */
  async step(force = false): Promise<number> {
    const head = await this.log.head();
    const after = await this.log.extend(this.batch);
    await this.signIfDue(after, force);
    await this.publishPending();
    return after.size - head.size;
  }

  private get batch(): number {
    return this.options.batch ?? 5_000;
  }

  /**
   * Goes straight on only while there is a backlog (a full batch came); otherwise waits a
   * poll, so a steady stream of appends is taken in extensions of a poll's worth of events
   * rather than one per append: fewer, larger transactions beside the appends.
   */
  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        const added = await this.step();
        failures = 0;
        if (added < this.batch) await this.pause.wait(this.options.idleMs ?? 1_000);
        else await yieldToEventLoop();
      } catch (error) {
        failures += 1;
        if (failures === 1 || failures % 20 === 0)
          this.logger.warn(`Merkle tree or checkpoint not written (${(error as Error).message}); trying again`);
        await this.pause.wait(backoffMs(FOLLOWER_BACKOFF, failures));
      }
    }
  }

  private async finalStep(): Promise<void> {
    await this.log.catchUp(this.batch);
    await this.step(true);
  }

  private async signIfDue(head: TreeHead, force: boolean): Promise<void> {
    const last = this.lastSigned ?? (await this.loadLastSigned());
    if (head.size === 0 || head.size <= last.size) return;
    const now = this.clock.now();
    if (!force && now - last.at < this.options.intervalMs) return;
    const checkpoint = this.signer.sign({ size: head.size, rootHash: head.rootHash.toString('hex'), time: new Date(now).toISOString() });
    await this.log.store.addCheckpoint(checkpoint);
    this.lastSigned = { size: head.size, at: now };
  }

  private async loadLastSigned(): Promise<{ size: number; at: number }> {
    const latest = (await this.log.store.checkpoints(1)).at(0);
    this.lastSigned = latest ? { size: latest.size, at: Date.parse(latest.time) } : { size: 0, at: 0 };
    return this.lastSigned;
  }

  private async publishPending(): Promise<void> {
    if (!this.publisher) return;
    const pending = await this.log.store.unpublishedCheckpoints(100);
    if (pending.length === 0) return;
    await this.publisher.publish(pending);
    await this.log.store.markPublished(pending.map((c) => c.size));
  }
}

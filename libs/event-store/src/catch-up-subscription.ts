import { backoffMs, FOLLOWER_BACKOFF } from '@cx/clock';
import type { AppendSignal } from './append-signal';
import type { ReadAllOptions, StoredEvent, SubscribeOptions, Subscription } from './event-store.port';

export interface CatchUpSource {
  readAll(options: ReadAllOptions): Promise<StoredEvent[]>;
  signal: AppendSignal;
}

const IDLE_POLL_MS = 250;

/**
 * An embedded store reads and a SQLite view store writes synchronously, so a catch-up of a
 * long log would otherwise run as one chain of microtasks and starve the event loop: no
 * HTTP request, timer or shutdown signal would be served until it ended.
 */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Catch-up and live through one loop: read after the checkpoint, hand the batch over,
 * advance only when the handler has finished. A failed read or handler is reported and
 * the same batch is tried again after a back-off, so nothing is skipped.
 */
export function catchUpSubscription(source: CatchUpSource, options: SubscribeOptions): Subscription {
  const batchSize = options.batchSize ?? 500;
  let checkpoint = options.after;
  // Read through a signal, not a local flag: TypeScript would take a flag as still false inside the loop it starts.
  const stopping = new AbortController();
  let failures = 0;

  const loop = (async () => {
    while (!stopping.signal.aborted) {
      try {
        const batch = await source.readAll({ after: checkpoint, maxCount: batchSize });
        if (batch.length === 0) {
          await source.signal.wait(IDLE_POLL_MS);
          continue;
        }
        await options.onBatch(batch);
        checkpoint = batch[batch.length - 1].position;
        failures = 0;
        await yieldToEventLoop();
      } catch (error) {
        options.onError?.(error);
        failures += 1;
        await source.signal.wait(backoffMs(FOLLOWER_BACKOFF, failures));
      }
    }
  })();

  return {
    get checkpoint() {
      return checkpoint;
    },
    async stop() {
      stopping.abort();
      source.signal.notify();
      await loop;
    },
  };
}

import { START, streamNameFilter } from '@eventstore/db-client';
import type { AllStreamResolvedEvent, AllStreamSubscription, EventStoreDBClient, ReadPosition } from '@eventstore/db-client';
import { backoffMs, FOLLOWER_BACKOFF } from '@cx/clock';
import { AppendSignal } from '../append-signal';
import type { StoredEvent, SubscribeOptions, Subscription } from '../event-store.port';
import { toStoredEvent } from './eventstoredb-events';
import { CUSTOMER_STREAM_PREFIX } from './eventstoredb-names';

/** The server-side filter of every read of `$all`: customer streams only, never key streams or system events. */
export const customerEvents = () => streamNameFilter({ prefixes: [CUSTOMER_STREAM_PREFIX] });

/** A checkpoint of the port as a position of `$all`; subscriptions start after it. */
export const afterCheckpoint = (after: number): ReadPosition => (after > 0 ? { commit: BigInt(after), prepare: BigInt(after) } : START);

/** How long a filtered read waits for one more event from a server too old to say it has caught up. */
const IDLE_MS = 1_000;

/**
 * One page of `$all` after a checkpoint, filtered by the server. `readAll` of
 * @eventstore/db-client 6 takes no filter, so this reads through a catch-up subscription
 * and stops at `maxCount` events or when the server says it has caught up. The events come
 * in `$all` order, so stopping early still returns a prefix: the next page goes on from it.
 * Events recorded after `recordedBy` are passed over here: the server cannot filter on them.
 */
export function readFiltered(client: EventStoreDBClient, after: number, maxCount: number, recordedBy = Infinity): Promise<StoredEvent[]> {
  const subscription = client.subscribeToAll({ fromPosition: afterCheckpoint(after), filter: customerEvents() });
  const read: StoredEvent[] = [];
  return new Promise((resolve, reject) => {
    let done = false;
    let idle: NodeJS.Timeout | undefined;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(idle);
      void subscription.unsubscribe().catch(() => undefined);
      if (error) reject(error);
      else resolve(read.slice(0, maxCount));
    };
    const waitForMore = () => {
      clearTimeout(idle);
      idle = setTimeout(() => finish(), IDLE_MS);
    };
    subscription.on('data', (resolved: AllStreamResolvedEvent) => {
      const event = toStoredEvent(resolved);
      if (event && event.position > after && event.recordedAt <= recordedBy) read.push(event);
      if (read.length >= maxCount) finish();
      else waitForMore();
    });
    subscription.on('caughtUp', () => finish());
    subscription.on('end', () => finish());
    subscription.on('error', (error) => finish(error));
    waitForMore();
  });
}

/**
 * `subscribeToAll` from the checkpoint with the customer filter, mapped onto the port:
 * events that are already there are handed over in batches of up to `batchSize`, live ones
 * as they come; the checkpoint advances only once `onBatch` has finished. A failed batch is
 * handed over again after a back-off; a dropped subscription is made again from the checkpoint.
 */
export function subscribeFiltered(client: EventStoreDBClient, options: SubscribeOptions): Subscription {
  const batchSize = options.batchSize ?? 500;
  const pause = new AppendSignal();
  let checkpoint = options.after;
  // Asked through a function, not a local flag: TypeScript would take a flag, or a property
  // it has just read, as unchanged across the awaits of the loop that stop() interrupts.
  const stopping = new AbortController();
  const stopped = (): boolean => stopping.signal.aborted;
  let current: AllStreamSubscription | undefined;

  const deliver = async (batch: StoredEvent[]): Promise<void> => {
    for (let failures = 1; !stopped(); failures++) {
      try {
        await options.onBatch(batch);
        checkpoint = batch[batch.length - 1].position;
        return;
      } catch (error) {
        options.onError?.(error);
        await pause.wait(backoffMs(FOLLOWER_BACKOFF, failures));
      }
    }
  };

  const follow = async (subscription: AllStreamSubscription): Promise<void> => {
    let batch: StoredEvent[] = [];
    for await (const resolved of subscription) {
      if (stopped()) return;
      const event = toStoredEvent(resolved);
      if (event && event.position > checkpoint) batch.push(event);
      if (batch.length > 0 && (batch.length >= batchSize || subscription.readableLength === 0)) {
        await deliver(batch);
        batch = [];
      }
    }
  };

  const loop = (async () => {
    for (let failures = 1; !stopped(); failures++) {
      current = client.subscribeToAll({ fromPosition: afterCheckpoint(checkpoint), filter: customerEvents() });
      try {
        await follow(current);
        failures = 0;
      } catch (error) {
        if (!stopped()) options.onError?.(error);
      } finally {
        await current.unsubscribe().catch(() => undefined);
      }
      if (!stopped()) await pause.wait(backoffMs(FOLLOWER_BACKOFF, failures));
    }
  })();

  return {
    get checkpoint() {
      return checkpoint;
    },
    async stop() {
      stopping.abort();
      pause.notify();
      await current?.unsubscribe().catch(() => undefined);
      current?.destroy();
      await loop;
    },
  };
}

import { BroadcastChannel } from 'node:worker_threads';
import { Wakeup } from '@cx/clock';

/**
 * Wakes waiting subscribers when this process appends, so live events do not wait for the
 * next poll; `wait(ms)` still ends after `ms`, as other processes may append to the same store.
 *
 * Given the store's name, `appended()` also reaches the threads of this process that opened
 * the same store (the projector thread beside ingest): `notify()` alone wakes only this
 * thread's waiters (a subscription being stopped).
 */
export class AppendSignal extends Wakeup {
  private readonly threads?: BroadcastChannel;

  constructor(store?: string) {
    super();
    if (store === undefined) return;
    this.threads = new BroadcastChannel(`cx-appended:${store}`);
    // A wake-up is never a reason to keep a thread alive.
    this.threads.unref();
    this.threads.onmessage = () => this.notify();
  }

  /** Events were committed: wake this thread's subscribers and those of the other threads. */
  appended(): void {
    this.notify();
    this.threads?.postMessage(null);
  }

  close(): void {
    this.notify();
    this.threads?.close();
  }
}

import { BroadcastChannel } from 'node:worker_threads';
import { Wakeup } from '@cx/clock';

/**
 * The other threads are told of appends at most once per this many milliseconds: the first
 * append after a quiet spell at once, those during the spell by one message at its end.
 * Each message wakes the receiving thread, and on two busy cores a post cost the appending
 * thread about 0.6 ms (measured with the projector thread lingering beside HTTP ingest in
 * batches of 100: one post per batch, 7% of the ingest thread's time).
 */
export const THREAD_WAKE_MS = 10;

/**
 * Wakes waiting subscribers when this process appends, so live events do not wait for the
 * next poll; `wait(ms)` still ends after `ms`, as other processes may append to the same store.
 *
 * Given the store's name, `appended()` also reaches the threads of this process that opened
 * the same store (the projector thread beside ingest), within THREAD_WAKE_MS: `notify()`
 * alone wakes only this thread's waiters (a subscription being stopped).
 */
export class AppendSignal extends Wakeup {
  private readonly threads?: BroadcastChannel;
  /** Set while a message to the threads is held back until the end of the spell. */
  private spell?: NodeJS.Timeout;
  private appendedInSpell = false;

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
    if (!this.threads) return;
    if (this.spell) {
      this.appendedInSpell = true;
      return;
    }
    this.threads.postMessage(null);
    this.startSpell();
  }

  close(): void {
    this.notify();
    clearTimeout(this.spell);
    if (this.appendedInSpell) this.threads?.postMessage(null);
    this.threads?.close();
  }

  private startSpell(): void {
    this.spell = setTimeout(() => {
      this.spell = undefined;
      if (!this.appendedInSpell) return;
      this.appendedInSpell = false;
      this.threads?.postMessage(null);
      this.startSpell();
    }, THREAD_WAKE_MS);
    this.spell.unref();
  }
}

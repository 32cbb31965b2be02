import type { CloudEvent } from '@cx/events';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './catalogue';
import { MinHeap } from './min-heap';
import type { Random } from './random';

export interface DeliveryNoise {
  /** Share of events a channel system sends a second time, unchanged. */
  duplicateShare: number;
  /** Share of events held back and delivered after later ones. */
  lateShare: number;
}

interface InFlight {
  at: number;
  seq: number;
  event: CloudEvent;
}

/**
 * The network between the channel systems and CX Ledger: most events arrive when they
 * happen, some arrive hours or days late, some arrive twice. Only events still in flight
 * are held, so memory stays small.
 */
export class Delivery {
  private readonly inFlight = new MinHeap<InFlight>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
  private seq = 0;

  constructor(
    private readonly rng: Random,
    private readonly noise: DeliveryNoise,
  ) {}

  send(event: CloudEvent, time: number): void {
    const at = this.rng.chance(this.noise.lateShare) ? time + this.lateBy() : time;
    this.inFlight.push({ at, seq: this.seq++, event });
    // A retry after a lost acknowledgement: the same event, byte for byte, a little later.
    if (this.rng.chance(this.noise.duplicateShare))
      this.inFlight.push({ at: at + this.rng.logNormal(20 * MINUTE_MS, 1.5), seq: this.seq++, event });
  }

  /** Events that have arrived by `now`, in arrival order. */
  *arrived(now: number): Generator<CloudEvent> {
    for (let next = this.inFlight.peek(); next && next.at <= now; next = this.inFlight.peek()) {
      this.inFlight.pop();
      yield next.event;
    }
  }

  private lateBy(): number {
    return Math.min(20 * DAY_MS, Math.max(10 * MINUTE_MS, this.rng.logNormal(6 * HOUR_MS, 1.5)));
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '@cx/clock';
import { EVENT_STORE, type EventStore } from '@cx/event-store';
import { IDENTITY_DIRECTORY, type IdentityDirectory } from '@cx/identity';
import { CUSTOMER_KEYS, type CustomerKeys, forgetCustomer, type Forgetting } from '@cx/privacy';
import { customerStreams, VIEW_SNAPSHOTS, VIEW_STORE, type ViewSnapshots, type ViewStore } from '@cx/projection';

/** SPEC §4.3 erasure, the same for `POST /v1/ops/customers/:id/forget` and `cx forget`. */
@Injectable()
export class Erasure {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(CUSTOMER_KEYS) private readonly keys: CustomerKeys,
    @Inject(IDENTITY_DIRECTORY) private readonly identities: IdentityDirectory,
    @Inject(VIEW_STORE) private readonly views: ViewStore,
    /** Copies of the views from before the erasure: all deleted (docs/read-models.md). */
    @Inject(VIEW_SNAPSHOTS) private readonly snapshots: ViewSnapshots | null,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Forgets a customer and every anonymous customer merged into it; undefined when no event names it. */
  async forget(customerId: string): Promise<Forgetting | undefined> {
    const customer = await customerStreams(this.views.reader, customerId);
    const firstEvents = await Promise.all(customer.streams.map((stream) => this.events.readStream(stream, { maxCount: 1 })));
    if (firstEvents.every((events) => events.length === 0)) return undefined;
    const forgetting = await forgetCustomer(
      { events: this.events, keys: this.keys, identities: this.identities },
      customer,
      this.clock.now(),
    );
    this.snapshots?.forgetAll();
    return forgetting;
  }
}

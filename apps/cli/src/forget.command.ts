import { Inject } from '@nestjs/common';
import { Command, CommandRunner } from 'nest-commander';
import { CLOCK, Clock } from '@cx/clock';
import { EVENT_STORE, EventStore } from '@cx/event-store';
import { IDENTITY_DIRECTORY, IdentityDirectory } from '@cx/identity';
import { eraseCustomer } from '@cx/ops';
import { CUSTOMER_KEYS, CustomerKeys } from '@cx/privacy';
import { VIEW_STORE, ViewStore } from '@cx/projection';

/** `cx forget <customer>`: erasure as SPEC §4.3, the same as POST /v1/ops/customers/:id/forget. */
@Command({ name: 'forget', arguments: '<customer>', description: "erase a customer's personal data: delete its keys and append cx.customer.forgotten.v1" })
export class ForgetCommand extends CommandRunner {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(CUSTOMER_KEYS) private readonly keys: CustomerKeys,
    @Inject(IDENTITY_DIRECTORY) private readonly identities: IdentityDirectory,
    @Inject(VIEW_STORE) private readonly views: ViewStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super();
  }

  async run([id]: string[]): Promise<void> {
    const result = await eraseCustomer({ events: this.events, keys: this.keys, identities: this.identities, views: this.views }, id, this.clock.now());
    if (!result) throw new Error(`no stored events for customer ${id}`);
    process.stdout.write(`forgot ${result.customerId}: ${result.keysDestroyed} key(s) deleted over ${result.streams.length} stream(s); cx.customer.forgotten.v1 at position ${result.position}\n`);
  }
}

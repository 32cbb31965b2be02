import type {
  EventStore,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  StreamWrite,
  SubscribeOptions,
  Subscription,
  WriteResult,
} from '@cx/event-store';
import { EventSealer } from './event-sealer';
import { isSealed, openValue } from './field-cipher';
import type { CustomerKeys } from './customer-keys.port';
import { mapPersonalFields } from './personal-fields';

/**
 * SPEC §4.3 around any event store: personal fields are encrypted with the customer's key
 * on the way in and decrypted on the way out, or shown `[redacted]` once the key is gone.
 * The stored form is what the hash chain covers, so erasure never breaks verification;
 * idempotency compares the digest of the event as sent, so a resend after erasure is
 * still a duplicate. Hash checks and projections read the inner store as stored.
 */
export class SealedEventStore implements EventStore {
  private readonly sealer: EventSealer;

  constructor(
    readonly stored: EventStore,
    private readonly keys: CustomerKeys,
    sealer?: EventSealer,
  ) {
    this.sealer = sealer ?? new EventSealer(keys);
  }

  async append(writes: StreamWrite[]): Promise<WriteResult[]> {
    const sealed = await Promise.all(writes.map(async (write) => ({ ...write, events: await this.sealer.seal(write.events) })));
    return this.stored.append(sealed);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    return this.open(await this.stored.readStream(streamId, options));
  }

  async readAll(options: ReadAllOptions): Promise<StoredEvent[]> {
    return this.open(await this.stored.readAll(options));
  }

  subscribe(options: SubscribeOptions): Subscription {
    return this.stored.subscribe({ ...options, onBatch: async (batch) => options.onBatch(await this.open(batch)) });
  }

  headPosition(): Promise<number> {
    return this.stored.headPosition();
  }

  ping(): Promise<void> {
    return this.stored.ping();
  }

  close(): Promise<void> {
    return this.stored.close();
  }

  private async open(events: StoredEvent[]): Promise<StoredEvent[]> {
    const sealed = events.filter((event) => hasSealedFields(event.data));
    if (sealed.length === 0) return events;
    const keys = await this.keys.find([...new Set(sealed.map((e) => e.customerId))]);
    return events.map((event) => {
      if (!hasSealedFields(event.data)) return event;
      const key = keys.get(event.customerId);
      return { ...event, data: mapPersonalFields(event.data, (value) => (isSealed(value) ? openValue(value, key) : value)) } as StoredEvent;
    });
  }
}

const hasSealedFields = (data: unknown): boolean => {
  let found = false;
  mapPersonalFields(data, (value) => {
    found ||= isSealed(value);
    return value;
  });
  return found;
};

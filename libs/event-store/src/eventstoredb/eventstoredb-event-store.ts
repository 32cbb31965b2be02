import { BACKWARDS, END, EventStoreDBClient, NO_STREAM, StreamNotFoundError, WrongExpectedVersionError } from '@eventstore/db-client';
import { type Clock, backoffMs, type Backoff } from '@cx/clock';
import { AppendPlan, FreshEvent, KeyHolder, keyOf, StreamHead } from '../append-plan';
import type {
  EventStore,
  ProposedEvent,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  StreamWrite,
  SubscribeOptions,
  Subscription,
  WriteResult,
} from '../event-store.port';
import { revisionMatches } from '../event-store.port';
import { positionOf, toEventData, toStoredEvent } from './eventstoredb-events';
import { KeyLedger, KeyRevision } from './eventstoredb-keys';
import { CUSTOMER_STREAM_PREFIX, customerStreamOf, eventIdOf } from './eventstoredb-names';
import { readFiltered, subscribeFiltered } from './eventstoredb-subscription';

/** How often a write is planned again after losing a race (a key claim, the stream's revision). */
const ATTEMPTS = 20;
/** Between tries of a contended append, with jitter so that racing writers drift apart. */
const CONTENDED: Backoff = { firstMs: 20, maxMs: 1_000 };
/**
 * A claim whose event is still not in its stream after this long is taken as abandoned
 * (its writer died between claim and append: two consecutive calls, each under the
 * client's 10 s deadline) and released, so the key does not stay blocked for other content.
 */
const ABANDONED_CLAIM_MS = 60_000;
const PAGE = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The keys of a write as the key streams say: stored (answered from there), held by this write, or free to claim. */
interface KeyPlan {
  stored: Map<string, KeyHolder>;
  held: Map<string, bigint>;
  free: Map<string, KeyRevision>;
}

type Attempt = WriteResult | 'again';

/**
 * The event store on EventStoreDB: stream `customer-<id>` per customer, event ids made from
 * (source, id), ledger fields in each event's metadata, `$all` read and followed with a
 * server-side filter. EventStoreDB writes one log in one order, so a position read from
 * `$all` is never passed by an event that commits later. See docs/event-stores.md for how
 * a (source, id) sent with other content is caught (`KeyLedger`).
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly keys: KeyLedger;
  private readonly subscriptions = new Set<Subscription>();

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly clock: Clock,
    private readonly ownsClient = false,
  ) {
    this.keys = new KeyLedger(client);
  }

  /** A store over its own client, made from an `esdb://` connection string (`EVENTSTORE_URL`). */
  static connect(connectionString: string, clock: Clock): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString), clock, true);
  }

  /** Writes to different streams go side by side; writes to the same stream, in their order. */
  async append(writes: StreamWrite[]): Promise<WriteResult[]> {
    const results = new Array<WriteResult>(writes.length);
    const byStream = new Map<string, number[]>();
    writes.forEach((write, index) => byStream.set(write.streamId, [...(byStream.get(write.streamId) ?? []), index]));
    await Promise.all(
      [...byStream.values()].map(async (indexes) => {
        for (const index of indexes) results[index] = await this.appendWrite(writes[index]);
      }),
    );
    return results;
  }

  private async appendWrite(write: StreamWrite): Promise<WriteResult> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const result = await this.tryAppend(write);
      if (result !== 'again') return result;
      await sleep(backoffMs(CONTENDED, attempt) * Math.random());
    }
    throw new Error(`append to ${write.streamId}: another writer kept holding its keys or moving its stream; send it again`);
  }

  /**
   * Reads the keys and the stream head, plans, claims the free keys, then appends with the
   * exact revision the plan extended (the hash chain depends on it). Losing any race sends
   * the write round again; a refused expectation releases the claims it made.
   */
  private async tryAppend(write: StreamWrite): Promise<Attempt> {
    const keys = await this.planKeys(write);
    if (keys === 'again') return 'again';
    const head = await this.streamHead(write.streamId);
    const plan = new AppendPlan(keys.stored, new Map(head ? [[write.streamId, head]] : []), this.clock.now());
    plan.add(write);
    if (plan.fresh.length === 0) return plan.results(() => 0)[0];
    const claims = await this.claim(write.streamId, plan.fresh, keys);
    if (claims === 'again') return 'again';
    const refused = await this.appendFresh(write.streamId, head, plan.fresh);
    if (refused !== undefined) return this.afterRefusal(write, refused, plan.fresh, claims);
    const positions = await this.positionsOf(write.streamId, plan.fresh);
    await Promise.all(plan.fresh.map((f, i) => this.keys.recordStored(f.event, positions[i], claims[i])));
    return plan.results((fresh) => positions[fresh])[0];
  }

  private async planKeys(write: StreamWrite): Promise<KeyPlan | 'again'> {
    const plan: KeyPlan = { stored: new Map(), held: new Map(), free: new Map() };
    // The first event of each key is the one that would be stored; later ones repeat it.
    const distinct = write.events.filter((event, index) => write.events.findIndex((e) => keyOf(e) === keyOf(event)) === index);
    const outcomes = await Promise.all(distinct.map((event) => this.planKey(write.streamId, event, plan)));
    return outcomes.includes('again') ? 'again' : plan;
  }

  private async planKey(streamId: string, event: ProposedEvent, plan: KeyPlan): Promise<'again' | undefined> {
    const key = keyOf(event);
    const state = await this.keys.state(event);
    if (state.kind === 'free') {
      plan.free.set(key, state.revision);
      return undefined;
    }
    const { claim } = state;
    const position = state.kind === 'stored' ? state.position : await this.settle(event, claim.streamId, state.revision);
    if (position !== undefined) {
      plan.stored.set(key, { contentHash: claim.contentHash, customerId: claim.customerId, at: { position } });
      return undefined;
    }
    // Claimed, but the event is not in its stream: a writer in flight, or one that died between claim and append.
    if (claim.streamId === streamId && claim.contentHash === event.contentHash) {
      plan.held.set(key, state.revision);
      return undefined;
    }
    if (state.kind === 'claimed' && this.clock.now() - state.claimedAt > ABANDONED_CLAIM_MS) await this.keys.release(event, state.revision);
    return 'again';
  }

  /** Looks for a claimed event in the stream it was claimed for, and records where it is when found. */
  private async settle(event: ProposedEvent, streamId: string, claimRevision: bigint): Promise<number | undefined> {
    const id = eventIdOf(event.source, event.id);
    try {
      for await (const resolved of this.client.readStream(customerStreamOf(streamId), { direction: BACKWARDS, fromRevision: END })) {
        if (resolved.event?.id !== id) continue;
        const position = positionOf(resolved.event.position);
        await this.keys.recordStored(event, position, claimRevision);
        return position;
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    return undefined;
  }

  /** The claim revision of each fresh event's key, claiming the free ones; 'again' when another writer claimed one first. */
  private async claim(streamId: string, fresh: FreshEvent[], keys: KeyPlan): Promise<bigint[] | 'again'> {
    const revisions = await Promise.all(
      fresh.map(async ({ event }) => {
        const held = keys.held.get(keyOf(event));
        if (held !== undefined) return held;
        return this.keys.claim(event, streamId, keys.free.get(keyOf(event)) ?? NO_STREAM);
      }),
    );
    // Claims this write did win stay with it: the next round finds them held by this stream and content.
    return revisions.every((r): r is bigint => r !== false) ? revisions : 'again';
  }

  /** Appends expecting exactly the head the plan extended; the stream's actual revision when the server refuses. */
  private async appendFresh(
    streamId: string,
    head: StreamHead | undefined,
    fresh: FreshEvent[],
  ): Promise<bigint | 'no_stream' | undefined> {
    try {
      await this.client.appendToStream(customerStreamOf(streamId), fresh.map(toEventData), {
        expectedRevision: head ? BigInt(head.revision) : NO_STREAM,
      });
      return undefined;
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) return error.actualVersion;
      throw error;
    }
  }

  private async afterRefusal(write: StreamWrite, actual: bigint | 'no_stream', fresh: FreshEvent[], claims: bigint[]): Promise<Attempt> {
    const revision = actual === NO_STREAM ? 'no_stream' : Number(actual);
    if (revisionMatches(write.expectedRevision, revision)) return 'again';
    await Promise.all(fresh.map((f, i) => this.keys.release(f.event, claims[i])));
    return { ok: false, error: 'wrong_expected_revision', expected: write.expectedRevision ?? 'any', actual: revision };
  }

  /** An append answers only its last position; each event's is read back from the stream. */
  private async positionsOf(streamId: string, fresh: FreshEvent[]): Promise<number[]> {
    const read = await this.readStream(streamId, { fromRevision: fresh[0].revision, maxCount: fresh.length });
    return read.map((event) => event.position);
  }

  private async streamHead(streamId: string): Promise<StreamHead | undefined> {
    const last = (await this.readStreamRaw(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })).at(0);
    return last ? { revision: last.revision, lastHash: last.hash } : undefined;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    return this.readStreamRaw(streamId, {
      fromRevision: BigInt(options.fromRevision ?? 0),
      maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
    });
  }

  private async readStreamRaw(streamId: string, options: Parameters<EventStoreDBClient['readStream']>[1]): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(customerStreamOf(streamId), options)) {
        const event = toStoredEvent(resolved);
        if (event) events.push(event);
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    return events;
  }

  async readAll(options: ReadAllOptions): Promise<StoredEvent[]> {
    return readFiltered(this.client, options.after ?? 0, options.maxCount, options.recordedBy);
  }

  /** The last customer event in `$all`, found reading backwards past key records and system events. */
  async headPosition(): Promise<number> {
    let from: Parameters<EventStoreDBClient['readAll']>[0] = { direction: BACKWARDS, fromPosition: END, maxCount: PAGE };
    for (let seen = new Set<bigint>(); ;) {
      let oldest: { commit: bigint; prepare: bigint } | undefined;
      for await (const resolved of this.client.readAll(from)) {
        const recorded = resolved.event;
        if (!recorded || seen.has(recorded.position.commit)) continue;
        if (recorded.streamId.startsWith(CUSTOMER_STREAM_PREFIX)) return positionOf(recorded.position);
        seen.add(recorded.position.commit);
        oldest = recorded.position;
      }
      if (!oldest) return 0;
      seen = new Set([oldest.commit]);
      from = { direction: BACKWARDS, fromPosition: oldest, maxCount: PAGE };
    }
  }

  subscribe(options: SubscribeOptions): Subscription {
    const subscription = subscribeFiltered(this.client, options);
    this.subscriptions.add(subscription);
    return {
      get checkpoint() {
        return subscription.checkpoint;
      },
      stop: async () => {
        this.subscriptions.delete(subscription);
        await subscription.stop();
      },
    };
  }

  async ping(): Promise<void> {
    // Reading one event proves the server answers; the event itself is not needed.
    for await (const _ of this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) break;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    if (this.ownsClient) await this.client.dispose();
  }
}

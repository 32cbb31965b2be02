import type { EventType, LedgerEvent } from '@cx/events';

/** An event on its way into the store: validated, its customer resolved. */
export interface ProposedEvent {
  id: string;
  source: string;
  type: EventType;
  customerId: string;
  /** Event time, epoch milliseconds. */
  time: number;
  /** The CloudEvent's attributes other than `data`, as sent (unknown ones included). */
  attributes: Record<string, unknown>;
  data: Record<string, unknown>;
  /** SHA-256 of the canonical JSON of the CloudEvent as sent: what "same content" means for idempotency. */
  contentHash: string;
  /** `canonicalJson` of `attributes` and of `data`, when whoever proposes the event has them already. */
  canonical?: CanonicalParts;
}

/**
 * Canonical texts made beforehand (the ingest path has them from validation), so the hash
 * chain does not walk the same objects again. Each text is taken only while the event still
 * holds the very object it was made from (`of`): an event given other data (sealed, say)
 * has its data walked. The objects must not be changed in place after the texts are made.
 */
export interface CanonicalParts {
  attributes: string;
  data: string;
  of: { attributes: object; data: object };
}

/** An event as stored: the fold input plus what proves it was not altered (SPEC §4.2). */
export interface StoredEvent extends LedgerEvent {
  attributes: Record<string, unknown>;
  contentHash: string;
  /** Hash of the previous event of the same stream; null for the first. */
  previousHash: string | null;
  hash: string;
}

export type ExpectedRevision = number | 'any' | 'no_stream' | 'stream_exists';

export interface StreamWrite {
  streamId: string;
  /** The revision of the stream's last event that the writer saw; 'any' when it does not care. */
  expectedRevision?: ExpectedRevision;
  events: ProposedEvent[];
}

export type EventOutcome =
  | { status: 'accepted'; position: number; customerId: string }
  | { status: 'duplicate'; position: number; customerId: string }
  | { status: 'id_conflict'; position: number; customerId: string };

export type WriteResult =
  | { ok: true; outcomes: EventOutcome[]; streamRevision: number }
  | { ok: false; error: 'wrong_expected_revision'; expected: ExpectedRevision; actual: number | 'no_stream' };

export interface ReadAllOptions {
  /** Exclusive: the position of the last event already seen; 0 reads from the first. */
  after?: number;
  maxCount: number;
  /**
   * Only events recorded by this time (epoch ms), as the store knew them then (SPEC §2
   * `knownAt`): the store skips the others itself, so a read of a past state does not
   * fetch and open the events recorded after it. An empty page still means the end.
   */
  recordedBy?: number;
}

export interface ReadStreamOptions {
  fromRevision?: number;
  maxCount?: number;
}

export type BatchHandler = (events: StoredEvent[]) => Promise<void>;

export interface SubscribeOptions {
  /** Exclusive checkpoint: the last position already processed. */
  after: number;
  onBatch: BatchHandler;
  batchSize?: number;
  /** Called when the subscription stops on an error from the store or the handler. */
  onError?: (error: unknown) => void;
}

export interface Subscription {
  /** Position of the last event handed to `onBatch` and finished. */
  readonly checkpoint: number;
  /** Stops after the batch in hand. */
  stop(): Promise<void>;
}

/**
 * The port every event store implements (SQLite, PostgreSQL, EventStoreDB): one stream per
 * customer, idempotent by (source, id), a global order readers can follow without gaps.
 * Its contract suite is `testing/event-store.contract.ts`.
 */
export interface EventStore {
  /**
   * Appends each write atomically. Events whose (source, id) is stored already are not
   * stored again: same content is a `duplicate`, other content an `id_conflict`, both
   * answered with the stored event's position. A write made only of such events succeeds
   * whatever its expected revision, so a retried write is answered as the first was.
   */
  append(writes: StreamWrite[]): Promise<WriteResult[]>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  /** Events in global order, after a position. Never skips an event that is committed later. */
  readAll(options: ReadAllOptions): Promise<StoredEvent[]>;
  /** The position of the last event readAll can return now; 0 when empty. */
  headPosition(): Promise<number>;
  /** Catch-up then live: hands batches in global order, one at a time. */
  subscribe(options: SubscribeOptions): Subscription;
  /** Cheap round trip, for readiness. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Where a (source, id) already points: the content stored under it, its customer, and its position. */
export interface StoredKey {
  contentHash: string;
  customerId: string;
  position: number;
}

/**
 * An append inside a larger transaction of the same store: the ingest path reads which keys
 * are stored, resolves customers in the identity directory that lives beside the events,
 * then appends, and all of it commits or none (SPEC §4.1).
 */
export interface AppendTransaction {
  /** The stored events holding these (source, id) keys, by `keyOf`. */
  storedKeys(events: ReadonlyArray<Pick<ProposedEvent, 'source' | 'id'>>): Promise<Map<string, StoredKey>>;
  /** As `EventStore.append`, inside the transaction. */
  append(writes: StreamWrite[]): Promise<WriteResult[]>;
}

/** The connection a store's transaction runs on, for what lives beside the events in the same database (the identity directory). */
export type StoreConnection = { kind: 'sqlite' } | { kind: 'postgres'; client: import('pg').PoolClient };

/** A store whose appends can share a transaction with writes beside the events (SQLite, PostgreSQL). */
export interface TransactionalEventStore extends EventStore {
  transaction<T>(work: (tx: AppendTransaction, connection: StoreConnection) => Promise<T>): Promise<T>;
}

export const isTransactional = (store: EventStore): store is TransactionalEventStore =>
  typeof (store as Partial<TransactionalEventStore>).transaction === 'function';

/**
 * The event store the application reads and writes through: with personal fields sealed
 * on the way in and opened on the way out (provided by @cx/privacy).
 */
export const EVENT_STORE = Symbol('EventStore');

/** The same events exactly as stored (personal fields sealed): for hash checks and projections. */
export const EVENT_LOG = Symbol('EventLog');

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${streamId}: expected revision ${expected}, but it is at ${actual}`);
  }
}

/** One stream, throwing on a wrong expected revision: the shape most callers want. */
export async function appendToStream(store: EventStore, write: StreamWrite): Promise<{ outcomes: EventOutcome[]; streamRevision: number }> {
  const [result] = await store.append([write]);
  if (!result.ok) throw new WrongExpectedRevisionError(write.streamId, result.expected, result.actual);
  return result;
}

/** Whether a stream at `actual` satisfies `expected`. */
export function revisionMatches(expected: ExpectedRevision | undefined, actual: number | 'no_stream'): boolean {
  if (expected === undefined || expected === 'any') return true;
  if (expected === 'no_stream') return actual === 'no_stream';
  if (expected === 'stream_exists') return actual !== 'no_stream';
  return expected === actual;
}

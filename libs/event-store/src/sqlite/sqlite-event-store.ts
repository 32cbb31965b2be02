import { resolve } from 'node:path';
import type { Clock } from '@cx/clock';
import { migrate, openSqlite, SqliteDatabase, SqliteWriter } from '@cx/sqlite';
import { AppendPlan, KeyHolder, keyOf, StreamHead } from '../append-plan';
import { AppendSignal } from '../append-signal';
import { catchUpSubscription } from '../catch-up-subscription';
import type {
  AppendTransaction,
  ProposedEvent,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  StoredKey,
  StreamWrite,
  SubscribeOptions,
  Subscription,
  StoreConnection,
  TransactionalEventStore,
  WriteResult,
} from '../event-store.port';

const SQLITE_CONNECTION: StoreConnection = { kind: 'sqlite' };
import { EVENT_STORE_MIGRATIONS } from './sqlite-schema';

/**
 * A stored event's columns as the one JSON text of a `StoredEvent`, parsed once in the
 * process. Read as a row of 14 columns, better-sqlite3 made 14 values and an object per
 * event, then two more parses (attributes, data): 60,000 events of a known-at tail at
 * 1,000,000 events took 747-822 ms to read that way, 336-417 ms this way (the parse
 * included, about 3 µs an event). `json()` copies attributes and data in only as valid JSON,
 * so a stored text cannot add or override a field of the event around it.
 */
const STORED_EVENT_JSON = `'{"position":' || position || ',"streamId":' || json_quote(stream_id) || ',"revision":' || revision
  || ',"customerId":' || json_quote(customer_id) || ',"id":' || json_quote(event_id) || ',"source":' || json_quote(source)
  || ',"type":' || json_quote(type) || ',"time":' || time_ms || ',"recordedAt":' || recorded_at_ms
  || ',"attributes":' || json(attributes) || ',"data":' || json(data) || ',"contentHash":' || json_quote(content_hash)
  || ',"previousHash":' || json_quote(previous_hash) || ',"hash":' || json_quote(hash) || '}'`;

/**
 * The embedded event store. SQLite serialises writers, so positions (rowids) are given
 * in commit order and a reader can never pass an event that commits later. Writes go
 * through the file's one `SqliteWriter`; reads through a connection of their own, which
 * sees only committed events.
 */
export class SqliteEventStore implements TransactionalEventStore {
  private readonly signal: AppendSignal;
  private readonly reads;
  private readonly writes;

  private readonly reader: SqliteDatabase;

  constructor(
    private readonly writer: SqliteWriter,
    private readonly clock: Clock,
  ) {
    migrate(writer.db, 'event-store', EVENT_STORE_MIGRATIONS);
    this.signal = new AppendSignal(writer.db.memory ? undefined : resolve(writer.db.name));
    this.reader = writer.db.memory ? writer.db : openSqlite(writer.db.name);
    const reader = this.reader;
    this.reads = {
      readAll: reader.prepare(`SELECT ${STORED_EVENT_JSON} FROM events WHERE position > ? ORDER BY position LIMIT ?`).pluck(),
      readAllRecordedBy: reader
        .prepare(`SELECT ${STORED_EVENT_JSON} FROM events WHERE position > ? AND recorded_at_ms <= ? ORDER BY position LIMIT ?`)
        .pluck(),
      readStream: reader
        .prepare(`SELECT ${STORED_EVENT_JSON} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`)
        .pluck(),
      headPosition: reader.prepare('SELECT COALESCE(MAX(position), 0) AS position FROM events'),
      ping: reader.prepare('SELECT 1'),
    };
    const db = writer.db;
    this.writes = {
      storedKeys: db.prepare(`SELECT source, event_id, position, customer_id, content_hash FROM events
        WHERE (source, event_id) IN (SELECT value ->> 0, value ->> 1 FROM json_each(?))`),
      heads: db.prepare('SELECT stream_id, revision, last_hash FROM streams WHERE stream_id IN (SELECT value FROM json_each(?))'),
      insert: db.prepare(`INSERT INTO events (stream_id, revision, customer_id, source, event_id, type, time_ms, recorded_at_ms,
        attributes, data, content_hash, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      upsertHead: db.prepare(`INSERT INTO streams (stream_id, revision, last_hash) VALUES (?, ?, ?)
        ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision, last_hash = excluded.last_hash`),
    };
  }

  async append(writes: StreamWrite[]): Promise<WriteResult[]> {
    return this.transaction((tx) => tx.append(writes));
  }

  /** Runs `work` in one transaction of the file's writer (the ingest path adds its identity writes to it). */
  async transaction<T>(work: (tx: AppendTransaction, connection: StoreConnection) => Promise<T>): Promise<T> {
    const result = await this.writer.transaction(() => work(this.appendTransaction(), SQLITE_CONNECTION));
    this.signal.appended();
    return result;
  }

  /**
   * The ingest path asks which keys are stored, then appends the same events: the append
   * asks the file only about keys not asked yet. The transaction holds the file's write
   * lock from its start (IMMEDIATE), so no other writer can store a key in between; after
   * an append the answers are stale (it stored keys itself), so they are dropped.
   */
  private appendTransaction(): AppendTransaction {
    let asked = new Map<string, StoredKey | undefined>();
    return {
      storedKeys: async (events) => {
        const stored = this.storedKeys(events);
        for (const event of events) {
          const key = keyOf(event);
          asked.set(key, stored.get(key));
        }
        return stored;
      },
      append: async (writes) => {
        const known = asked;
        asked = new Map();
        return this.appendNow(writes, known);
      },
    };
  }

  private storedKeys(events: ReadonlyArray<Pick<ProposedEvent, 'source' | 'id'>>): Map<string, StoredKey> {
    const rows = this.writes.storedKeys.all(JSON.stringify(events.map((e) => [e.source, e.id]))) as Array<{
      source: string;
      event_id: string;
      position: number;
      customer_id: string;
      content_hash: string;
    }>;
    return new Map(
      rows.map((row) => [
        keyOf({ source: row.source, id: row.event_id }),
        { contentHash: row.content_hash, customerId: row.customer_id, position: row.position },
      ]),
    );
  }

  /** The plan every store shares (AppendPlan), then its fresh events inserted in order and the heads moved. */
  private appendNow(writes: StreamWrite[], known = new Map<string, StoredKey | undefined>()): WriteResult[] {
    const keys = new Map<string, KeyHolder>();
    const unasked = writes.flatMap((w) => w.events).filter((event) => !known.has(keyOf(event)));
    const stored = unasked.length > 0 ? this.storedKeys(unasked) : new Map<string, StoredKey>();
    const hold = (holder: StoredKey | undefined, key: string) => {
      if (holder) keys.set(key, { contentHash: holder.contentHash, customerId: holder.customerId, at: { position: holder.position } });
    };
    known.forEach(hold);
    stored.forEach(hold);
    const plan = new AppendPlan(keys, this.heads(writes), this.clock.now());
    for (const write of writes) plan.add(write);
    const positions = plan.fresh.map(({ event, streamId, revision, previousHash, hash, recordedAt }) =>
      Number(
        this.writes.insert.run(
          streamId,
          revision,
          event.customerId,
          event.source,
          event.id,
          event.type,
          event.time,
          recordedAt,
          JSON.stringify(event.attributes),
          JSON.stringify(event.data),
          event.contentHash,
          previousHash,
          hash,
        ).lastInsertRowid,
      ),
    );
    for (const head of plan.movedHeads()) this.writes.upsertHead.run(head.streamId, head.revision, head.lastHash);
    return plan.results((fresh) => positions[fresh]);
  }

  private heads(writes: StreamWrite[]): Map<string, StreamHead> {
    const rows = this.writes.heads.all(JSON.stringify([...new Set(writes.map((w) => w.streamId))])) as Array<{
      stream_id: string;
      revision: number;
      last_hash: string;
    }>;
    return new Map(rows.map((row) => [row.stream_id, { revision: row.revision, lastHash: row.last_hash }]));
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const rows = this.reads.readStream.all(streamId, options.fromRevision ?? 0, options.maxCount ?? -1) as string[];
    return rows.map(toStoredEvent);
  }

  async readAll(options: ReadAllOptions): Promise<StoredEvent[]> {
    const after = options.after ?? 0;
    const rows =
      options.recordedBy === undefined
        ? this.reads.readAll.all(after, options.maxCount)
        : this.reads.readAllRecordedBy.all(after, options.recordedBy, options.maxCount);
    return (rows as string[]).map(toStoredEvent);
  }

  async headPosition(): Promise<number> {
    return (this.reads.headPosition.get() as { position: number }).position;
  }

  subscribe(options: SubscribeOptions): Subscription {
    return catchUpSubscription({ readAll: (o) => this.readAll(o), signal: this.signal }, options);
  }

  async ping(): Promise<void> {
    this.reads.ping.get();
  }

  async close(): Promise<void> {
    this.signal.close();
    if (this.reader !== this.writer.db) this.reader.close();
  }
}

/** An event as `STORED_EVENT_JSON` reads it: one text, one parse. */
const toStoredEvent = (json: string): StoredEvent => JSON.parse(json) as StoredEvent;

import type { Clock } from '@cx/clock';
import type { EventType } from '@cx/events';
import { migrate, SqliteDatabase } from '@cx/sqlite';
import { AppendSignal } from '../append-signal';
import { catchUpSubscription } from '../catch-up-subscription';
import {
  EventOutcome, EventStore, ProposedEvent, ReadAllOptions, ReadStreamOptions, revisionMatches, StoredEvent,
  StreamWrite, SubscribeOptions, Subscription, WriteResult,
} from '../event-store.port';
import { chainHash } from '../hash-chain';
import { EVENT_STORE_MIGRATIONS } from './sqlite-schema';

interface EventRow {
  position: number;
  stream_id: string;
  revision: number;
  customer_id: string;
  source: string;
  event_id: string;
  type: string;
  time_ms: number;
  recorded_at_ms: number;
  attributes: string;
  data: string;
  content_hash: string;
  previous_hash: string | null;
  hash: string;
}

interface StreamHead {
  revision: number;
  last_hash: string;
}

type Classified =
  | { kind: 'stored'; outcome: EventOutcome }
  | { kind: 'repeat'; of: number; sameContent: boolean }
  | { kind: 'new'; event: ProposedEvent };

/**
 * The embedded event store. SQLite serialises writers, so positions (rowids) are given
 * in commit order and a reader can never pass an event that commits later.
 */
export class SqliteEventStore implements EventStore {
  private readonly signal = new AppendSignal();
  private readonly statements;

  constructor(private readonly db: SqliteDatabase, private readonly clock: Clock) {
    migrate(db, 'event-store', EVENT_STORE_MIGRATIONS);
    this.statements = {
      byKey: db.prepare('SELECT position, customer_id, content_hash FROM events WHERE source = ? AND event_id = ?'),
      head: db.prepare('SELECT revision, last_hash FROM streams WHERE stream_id = ?'),
      insert: db.prepare(`INSERT INTO events (stream_id, revision, customer_id, source, event_id, type, time_ms, recorded_at_ms,
        attributes, data, content_hash, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      upsertHead: db.prepare(`INSERT INTO streams (stream_id, revision, last_hash) VALUES (?, ?, ?)
        ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision, last_hash = excluded.last_hash`),
      readAll: db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?'),
      readStream: db.prepare('SELECT * FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?'),
      headPosition: db.prepare('SELECT COALESCE(MAX(position), 0) AS position FROM events'),
    };
  }

  async append(writes: StreamWrite[]): Promise<WriteResult[]> {
    const recordedAt = this.clock.now();
    const results = this.db.transaction(() => writes.map((write) => this.appendOne(write, recordedAt))).immediate();
    this.signal.notify();
    return results;
  }

  private appendOne(write: StreamWrite, recordedAt: number): WriteResult {
    const classified = this.classify(write.events);
    const head = this.statements.head.get(write.streamId) as StreamHead | undefined;
    const actual = head ? head.revision : 'no_stream';
    const hasNew = classified.some((c) => c.kind === 'new');
    if (hasNew && !revisionMatches(write.expectedRevision, actual)) {
      return { ok: false, error: 'wrong_expected_revision', expected: write.expectedRevision ?? 'any', actual };
    }
    let revision = head ? head.revision : -1;
    let previousHash = head ? head.last_hash : null;
    const outcomes: EventOutcome[] = [];
    for (const item of classified) {
      if (item.kind === 'stored') {
        outcomes.push(item.outcome);
        continue;
      }
      if (item.kind === 'repeat') {
        const first = outcomes[item.of];
        outcomes.push({ status: item.sameContent ? 'duplicate' : 'id_conflict', position: first.position, customerId: first.customerId });
        continue;
      }
      revision += 1;
      const stored = this.insert(write.streamId, revision, previousHash, item.event, recordedAt);
      previousHash = stored.hash;
      outcomes.push({ status: 'accepted', position: stored.position, customerId: stored.customerId });
    }
    if (hasNew) this.statements.upsertHead.run(write.streamId, revision, previousHash);
    return { ok: true, outcomes, streamRevision: revision };
  }

  /**
   * Sorts each event into: stored already, repeated earlier in this write, or new. A repeat
   * is compared with the content its key is bound to: the stored event's, else the first
   * occurrence's in this write.
   */
  private classify(events: ProposedEvent[]): Classified[] {
    const firstOfKey = new Map<string, { index: number; contentHash: string }>();
    return events.map((event, index) => {
      const key = `${event.source}\u0000${event.id}`;
      const earlier = firstOfKey.get(key);
      if (earlier !== undefined) return { kind: 'repeat', of: earlier.index, sameContent: earlier.contentHash === event.contentHash };
      const row = this.statements.byKey.get(event.source, event.id) as Pick<EventRow, 'position' | 'customer_id' | 'content_hash'> | undefined;
      firstOfKey.set(key, { index, contentHash: row?.content_hash ?? event.contentHash });
      if (!row) return { kind: 'new', event };
      const status = row.content_hash === event.contentHash ? 'duplicate' : 'id_conflict';
      return { kind: 'stored', outcome: { status, position: row.position, customerId: row.customer_id } };
    });
  }

  private insert(streamId: string, revision: number, previousHash: string | null, event: ProposedEvent, recordedAt: number) {
    const content = { ...event, streamId, revision, recordedAt };
    const hash = chainHash(previousHash, content);
    const { lastInsertRowid } = this.statements.insert.run(
      streamId, revision, event.customerId, event.source, event.id, event.type, event.time, recordedAt,
      JSON.stringify(event.attributes), JSON.stringify(event.data), event.contentHash, previousHash, hash,
    );
    return { position: Number(lastInsertRowid), customerId: event.customerId, hash };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const rows = this.statements.readStream.all(streamId, options.fromRevision ?? 0, options.maxCount ?? -1) as EventRow[];
    return rows.map(toStoredEvent);
  }

  async readAll(options: ReadAllOptions): Promise<StoredEvent[]> {
    return (this.statements.readAll.all(options.after ?? 0, options.maxCount) as EventRow[]).map(toStoredEvent);
  }

  async headPosition(): Promise<number> {
    return (this.statements.headPosition.get() as { position: number }).position;
  }

  subscribe(options: SubscribeOptions): Subscription {
    return catchUpSubscription({ readAll: (o) => this.readAll(o), signal: this.signal }, options);
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    this.signal.notify();
  }
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    position: row.position,
    streamId: row.stream_id,
    revision: row.revision,
    customerId: row.customer_id,
    id: row.event_id,
    source: row.source,
    type: row.type as EventType,
    time: row.time_ms,
    recordedAt: row.recorded_at_ms,
    attributes: JSON.parse(row.attributes),
    data: JSON.parse(row.data),
    contentHash: row.content_hash,
    previousHash: row.previous_hash,
    hash: row.hash,
  } as StoredEvent;
}

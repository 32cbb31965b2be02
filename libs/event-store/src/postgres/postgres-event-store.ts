import type { Pool, PoolClient } from 'pg';
import type { Clock } from '@cx/clock';
import type { EventType } from '@cx/events';
import { AppendSignal } from '../append-signal';
import { AppendPlan, FreshEvent, KeyHolder, keyOf, StreamHead } from '../append-plan';
import { catchUpSubscription } from '../catch-up-subscription';
import type {
  AppendTransaction,
  ProposedEvent,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  StoredKey,
  StoreConnection,
  StreamWrite,
  SubscribeOptions,
  Subscription,
  TransactionalEventStore,
  WriteResult,
} from '../event-store.port';
import { PostgresAppendListener } from './postgres-append-listener';
import { EVENT_STORE_SCHEMA, eventStoreMigrations } from './postgres-schema';
import { checkedSchema, fromPgText, inTransaction, migrate, RetryTransaction, toleratePoolErrors, toPgText } from '@cx/postgres';

export interface PostgresStoreOptions {
  /** Schema of the tables; `cx_events` by default. */
  schema?: string;
}

interface EventRow {
  position: string;
  stream_id: string;
  revision: number;
  customer_id: string;
  source: string;
  event_id: string;
  type: string;
  time_ms: string;
  recorded_at_ms: string;
  attributes: Record<string, unknown>;
  data: unknown;
  content_hash: string;
  previous_hash: string | null;
  hash: string;
}

/**
 * The event store on PostgreSQL. Appends run side by side until their last statement,
 * which takes the next global positions from the one `head` row and inserts the events:
 * the row lock it takes is held until COMMIT, so positions are committed in the order
 * they are given, and a reader that sees position N has already been able to see every
 * position below it. That is what lets `readAll` be a plain range scan that never passes
 * an event that commits late (docs/event-stores.md compares this with the xid8 approach).
 */
export class PostgresEventStore implements TransactionalEventStore {
  private readonly signal = new AppendSignal();
  private readonly listener: PostgresAppendListener;
  private readonly channel: string;

  private constructor(
    private readonly pool: Pool,
    private readonly clock: Clock,
    private readonly schema: string,
  ) {
    this.channel = `${schema}_appended`;
    this.listener = new PostgresAppendListener(pool.options, this.channel, this.signal);
  }

  /** Migrates the schema (once, whichever process gets there first) and opens the store over the pool, which stays the caller's. */
  static async open(pool: Pool, clock: Clock, options: PostgresStoreOptions = {}): Promise<PostgresEventStore> {
    const schema = checkedSchema(options.schema ?? EVENT_STORE_SCHEMA);
    toleratePoolErrors(pool);
    await migrate(pool, schema, eventStoreMigrations(schema));
    return new PostgresEventStore(pool, clock, schema);
  }

  async append(writes: StreamWrite[]): Promise<WriteResult[]> {
    if (writes.length === 0) return [];
    return this.transaction((tx) => tx.append(writes));
  }

  /**
   * Runs `work` in one transaction on one pooled connection (the ingest path adds its
   * identity writes to it), again from the start when an append lost a race to another.
   */
  async transaction<T>(work: (tx: AppendTransaction, connection: StoreConnection) => Promise<T>): Promise<T> {
    const result = await inTransaction(this.pool, (client) =>
      work(
        {
          storedKeys: async (events) => {
            const stored = await this.storedKeys(client, events);
            return new Map(
              [...stored].map(([key, holder]) => [
                key,
                {
                  contentHash: holder.contentHash,
                  customerId: holder.customerId,
                  position: (holder.at as { position: number }).position,
                } satisfies StoredKey,
              ]),
            );
          },
          append: (writes) => this.appendIn(client, writes),
        },
        { kind: 'postgres', client },
      ),
    );
    this.signal.notify();
    return result;
  }

  /**
   * Locks the streams written (in name order, so appends never deadlock), reads which keys
   * are taken, plans, moves the stream heads, and last takes positions and inserts. Two
   * appends that create the same stream, or store the same key in different streams, do
   * not lock each other out: the later one's insert meets a unique constraint, inserts
   * nothing (ON CONFLICT DO NOTHING), and runs again, now seeing what the first stored.
   */
  private async appendIn(client: PoolClient, writes: StreamWrite[]): Promise<WriteResult[]> {
    if (writes.length === 0) return [];
    const heads = await this.lockStreams(
      client,
      writes.map((write) => write.streamId),
    );
    const keys = await this.storedKeys(
      client,
      writes.flatMap((write) => write.events),
    );
    const plan = new AppendPlan(keys, heads, this.clock.now());
    for (const write of writes) plan.add(write);
    if (plan.fresh.length === 0) return plan.results(() => 0);
    await this.moveHeads(client, plan.movedHeads());
    const first = await this.insertAtNextPositions(client, plan.fresh);
    return plan.results((fresh) => first + fresh);
  }

  private async lockStreams(client: PoolClient, streamIds: string[]): Promise<Map<string, StreamHead>> {
    const { rows } = await client.query<{ stream_id: string; revision: number; last_hash: string }>({
      name: this.statement('lock-streams'),
      text: `SELECT stream_id, revision, last_hash FROM ${this.schema}.streams WHERE stream_id = ANY($1::text[]) ORDER BY stream_id FOR UPDATE`,
      values: [[...new Set(streamIds)].map(toPgText)],
    });
    return new Map(rows.map((row) => [fromPgText(row.stream_id), { revision: row.revision, lastHash: row.last_hash }]));
  }

  private async storedKeys(
    client: PoolClient,
    events: ReadonlyArray<Pick<ProposedEvent, 'source' | 'id'>>,
  ): Promise<Map<string, KeyHolder>> {
    const { rows } = await client.query<{ source: string; event_id: string; position: string; customer_id: string; content_hash: string }>({
      name: this.statement('stored-keys'),
      text: `SELECT source, event_id, position, customer_id, content_hash FROM ${this.schema}.events
        WHERE (source, event_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      values: [events.map((e) => toPgText(e.source)), events.map((e) => toPgText(e.id))],
    });
    return new Map(
      rows.map((row) => [
        keyOf({ source: fromPgText(row.source), id: fromPgText(row.event_id) }),
        { contentHash: row.content_hash, customerId: fromPgText(row.customer_id), at: { position: Number(row.position) } },
      ]),
    );
  }

  /** Moves the stream heads, and queues the NOTIFY that PostgreSQL delivers to listeners if, and when, this append commits. */
  private async moveHeads(client: PoolClient, heads: Array<{ streamId: string } & StreamHead>): Promise<void> {
    await client.query({
      name: this.statement('move-heads'),
      text: `WITH moved AS (
          INSERT INTO ${this.schema}.streams (stream_id, revision, last_hash)
          SELECT * FROM unnest($1::text[], $2::integer[], $3::text[])
          ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision, last_hash = excluded.last_hash)
        SELECT pg_notify($4, '')`,
      values: [heads.map((h) => toPgText(h.streamId)), heads.map((h) => h.revision), heads.map((h) => h.lastHash), this.channel],
    });
  }

  /**
   * The one statement that orders appends: the UPDATE of `head` waits for the append before
   * to commit, and its lock is held until this one commits. Keep it last in the transaction.
   * Returns the position of the first fresh event; the others follow it.
   */
  private async insertAtNextPositions(client: PoolClient, fresh: FreshEvent[]): Promise<number> {
    const column = <T>(pick: (f: FreshEvent) => T): T[] => fresh.map(pick);
    const { rows } = await client.query<{ position: string }>({
      name: this.statement('insert-at-next-positions'),
      text: `WITH taken AS (UPDATE ${this.schema}.head SET position = position + $1 RETURNING position - $1 AS before)
       INSERT INTO ${this.schema}.events (position, stream_id, revision, customer_id, source, event_id, type, time_ms, recorded_at_ms,
         attributes, data, content_hash, previous_hash, hash)
       SELECT taken.before + e.ordinal, e.stream_id, e.revision, e.customer_id, e.source, e.event_id, e.type, e.time_ms, e.recorded_at_ms,
         e.attributes::json, e.data::json, e.content_hash, e.previous_hash, e.hash
       FROM taken, unnest($2::text[], $3::integer[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::bigint[],
         $10::text[], $11::text[], $12::text[], $13::text[], $14::text[]) WITH ORDINALITY
         AS e(stream_id, revision, customer_id, source, event_id, type, time_ms, recorded_at_ms, attributes, data, content_hash, previous_hash, hash, ordinal)
       ON CONFLICT DO NOTHING
       RETURNING position`,
      values: [
        fresh.length,
        column((f) => toPgText(f.streamId)),
        column((f) => f.revision),
        column((f) => toPgText(f.event.customerId)),
        column((f) => toPgText(f.event.source)),
        column((f) => toPgText(f.event.id)),
        column((f) => toPgText(f.event.type)),
        column((f) => f.event.time),
        column((f) => f.recordedAt),
        column((f) => JSON.stringify(f.event.attributes)),
        column((f) => JSON.stringify(f.event.data)),
        column((f) => f.event.contentHash),
        column((f) => f.previousHash),
        column((f) => f.hash),
      ],
    });
    if (rows.length !== fresh.length) throw new RetryTransaction('an append stored the same key or stream revision first');
    return Math.min(...rows.map((row) => Number(row.position)));
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const { rows } = await this.pool.query<EventRow>({
      name: this.statement('read-stream'),
      text: `SELECT * FROM ${this.schema}.events WHERE stream_id = $1 AND revision >= $2 ORDER BY revision LIMIT $3`,
      values: [toPgText(streamId), options.fromRevision ?? 0, options.maxCount ?? null],
    });
    return rows.map(toStoredEvent);
  }

  /** A plain range scan: positions commit in order (see the class comment), so nothing below the last one read can still appear. */
  async readAll(options: ReadAllOptions): Promise<StoredEvent[]> {
    const after = options.after ?? 0;
    const { rows } = await this.pool.query<EventRow>(
      options.recordedBy === undefined
        ? {
            name: this.statement('read-all'),
            text: `SELECT * FROM ${this.schema}.events WHERE position > $1 ORDER BY position LIMIT $2`,
            values: [after, options.maxCount],
          }
        : {
            name: this.statement('read-all-recorded-by'),
            text: `SELECT * FROM ${this.schema}.events WHERE position > $1 AND recorded_at_ms <= $2 ORDER BY position LIMIT $3`,
            values: [after, options.recordedBy, options.maxCount],
          },
    );
    return rows.map(toStoredEvent);
  }

  async headPosition(): Promise<number> {
    const { rows } = await this.pool.query<{ position: string }>(`SELECT position FROM ${this.schema}.head`);
    return Number(rows[0].position);
  }

  /** Named, so each connection parses and plans the statement once; the schema is in the name, as in the text. */
  private statement(name: string): string {
    return `${this.schema}.${name}`;
  }

  subscribe(options: SubscribeOptions): Subscription {
    this.listener.start();
    return catchUpSubscription({ readAll: (o) => this.readAll(o), signal: this.signal }, options);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  /** Stops listening and wakes subscriptions; the pool is the caller's to end. */
  async close(): Promise<void> {
    await this.listener.close();
    this.signal.notify();
  }
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    position: Number(row.position),
    streamId: fromPgText(row.stream_id),
    revision: row.revision,
    customerId: fromPgText(row.customer_id),
    id: fromPgText(row.event_id),
    source: fromPgText(row.source),
    type: fromPgText(row.type) as EventType,
    time: Number(row.time_ms),
    recordedAt: Number(row.recorded_at_ms),
    attributes: row.attributes,
    data: row.data,
    contentHash: row.content_hash,
    previousHash: row.previous_hash,
    hash: row.hash,
  } as StoredEvent;
}

import type { Kysely } from 'kysely';
import type { EventStore, StoredEvent } from '@cx/event-store';
import type { LifecycleTables } from '@cx/projection';
import type { TimelineCursor } from '../query-params';

export interface TimelinePage {
  events: StoredEvent[];
  /** Sort key of the last event, when more may follow. */
  next?: TimelineCursor;
}

interface Located {
  position: number;
  streamId: string;
  revision: number;
}

/**
 * One page of the customer's events in time order (ties by position), merged customers
 * included: the page's keys come from the (customer, time, position) index of the fact rows,
 * the events themselves from the event store, one read per run of consecutive revisions of a
 * stream. The cost follows the page, not the length of the history. `unprojected` are the
 * customer's stored events the projection may not have folded yet: they take their place
 * too, so the timeline shows every accepted event at once, as the store does.
 */
export async function timelinePage(
  db: Kysely<LifecycleTables>,
  events: EventStore,
  customerId: string,
  limit: number,
  after?: TimelineCursor,
  unprojected: readonly StoredEvent[] = [],
): Promise<TimelinePage> {
  let query = db
    .selectFrom('customer_facts')
    .select(['position', 'time', 'stream_id', 'revision'])
    .where('customer_id', '=', customerId)
    .orderBy('time')
    .orderBy('position')
    .limit(limit + 1);
  if (after) query = query.where((eb) => eb(eb.refTuple('time', 'position'), '>', eb.tuple(after.time, after.position)));
  const rows = (await query.execute()).map((row) => ({
    position: Number(row.position),
    time: Number(row.time),
    streamId: row.stream_id,
    revision: Number(row.revision),
  }));
  const indexed = new Set(rows.map((row) => row.position));
  const late = unprojected.filter((event) => !indexed.has(event.position) && (!after || isAfter(event, after)));
  const keys = [...rows, ...late].sort((a, b) => a.time - b.time || a.position - b.position);
  const page = keys.slice(0, limit);
  const stored = await readLocated(
    events,
    page.filter((key) => indexed.has(key.position)),
  );
  for (const event of late) stored.set(event.position, event);
  const found = page.flatMap((key) => stored.get(key.position) ?? []);
  const last = found.at(-1);
  return { events: found, next: keys.length > limit && last ? { time: last.time, position: last.position } : undefined };
}

const isAfter = (event: StoredEvent, cursor: TimelineCursor): boolean =>
  event.time > cursor.time || (event.time === cursor.time && event.position > cursor.position);

/** The events at these places, by position. */
async function readLocated(events: EventStore, located: readonly Located[]): Promise<Map<number, StoredEvent>> {
  const byPosition = new Map<number, StoredEvent>();
  for (const run of revisionRuns(located)) {
    const read = await events.readStream(run.streamId, { fromRevision: run.from, maxCount: run.to - run.from + 1 });
    for (const event of read) byPosition.set(event.position, event);
  }
  return byPosition;
}

/** Consecutive revisions of one stream, so that a page of a customer's events in order is one read. */
function revisionRuns(located: readonly Located[]): Array<{ streamId: string; from: number; to: number }> {
  const sorted = [...located].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : a.revision - b.revision));
  const runs: Array<{ streamId: string; from: number; to: number }> = [];
  for (const at of sorted) {
    const run = runs.at(-1);
    if (run && run.streamId === at.streamId && at.revision <= run.to + 1) run.to = Math.max(run.to, at.revision);
    else runs.push({ streamId: at.streamId, from: at.revision, to: at.revision });
  }
  return runs;
}

import type { EventStore, StoredEvent } from '@cx/event-store';
import { customerStreams, type ViewStore } from '@cx/projection';
import type { ReplaySink } from './replay-sinks';

/** Which stored events to replay: a position range, optionally only one customer's. */
export interface ReplaySelection {
  fromPosition: number;
  /** Default: the head when the replay starts. */
  toPosition?: number;
  /** Only this customer's events, with those of anonymous customers merged into it. */
  customer?: string;
}

const SINK_BATCH = 500;
const READ_BATCH = 5000;

/** Writes the selected events to the sink in position order, in batches; answers how many. */
export async function replay(
  sources: { events: EventStore; views: ViewStore },
  selection: ReplaySelection,
  sink: ReplaySink,
  onProgress: (done: number, head: number) => void = () => undefined,
): Promise<number> {
  let count = 0;
  let batch: StoredEvent[] = [];
  const selected =
    selection.customer === undefined ? inRange(sources.events, selection, onProgress) : ofCustomer(sources, selection.customer, selection);
  for await (const event of selected) {
    batch.push(event);
    if (batch.length < SINK_BATCH) continue;
    await sink.write(batch);
    count += batch.length;
    batch = [];
  }
  await sink.write(batch);
  await sink.close();
  return count + batch.length;
}

async function* ofCustomer(
  sources: { events: EventStore; views: ViewStore },
  customer: string,
  range: ReplaySelection,
): AsyncGenerator<StoredEvent> {
  const { streams } = await customerStreams(sources.views.reader, customer);
  const events = (await Promise.all(streams.map((stream) => sources.events.readStream(stream)))).flat();
  yield* events.filter((e) => within(e, range)).sort((a, b) => a.position - b.position);
}

async function* inRange(
  events: EventStore,
  range: ReplaySelection,
  onProgress: (done: number, head: number) => void,
): AsyncGenerator<StoredEvent> {
  const head = range.toPosition ?? (await events.headPosition());
  for (let after = range.fromPosition - 1; after < head;) {
    const batch = await events.readAll({ after, maxCount: READ_BATCH });
    if (batch.length === 0) break;
    for (const event of batch) if (event.position <= head) yield event;
    after = batch[batch.length - 1].position;
    onProgress(Math.min(after, head), head);
  }
}

const within = (e: StoredEvent, range: ReplaySelection) =>
  e.position >= range.fromPosition && (range.toPosition === undefined || e.position <= range.toPosition);

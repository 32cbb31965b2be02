import type { EventStore, StoredEvent } from '@cx/event-store';
import { chainHash } from '@cx/event-store';

export interface BrokenLink {
  position: number;
  streamId: string;
  revision: number;
  id: string;
  source: string;
  reason: 'content_altered' | 'chain_broken';
}

export interface ChainVerification {
  checked: number;
  streams: number;
  /** The first event, in global order, that does not check; undefined when every chain holds. */
  firstBroken?: BrokenLink;
}

/**
 * SPEC §4.2: recomputes every stream's chain in one pass over the global order, keeping
 * only the last hash of each stream in memory.
 */
export async function verifyChains(
  store: EventStore,
  onProgress: (checked: number, head: number) => void = () => undefined,
  batchSize = 5000,
): Promise<ChainVerification> {
  const head = await store.headPosition();
  const lastOfStream = new Map<string, { hash: string; revision: number }>();
  let checked = 0;
  for (let after = 0; ;) {
    const batch = await store.readAll({ after, maxCount: batchSize });
    if (batch.length === 0) break;
    for (const event of batch) {
      const broken = checkLink(event, lastOfStream.get(event.streamId));
      if (broken) return { checked, streams: lastOfStream.size, firstBroken: broken };
      lastOfStream.set(event.streamId, { hash: event.hash, revision: event.revision });
      checked += 1;
    }
    after = batch[batch.length - 1].position;
    onProgress(checked, head);
  }
  return { checked, streams: lastOfStream.size };
}

function checkLink(event: StoredEvent, previous: { hash: string; revision: number } | undefined): BrokenLink | undefined {
  const at = { position: event.position, streamId: event.streamId, revision: event.revision, id: event.id, source: event.source };
  const linked = event.previousHash === (previous?.hash ?? null) && event.revision === (previous ? previous.revision + 1 : 0);
  if (!linked) return { ...at, reason: 'chain_broken' };
  if (chainHash(event.previousHash, event) !== event.hash) return { ...at, reason: 'content_altered' };
  return undefined;
}

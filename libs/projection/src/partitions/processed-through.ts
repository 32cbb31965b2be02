import type { PartitionCheckpoint } from './partition-checkpoints';

/** What the relay has published: every event up to `position`, each partition's below its end offset. */
export interface PublishedStream {
  position: number;
  /** Offset after the last message the relay published to each partition (absent: none yet). */
  partitionEnds: ReadonlyMap<number, number>;
}

/**
 * The highest position P such that the views hold every event up to P, from what the relay
 * published and where each partition stands. A partition that has read everything the relay
 * published to it holds every one of its events up to the relay's position; one still
 * behind holds its events up to the highest position it applied (a partition's events come
 * in position order). Reading `published` before the checkpoints keeps the answer on the
 * safe side: checkpoints only move forward.
 */
export function processedThrough(published: PublishedStream, checkpoints: readonly PartitionCheckpoint[]): number {
  const byPartition = new Map(checkpoints.map((c) => [c.partition, c]));
  let through = published.position;
  for (const [partition, end] of published.partitionEnds) {
    const checkpoint = byPartition.get(partition);
    // Published to, but no checkpoint: this generation has not read that partition at all.
    if (!checkpoint) return 0;
    if (checkpoint.nextOffset < end) through = Math.min(through, checkpoint.position);
  }
  return through;
}

/**
 * Where each partition starts for a generation whose events up to `floor` the views hold.
 * If the relay has not published past `floor`, every later event lands after the partitions'
 * current ends; otherwise some are somewhere before them, and the partition is read from
 * its start (events up to `floor` are skipped by position).
 */
export function partitionStarts(published: PublishedStream, partitions: readonly number[], floor: number): Map<number, number> {
  const fromEnds = published.position <= floor;
  return new Map(partitions.map((partition) => [partition, fromEnds ? (published.partitionEnds.get(partition) ?? 0) : 0]));
}

import type { EventStore } from '@cx/event-store';

/**
 * How far behind a reader at `position` is, in time: the seconds since the first event
 * after it was recorded (0 when nothing is after it). A count of events says how much
 * work is left; this says how stale the answers are, which is what a team alerts on.
 */
export async function secondsBehind(events: EventStore, position: number, now: number): Promise<number> {
  const next = (await events.readAll({ after: position, maxCount: 1 })).at(0);
  return next ? Math.max(0, (now - next.recordedAt) / 1000) : 0;
}

import { parseEventTime } from '@cx/events';
import { ApiError } from '@cx/http';

/** RFC 3339 with its offset: without one, `Date.parse` would read the time in the server's zone. */
const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** An RFC 3339 query parameter as epoch ms, or the fallback when absent. */
export function instantParam(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const ms = RFC_3339.test(value) ? parseEventTime(value) : null;
  if (ms === null) throw new ApiError(400, 'invalid_parameter', `${name} must be an RFC 3339 time with an offset, e.g. 2026-03-01T00:00:00Z`);
  return ms;
}

export function limitParam(value: string | undefined, fallback = 50, max = 500): number {
  if (value === undefined || value === '') return fallback;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw new ApiError(400, 'invalid_parameter', `limit must be an integer from 1 to ${max}`);
  return limit;
}

/** A page cursor: the sort key of the last item returned, opaque to clients. */
export interface TimelineCursor {
  time: number;
  position: number;
}

export const encodeCursor = (cursor: TimelineCursor): string => Buffer.from(`${cursor.time}:${cursor.position}`).toString('base64url');

export function decodeCursor(value: string | undefined): TimelineCursor | undefined {
  if (value === undefined || value === '') return undefined;
  const match = /^(-?\d+):(\d+)$/.exec(Buffer.from(value, 'base64url').toString('utf8'));
  if (!match) throw new ApiError(400, 'invalid_parameter', 'cursor is not one this API gave out');
  return { time: Number(match[1]), position: Number(match[2]) };
}

export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

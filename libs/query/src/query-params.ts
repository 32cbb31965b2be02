import { ApiError } from '@cx/http';
import { parseRfc3339 } from '@cx/events';

/** An RFC 3339 parameter (CLI options) as epoch ms, or the fallback when absent. */
export function instantParam(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const ms = parseRfc3339(value);
  if (ms === null)
    throw new ApiError(400, 'invalid_parameter', `${name} must be an RFC 3339 time with an offset, e.g. 2026-03-01T00:00:00Z`);
  return ms;
}

/** A page cursor: the sort key of the last item returned, opaque to clients. */
export interface TimelineCursor {
  time: number;
  position: number;
}

const unknownCursor = () =>
  new ApiError(400, 'invalid_parameter', 'cursor is not one this API gave out', [
    { parameter: 'cursor', message: 'cursor is not one this API gave out' },
  ]);

export const encodeCursor = (cursor: TimelineCursor): string => Buffer.from(`${cursor.time}:${cursor.position}`).toString('base64url');

export function decodeCursor(value: string | undefined): TimelineCursor | undefined {
  if (value === undefined) return undefined;
  const match = /^(-?\d{1,16}):(\d{1,16})$/.exec(Buffer.from(value, 'base64url').toString('utf8'));
  if (!match) throw unknownCursor();
  return { time: Number(match[1]), position: Number(match[2]) };
}

/** A cursor over customer ids: the last id of the page. */
export const encodeIdCursor = (id: string): string => Buffer.from(id, 'utf8').toString('base64url');

/** Only a cursor this API could have given out: it encodes back to itself, and to an id that could exist (no NUL). */
export function decodeIdCursor(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const id = Buffer.from(value, 'base64url').toString('utf8');
  if (id === '' || id.includes('\u0000') || encodeIdCursor(id) !== value) throw unknownCursor();
  return id;
}

export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

import { ApiError } from '@cx/http';
import { checkedInstant } from '../params';
import type { AlertListParams } from '../params';

const unknownCursor = () =>
  new ApiError(400, 'invalid_parameter', 'cursor is not one this API gave out', [
    { parameter: 'cursor', message: 'cursor is not one this API gave out' },
  ]);

/** The alert list's cursor: the last alert returned, (raisedAt, id), opaque to clients. */
export const encodeAlertCursor = (after: { raisedAt: number; id: string }): string =>
  Buffer.from(`${after.raisedAt}:${after.id}`).toString('base64url');

export function decodeAlertCursor(value: string | undefined): { raisedAt: number; id: string } | undefined {
  if (value === undefined) return undefined;
  const match = /^(-?\d{1,16}):([0-9a-f]{32})$/.exec(Buffer.from(value, 'base64url').toString('utf8'));
  if (!match || encodeAlertCursor({ raisedAt: Number(match[1]), id: match[2] }) !== value) throw unknownCursor();
  return { raisedAt: Number(match[1]), id: match[2] };
}

/** The raisedAt window of validated parameters: either end may be open; from <= to. */
export function raisedWindow(params: AlertListParams): { from?: number; to?: number } {
  const from = params.from === undefined ? undefined : checkedInstant(params.from);
  const to = params.to === undefined ? undefined : checkedInstant(params.to);
  if (from !== undefined && to !== undefined && from > to) {
    throw new ApiError(400, 'invalid_parameter', 'from must not be after to', [
      { parameter: 'from', message: 'from must not be after to' },
    ]);
  }
  return { from, to };
}

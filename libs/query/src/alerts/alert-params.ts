import { ApiError } from '@cx/http';
import { ALERT_SIGNALS, ALERT_STATUSES, CLOSED_LOOP_GROUP_BYS, type AlertSignal, type AlertStatus, type ClosedLoopGroupBy } from '@cx/views';

/** An optional parameter that must be one of `allowed`. */
export function oneOfParam<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === '') return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new ApiError(400, 'invalid_parameter', `${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

export const statusParam = (value: string | undefined): AlertStatus | undefined => oneOfParam('status', value, ALERT_STATUSES);
export const signalParam = (value: string | undefined): AlertSignal | undefined => oneOfParam('signal', value, ALERT_SIGNALS);
export const closedLoopGroupByParam = (value: string | undefined): ClosedLoopGroupBy | null => oneOfParam('groupBy', value, CLOSED_LOOP_GROUP_BYS) ?? null;

/** An id filter: 1 to 128 characters (SPEC §1.3). */
export function idParam(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value.length < 1 || value.length > 128) throw new ApiError(400, 'invalid_parameter', `${name} must be 1 to 128 characters`);
  return value;
}

/** The alert list's cursor: the last alert returned, (raisedAt, id), opaque to clients. */
export const encodeAlertCursor = (after: { raisedAt: number; id: string }): string => Buffer.from(`${after.raisedAt}:${after.id}`).toString('base64url');

export function decodeAlertCursor(value: string | undefined): { raisedAt: number; id: string } | undefined {
  if (value === undefined || value === '') return undefined;
  const match = /^(-?\d+):([0-9a-f]{32})$/.exec(Buffer.from(value, 'base64url').toString('utf8'));
  if (!match) throw new ApiError(400, 'invalid_parameter', 'cursor is not one this API gave out');
  return { raisedAt: Number(match[1]), id: match[2] };
}

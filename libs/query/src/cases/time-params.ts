import { ApiError } from '@cx/http';
import { instantParam } from '../query-params';

/** RFC 3339 with its offset: without one, `Date.parse` would read the time in the server's zone. */
const RFC_3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** An RFC 3339 query parameter as epoch ms, or the fallback when absent; 400 when malformed. */
export function strictInstantParam(name: string, value: string | undefined, fallback: number): number {
  if (value !== undefined && value !== '' && !RFC_3339.test(value)) {
    throw new ApiError(400, 'invalid_parameter', `${name} must be an RFC 3339 time with an offset, e.g. 2026-03-01T00:00:00Z`);
  }
  return instantParam(name, value, fallback);
}

/** `from` and `to` of a report: both required, from <= to (from = to is a valid, empty window). */
export function reportWindow(fromParam: string | undefined, toParam: string | undefined): { from: number; to: number } {
  const from = strictInstantParam('from', required('from', fromParam), 0);
  const to = strictInstantParam('to', required('to', toParam), 0);
  if (from > to) throw new ApiError(400, 'invalid_parameter', 'from must not be after to');
  return { from, to };
}

function required(name: string, value: string | undefined): string {
  if (value === undefined || value === '') {
    throw new ApiError(400, 'invalid_parameter', `${name} is required: an RFC 3339 time with an offset, e.g. 2026-03-01T00:00:00Z`);
  }
  return value;
}

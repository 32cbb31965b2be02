import { ApiError } from '@cx/http';
import { instantParam } from '../query-params';

/** `from` and `to` of a report: both required, from <= to (from = to is a valid, empty window). */
export function reportWindow(fromParam: string | undefined, toParam: string | undefined): { from: number; to: number } {
  const from = instantParam('from', required('from', fromParam), 0);
  const to = instantParam('to', required('to', toParam), 0);
  if (from > to) throw new ApiError(400, 'invalid_parameter', 'from must not be after to');
  return { from, to };
}

function required(name: string, value: string | undefined): string {
  if (value === undefined || value === '') {
    throw new ApiError(400, 'invalid_parameter', `${name} is required: an RFC 3339 time with an offset, e.g. 2026-03-01T00:00:00Z`);
  }
  return value;
}

import { ApiError } from '@cx/http';
import type { LoyaltyGroupBy } from '@cx/views';
import { instantParam } from '../query-params';

export const GROUP_BY_VALUES = ['none', 'channel', 'team', 'segment'] as const;

export interface WindowParams {
  from: number;
  to: number;
}

/** A required RFC 3339 instant. */
function requiredInstant(name: string, value: string | undefined): number {
  if (value === undefined || value === '') throw new ApiError(400, 'invalid_parameter', `${name} is required: an RFC 3339 time with an offset, e.g. 2026-03-01T00:00:00Z`);
  return instantParam(name, value, Number.NaN);
}

/** SPEC §2.2 window [from, to): both required, from <= to (from = to is an empty window). */
export function windowParams(from: string | undefined, to: string | undefined): WindowParams {
  const window = { from: requiredInstant('from', from), to: requiredInstant('to', to) };
  if (window.from > window.to) throw new ApiError(400, 'invalid_parameter', 'from must not be after to', { from, to });
  return window;
}

/** `groupBy`: none (the default), channel, team or segment. */
export function groupByParam(value: string | undefined): LoyaltyGroupBy | null {
  if (value === undefined || value === '' || value === 'none') return null;
  if ((GROUP_BY_VALUES as readonly string[]).includes(value)) return value as LoyaltyGroupBy;
  throw new ApiError(400, 'invalid_parameter', `groupBy must be one of ${GROUP_BY_VALUES.join(', ')}`, { groupBy: value });
}

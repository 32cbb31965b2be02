import { ApiError } from '@cx/http';
import type { LoyaltyGroupBy } from '@cx/views';

export const GROUP_BY_VALUES = ['none', 'channel', 'team', 'segment'] as const;

/** `groupBy`: none (the default), channel, team or segment. */
export function groupByParam(value: string | undefined): LoyaltyGroupBy | null {
  if (value === undefined || value === '' || value === 'none') return null;
  if ((GROUP_BY_VALUES as readonly string[]).includes(value)) return value as LoyaltyGroupBy;
  throw new ApiError(400, 'invalid_parameter', `groupBy must be one of ${GROUP_BY_VALUES.join(', ')}`, { groupBy: value });
}

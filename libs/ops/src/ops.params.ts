import { InstantParam, IntegerParam, MAX_PAGE_LIMIT } from '@cx/query';

export class AuditParams {
  @InstantParam('Only the events recorded at or before this time: what the system knew then. Default: all')
  knownAt?: string;
}

export class ConflictListParams {
  @IntegerParam(`Conflicts to list, 1 to ${MAX_PAGE_LIMIT}`, { min: 1, max: MAX_PAGE_LIMIT, default: 100 })
  limit?: number;
}

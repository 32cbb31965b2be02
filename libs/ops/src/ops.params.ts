import { EnumParam, InstantParam, IntegerParam, MAX_PAGE_LIMIT, TextParam } from '@cx/query';

export class AuditParams {
  @InstantParam('Only the events recorded at or before this time: what the system knew then. Default: all')
  knownAt?: string;

  @EnumParam(
    'true: each event with its Merkle inclusion proof against the latest signed checkpoint (SPEC §4.2), which the answer includes',
    ['true', 'false'],
    { default: 'false' },
  )
  proof?: 'true' | 'false';
}

export class CheckpointListParams {
  @IntegerParam(`Checkpoints to list, 1 to ${MAX_PAGE_LIMIT}`, { min: 1, max: MAX_PAGE_LIMIT, default: 100 })
  limit?: number;

  @TextParam('The nextCursor of the page before, to page back to older checkpoints')
  cursor?: string;
}

export class ConflictListParams {
  @IntegerParam(`Conflicts to list, 1 to ${MAX_PAGE_LIMIT}`, { min: 1, max: MAX_PAGE_LIMIT, default: 100 })
  limit?: number;
}

import { LIFECYCLE_STAGES, type LifecycleStage } from '@cx/views';
import { AfterParams, AsOfParams, MAX_PAGE_LIMIT } from './common.params';
import { EnumParam, IntegerParam, TextParam } from './parameter-decorators';

export class CustomerListParams extends AsOfParams {
  @EnumParam('Only customers in this stage at `asOf`', LIFECYCLE_STAGES, { name: 'LifecycleStage' })
  stage?: LifecycleStage;

  @TextParam('Only customers whose latest segment is this one')
  segment?: string;

  @IntegerParam(`Customers per page, 1 to ${MAX_PAGE_LIMIT}`, { min: 1, max: MAX_PAGE_LIMIT, default: 100 })
  limit?: number;

  @TextParam('`nextCursor` of the previous page', 512)
  cursor?: string;
}

export class TimelineParams extends AfterParams {
  @IntegerParam(`Events per page, 1 to ${MAX_PAGE_LIMIT}`, { min: 1, max: MAX_PAGE_LIMIT, default: 50 })
  limit?: number;

  @TextParam('`nextCursor` of the previous page', 512)
  cursor?: string;
}

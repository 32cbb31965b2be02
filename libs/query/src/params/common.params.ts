import { InstantParam, checkedInstant, IntegerParam } from './parameter-decorators';

/** SPEC §3: lists are paged, `limit` at most 1,000. */
export const MAX_PAGE_LIMIT = 1000;

/** Read your writes: every view and report route takes `after`. */
export class AfterParams {
  @IntegerParam(
    'A position that `POST /v1/events` answered: the answer waits until every projection the route reads has processed it, or is 503 `not_caught_up` after 10 seconds',
    { min: 0 },
  )
  after?: number;
}

/** A view as of an event time. */
export class AsOfParams extends AfterParams {
  @InstantParam('Event time the view is taken at: only events with `time <= asOf` count. Default: now')
  asOf?: string;
}

/** `after` as the read-your-writes wait reads it. */
export const afterPosition = (params: AfterParams): string | undefined => (params.after === undefined ? undefined : String(params.after));

/** `asOf` of validated parameters as epoch ms; now when absent. */
export const asOfTime = (params: AsOfParams, now: number): number => (params.asOf === undefined ? now : checkedInstant(params.asOf));

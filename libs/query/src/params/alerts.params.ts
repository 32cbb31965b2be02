import {
  ALERT_SIGNALS,
  ALERT_STATUSES,
  CLOSED_LOOP_GROUP_BYS,
  type AlertSignal,
  type AlertStatus,
  type ClosedLoopGroupBy,
} from '@cx/views';
import { AsOfParams, MAX_PAGE_LIMIT } from './common.params';
import { EnumParam, InstantParam, IntegerParam, TextParam } from './parameter-decorators';
import { ReportWindowParams } from './report.params';

/** SPEC §2.4 `GET /v1/alerts`. */
export class AlertListParams extends AsOfParams {
  @EnumParam('Only alerts with this status at `asOf` (overdue: open longer than CX_FOLLOW_UP_SLA_HOURS)', ALERT_STATUSES, {
    name: 'AlertStatus',
  })
  status?: AlertStatus;

  @EnumParam('Only alerts of this signal', ALERT_SIGNALS, { name: 'AlertSignal' })
  signal?: AlertSignal;

  @TextParam('Only alerts of this customer (an anonymous customer merged into a named one: the named one’s)')
  customerId?: string;

  @TextParam('Only alerts of this case (handoff_stalled, ping_pong, and detractors whose survey names it)')
  caseId?: string;

  @InstantParam('Only alerts raised at or after this time')
  from?: string;

  @InstantParam('Only alerts raised before this time')
  to?: string;

  @IntegerParam(`Alerts per page, 1 to ${MAX_PAGE_LIMIT}`, { min: 1, max: MAX_PAGE_LIMIT, default: 100 })
  limit?: number;

  @TextParam('`nextCursor` of the previous page (CSV answers carry it in the `X-Next-Cursor` header)', 512)
  cursor?: string;
}

export const CLOSED_LOOP_GROUP_BY_VALUES = ['none', ...CLOSED_LOOP_GROUP_BYS] as const;

/** SPEC §2.4 `GET /v1/reports/closed-loop`: alerts raised in [from, to). */
export class ClosedLoopReportParams extends ReportWindowParams {
  @EnumParam(
    'Group by the alert’s signal, its team (the case’s owner when raised, else the survey’s team, else the follow-up’s), or the customer’s segment at `to`',
    CLOSED_LOOP_GROUP_BY_VALUES,
    { name: 'ClosedLoopGroupBy', default: 'none' },
  )
  groupBy?: (typeof CLOSED_LOOP_GROUP_BY_VALUES)[number];
}

/** `groupBy` of validated parameters: null for none. */
export const closedLoopGroupBy = (params: ClosedLoopReportParams): ClosedLoopGroupBy | null =>
  params.groupBy === undefined || params.groupBy === 'none' ? null : params.groupBy;

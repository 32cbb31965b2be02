import { GROUP_BY_VALUES } from '../loyalty/loyalty-params';
import { AfterParams } from './common.params';
import { EnumParam, InstantParam, TextParam } from './parameter-decorators';

/** SPEC §2.2: a report over [from, to). */
export class ReportWindowParams extends AfterParams {
  @InstantParam('Start of the window, inclusive (at most 10 years before `to`)', { required: true })
  from!: string;

  @InstantParam('End of the window, exclusive', { required: true })
  to!: string;
}

export class LoyaltyReportParams extends ReportWindowParams {
  @EnumParam(
    'Group the blocks by the survey’s or purchase’s channel, the owning team, or the customer’s segment at `to`',
    GROUP_BY_VALUES,
    { name: 'LoyaltyGroupBy', default: 'none' },
  )
  groupBy?: (typeof GROUP_BY_VALUES)[number];
}

/** A report of one segment's customers (an extension beyond SPEC §3, for the dashboard's segment filter). */
export class SegmentReportParams extends ReportWindowParams {
  @TextParam(
    'Only the customers whose segment at `to` is this one (`unknown`: customers without one), as `groupBy=segment` of the loyalty report groups them; for handoffs, the cases of those customers',
  )
  segment?: string;
}

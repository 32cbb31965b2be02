import { drawChart } from '../charts.js';
import type { PanelContext, SegmentMembers } from '../context.js';
import { byId, el, numberCell, setRows } from '../dom.js';
import { formatMinutes, label } from '../format.js';
import { kpiTile } from '../kpi.js';
import { iso, monthsOf, type Period } from '../period.js';
import type { Alert, AlertPage, ClosedLoopBlock, ClosedLoopReport } from '../types.js';

/**
 * SPEC §2.4: alerts open and overdue now (one page of 1,000, "+" beyond), the closed-loop
 * report for the window, the previous period and each month of raising. With a segment:
 * the report grouped by segment, and the alerts of the segment's customers.
 */
export async function alertsPanel(ctx: PanelContext): Promise<void> {
  const { view, api } = ctx;
  const now = iso(Date.now());
  const months = monthsOf(view.period);
  const list = (status: string) => api.get<AlertPage>('/v1/alerts', { status, asOf: now, limit: 1000 });
  const report = async (period: Period): Promise<ClosedLoopBlock | null> => {
    const answer = await api.get<ClosedLoopReport>('/v1/reports/closed-loop', {
      from: iso(period.from),
      to: iso(period.to),
      groupBy: view.segment ? 'segment' : undefined,
    });
    return view.segment ? (answer.groups[view.segment] ?? null) : answer.totals;
  };
  const [open, overdue, members, current, previous, ...monthly] = await Promise.all([
    list('open'),
    list('overdue'),
    ctx.members(),
    report(view.period),
    report(view.previous),
    ...months.map(report),
  ]);
  const openAlerts = ofSegment(open.alerts, members);
  const overdueAlerts = ofSegment(overdue.alerts, members);
  byId('alerts-asof').textContent = now;
  byId('alert-kpis').replaceChildren(
    kpiTile({ label: 'open now', testid: 'alerts-open', current: openAlerts.length, suffix: open.nextCursor ? '+' : '' }),
    kpiTile({ label: 'overdue now', testid: 'alerts-overdue', current: overdueAlerts.length, suffix: overdue.nextCursor ? '+' : '' }),
    kpiTile({
      label: 'raised in the window',
      testid: 'alerts-raised',
      current: current?.raised,
      previous: previous?.raised ?? null,
      better: 'down',
    }),
    kpiTile({
      label: 'followed up within the SLA %',
      testid: 'alerts-within-sla',
      current: current?.followedUpWithinSla.percent,
      previous: previous?.followedUpWithinSla.percent ?? null,
    }),
    kpiTile({
      label: 'median time to follow up',
      testid: 'alerts-median-minutes',
      current: current?.medianFollowUpMinutes,
      previous: previous?.medianFollowUpMinutes ?? null,
      format: formatMinutes,
      better: 'down',
    }),
  );
  drawChart('alerts-chart', {
    type: 'line',
    data: {
      labels: months.map((m) => m.label),
      datasets: [
        {
          label: '% followed up within the SLA',
          data: monthly.map((b) => b?.followedUpWithinSla.percent ?? null),
          borderColor: '#15803d',
          spanGaps: true,
        },
      ],
    },
    options: { scales: { y: { min: 0, max: 100 } } },
  });
  setRows(
    byId('alert-months', HTMLTableElement),
    ['month', 'raised', 'followed up', 'within SLA', '%', 'median to follow up', 'overdue at month end'],
    months.map((m, i) => {
      const b = monthly[i];
      return el('tr', {}, [
        el('td', { text: m.label }),
        numberCell(b?.raised, `alerts-${m.label}-raised`),
        numberCell(b?.followedUp),
        numberCell(b?.followedUpWithinSla.count),
        numberCell(b?.followedUpWithinSla.percent, `alerts-${m.label}-within-sla`),
        numberCell(b?.medianFollowUpMinutes, undefined, formatMinutes(b?.medianFollowUpMinutes)),
        numberCell(b?.overdueNow),
      ]);
    }),
  );
  setRows(
    byId('alert-overdue', HTMLTableElement),
    ['raised', 'signal', 'customer', 'case', 'team'],
    overdueAlerts
      .slice(0, 100)
      .map((a) =>
        el('tr', {}, [
          el('td', { text: a.raisedAt.replace('T', ' ').slice(0, 16) }),
          el('td', { text: label(a.signal) }),
          el('td', {}, [el('a', { class: 'link', text: a.customerId, onclick: () => ctx.open({ customer: a.customerId }) })]),
          el('td', { text: a.caseId ?? '' }),
          el('td', { text: a.team ?? '' }),
        ]),
      ),
  );
  ctx.setCsv('alerts', {
    columns: [
      'period',
      'from',
      'to',
      'segment',
      'raised',
      'followedUp',
      'followedUpWithinSla',
      'followedUpWithinSlaPercent',
      'medianFollowUpMinutes',
      'overdueNow',
    ],
    rows: [
      ['window', view.period, current] as const,
      ['previous', view.previous, previous] as const,
      ...months.map((m, i) => [m.label, m, monthly[i]] as const),
    ].map(([name, period, b]) => [
      name,
      iso(period.from),
      iso(period.to),
      view.segment,
      b?.raised,
      b?.followedUp,
      b?.followedUpWithinSla.count,
      b?.followedUpWithinSla.percent,
      b?.medianFollowUpMinutes,
      b?.overdueNow,
    ]),
  });
}

const ofSegment = (alerts: Alert[], members: SegmentMembers | null): Alert[] =>
  members ? alerts.filter((a) => members.ids.has(a.customerId)) : alerts;

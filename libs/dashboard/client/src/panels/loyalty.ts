import { drawChart } from '../charts.js';
import type { PanelContext } from '../context.js';
import { byId, el, numberCell, setRows } from '../dom.js';
import { formatHours, formatNumber, slug } from '../format.js';
import { kpiTile } from '../kpi.js';
import { iso, monthsOf, type Period } from '../period.js';
import type { LoyaltyBlocks, LoyaltyReport } from '../types.js';

type Blocks = Partial<LoyaltyBlocks>;

/**
 * SPEC §2.2 for the window, the previous period of the same length and each month. With a
 * segment, each report is asked grouped by segment and the segment's blocks are shown (a
 * segment without any of it shows dashes).
 */
export async function loyaltyPanel(ctx: PanelContext): Promise<void> {
  const { view, api } = ctx;
  const blocksOf = async (period: Period): Promise<Blocks | null> => {
    const report = await api.get<LoyaltyReport>('/v1/reports/loyalty', {
      from: iso(period.from),
      to: iso(period.to),
      groupBy: view.segment ? 'segment' : undefined,
    });
    return view.segment ? (report.groups?.[view.segment] ?? null) : (report.blocks ?? null);
  };
  const months = monthsOf(view.period);
  const grouped = view.groupBy !== 'none' && !view.segment;
  const [current, previous, groups, ...monthly] = await Promise.all([
    blocksOf(view.period),
    blocksOf(view.previous),
    grouped
      ? api.get<LoyaltyReport>('/v1/reports/loyalty', { from: iso(view.period.from), to: iso(view.period.to), groupBy: view.groupBy })
      : Promise.resolve(null),
    ...months.map(blocksOf),
  ]);
  kpis(current, previous);
  trend(
    months.map((m) => m.label),
    monthly,
  );
  groupTable(groups, view.groupBy !== 'none' && view.segment !== null);
  ctx.setCsv('loyalty', {
    columns: ['period', 'from', 'to', 'segment', ...METRICS.map((m) => m.name)],
    rows: [
      ['window', view.period, current] as const,
      ['previous', view.previous, previous] as const,
      ...months.map((m, i) => [m.label, m, monthly[i]] as const),
    ].map(([name, period, blocks]) => [name, iso(period.from), iso(period.to), view.segment, ...METRICS.map((m) => m.of(blocks))]),
  });
}

/** Every number the panel shows, by the name its CSV column has. */
const METRICS: Array<{ name: string; of: (b: Blocks | null) => number | null | undefined }> = [
  { name: 'npsScore', of: (b) => b?.nps?.score },
  { name: 'npsResponses', of: (b) => b?.nps?.responses },
  { name: 'csatScore', of: (b) => b?.csat?.score },
  { name: 'csatResponses', of: (b) => b?.csat?.responses },
  { name: 'cesMean', of: (b) => b?.ces?.mean },
  { name: 'orders', of: (b) => b?.purchases?.orders },
  { name: 'repeatRate', of: (b) => b?.purchases?.repeatRate },
  { name: 'referrals', of: (b) => b?.referrals?.count },
  { name: 'churnRate', of: (b) => b?.churn?.rate },
  { name: 'casesOpened', of: (b) => b?.cases?.opened },
  { name: 'firstContactResolution', of: (b) => b?.cases?.firstContactResolution },
  { name: 'meanResolutionHours', of: (b) => b?.cases?.meanResolutionHours },
];

function kpis(current: Blocks | null, previous: Blocks | null): void {
  const tile = (
    labelText: string,
    testid: string,
    of: (b: Blocks | null) => number | null | undefined,
    options: { better?: 'up' | 'down'; hours?: boolean } = {},
  ) =>
    kpiTile({
      label: labelText,
      testid,
      current: of(current),
      previous: of(previous) ?? null,
      better: options.better,
      format: options.hours ? formatHours : undefined,
    });
  byId('loyalty-kpis').replaceChildren(
    tile(`NPS (${formatNumber(current?.nps?.responses ?? null)} answers)`, 'nps-score', (b) => b?.nps?.score),
    tile('NPS answers', 'nps-responses', (b) => b?.nps?.responses),
    tile('CSAT % satisfied', 'csat-score', (b) => b?.csat?.score),
    tile('CES mean (1–7)', 'ces-mean', (b) => b?.ces?.mean),
    tile('orders', 'orders', (b) => b?.purchases?.orders),
    tile('repeat rate %', 'repeat-rate', (b) => b?.purchases?.repeatRate),
    tile('referrals', 'referrals', (b) => b?.referrals?.count),
    tile('churn rate %', 'churn-rate', (b) => b?.churn?.rate, { better: 'down' }),
    tile('cases opened', 'cases-opened', (b) => b?.cases?.opened, { better: 'down' }),
    tile('first-contact resolution %', 'fcr', (b) => b?.cases?.firstContactResolution),
    tile('mean time to resolve', 'resolution-time', (b) => b?.cases?.meanResolutionHours, { better: 'down', hours: true }),
  );
}

function trend(labels: string[], monthly: Array<Blocks | null>): void {
  const series = (of: (b: Blocks | null) => number | null | undefined) => monthly.map((b) => of(b) ?? null);
  drawChart('loyalty-chart', {
    type: 'line',
    data: {
      labels,
      datasets: [
        {
          label: 'NPS',
          data: series((b) => b?.nps?.score),
          borderColor: '#2463eb',
          backgroundColor: '#2463eb',
          yAxisID: 'score',
          spanGaps: true,
        },
        {
          label: 'CSAT % satisfied',
          data: series((b) => b?.csat?.score),
          borderColor: '#15803d',
          backgroundColor: '#15803d',
          yAxisID: 'score',
          spanGaps: true,
        },
        {
          label: 'CES mean',
          data: series((b) => b?.ces?.mean),
          borderColor: '#d97706',
          backgroundColor: '#d97706',
          yAxisID: 'ces',
          spanGaps: true,
          borderDash: [5, 4],
        },
      ],
    },
    options: {
      interaction: { mode: 'index', intersect: false },
      scales: {
        score: { position: 'left', min: -100, max: 100, title: { display: true, text: 'NPS / CSAT %' } },
        ces: { position: 'right', min: 1, max: 7, grid: { drawOnChartArea: false }, title: { display: true, text: 'CES' } },
      },
    },
  });
  const rows = labels.map((month, i) => {
    const b = monthly[i];
    return el('tr', {}, [
      el('td', { text: month }),
      numberCell(b?.nps?.score, `month-${month}-nps`),
      numberCell(b?.nps?.responses, `month-${month}-nps-responses`),
      numberCell(b?.csat?.score, `month-${month}-csat`),
      numberCell(b?.ces?.mean, `month-${month}-ces`),
      numberCell(b?.purchases?.orders, `month-${month}-orders`),
    ]);
  });
  setRows(byId('loyalty-months', HTMLTableElement), ['', 'NPS', 'answers', 'CSAT %', 'CES', 'orders'], rows);
}

function groupTable(report: LoyaltyReport | null, hiddenBySegment: boolean): void {
  const root = byId('loyalty-groups');
  if (hiddenBySegment) {
    root.replaceChildren(el('p', { class: 'note', text: 'Groups compare all segments: choose "all segments" to see them.' }));
    return;
  }
  if (!report?.groups) {
    root.replaceChildren();
    return;
  }
  const rows = Object.entries(report.groups).map(([key, g]) => {
    const id = `group-${slug(key)}`;
    return el('tr', {}, [
      el('td', { text: key }),
      numberCell(g.nps?.score, `${id}-nps`),
      numberCell(g.nps?.responses, `${id}-nps-responses`),
      numberCell(g.csat?.score, `${id}-csat`),
      numberCell(g.ces?.mean, `${id}-ces`),
      numberCell(g.purchases?.orders, `${id}-orders`),
      numberCell(g.cases?.opened, `${id}-cases-opened`),
      numberCell(g.cases?.firstContactResolution, `${id}-fcr`),
    ]);
  });
  const table = el('table', { class: 'data', 'data-testid': 'loyalty-groups' });
  setRows(table, [report.groupBy ?? '', 'NPS', 'answers', 'CSAT %', 'CES', 'orders', 'cases opened', 'FCR %'], rows);
  root.replaceChildren(el('h3', { text: `By ${report.groupBy} (whole window)` }), el('div', { class: 'scroll' }, [table]));
}

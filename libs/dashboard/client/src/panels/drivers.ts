import { drawChart } from '../charts.js';
import type { PanelContext } from '../context.js';
import { byId, el, emptyRow, note, numberCell, setRows } from '../dom.js';
import { formatNumber, slug } from '../format.js';
import { iso } from '../period.js';
import type { DriverBlock, DriverRow, DriverSide, DriversReport, Outcome } from '../types.js';

/** Tiers as SPEC §2.5 names them, in the order a reader expects. */
const TIERS = ['top', 'core', 'none'];
const TOP_PER_TIER = 5;

/** NPS and CSAT count answers and a score; churn counts customers and a rate. */
export const countOf = (side: DriverSide): number => ('responses' in side ? side.responses : side.customers);
export const valueOf = (side: DriverSide): number | null => ('score' in side ? side.score : side.rate);

/**
 * Issue 19: the drivers report (SPEC §2.5) for the chosen outcome, ranked as the API ranks
 * them (|impact| × share); the impacts as bars with both sides on hover; and the same by
 * value tier. With a segment, the report grouped by segment gives the segment's block.
 */
export async function driversPanel(ctx: PanelContext): Promise<void> {
  const { view, api } = ctx;
  const window = { from: iso(view.period.from), to: iso(view.period.to), outcome: view.outcome };
  byId('outcome', HTMLSelectElement).value = view.outcome;
  const [report, tiers] = await Promise.all([
    api.get<DriversReport>('/v1/reports/drivers', { ...window, groupBy: view.segment ? 'segment' : undefined }),
    view.segment ? Promise.resolve(null) : api.get<DriversReport>('/v1/reports/drivers', { ...window, groupBy: 'valueTier' }),
  ]);
  const block: DriverBlock | null = report.groups ? (report.groups[view.segment ?? ''] ?? null) : report;
  const unit =
    view.outcome === 'churn'
      ? { count: 'customers', value: 'churn rate %' }
      : { count: 'answers', value: `${view.outcome.toUpperCase()} score` };
  const overall = byId('drivers-overall');
  overall.textContent = block
    ? `${unit.value} ${formatNumber(valueOf(block.overall))} over ${formatNumber(countOf(block.overall))} ${unit.count}`
    : `no ${unit.count} in this segment`;
  overall.dataset.value = String((block && valueOf(block.overall)) ?? '');
  note('drivers', view.segment ? `Segment ${view.segment}. Value tiers compare all segments: choose "all segments" to see them.` : null);
  const rows = block?.drivers ?? [];
  chart(rows, view.outcome, unit);
  table(rows, unit);
  tierTable(tiers);
  ctx.setCsv('drivers', {
    columns: ['outcome', 'segment', 'rank', 'attribute', 'withCount', 'withValue', 'withoutCount', 'withoutValue', 'impact', 'share'],
    rows: rows.map((d, i) => [
      view.outcome,
      view.segment,
      i + 1,
      d.attribute,
      countOf(d.with),
      valueOf(d.with),
      countOf(d.without),
      valueOf(d.without),
      d.impact,
      d.share,
    ]),
  });
}

function chart(rows: DriverRow[], outcome: Outcome, unit: { count: string; value: string }): void {
  const ranked = rows.filter((d) => d.impact !== null);
  // Churn going up is bad: colour by what the impact means, not by its sign.
  const good = (impact: number) => (outcome === 'churn' ? impact < 0 : impact > 0);
  drawChart('drivers-chart', {
    type: 'bar',
    data: {
      labels: ranked.map((d) => d.attribute),
      datasets: [
        {
          label: `impact (${unit.value} points)`,
          data: ranked.map((d) => d.impact ?? 0),
          backgroundColor: ranked.map((d) => (good(d.impact ?? 0) ? '#15803d' : '#c2410c')),
        },
      ],
    },
    options: {
      indexAxis: 'y',
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            afterLabel: (item) => {
              const d = ranked[item.dataIndex];
              return [
                `with: ${formatNumber(valueOf(d.with))} (${formatNumber(countOf(d.with))} ${unit.count})`,
                `without: ${formatNumber(valueOf(d.without))} (${formatNumber(countOf(d.without))} ${unit.count})`,
                `share: ${formatNumber(d.share)} %`,
              ];
            },
          },
        },
      },
    },
  });
}

function table(rows: DriverRow[], unit: { count: string; value: string }): void {
  const body = rows.map((d, i) => {
    const id = `driver-${slug(d.attribute)}`;
    return el('tr', { 'data-testid': 'driver-row' }, [
      numberCell(i + 1),
      el('td', { text: d.attribute, 'data-testid': `${id}-name` }),
      numberCell(d.impact, `${id}-impact`),
      numberCell(d.share, `${id}-share`),
      numberCell(valueOf(d.with), `${id}-with`),
      numberCell(countOf(d.with), `${id}-with-count`),
      numberCell(valueOf(d.without), `${id}-without`),
      numberCell(countOf(d.without), `${id}-without-count`),
    ]);
  });
  setRows(
    byId('drivers-table', HTMLTableElement),
    ['rank', 'attribute', 'impact', 'share %', `with: ${unit.value}`, unit.count, `without: ${unit.value}`, unit.count],
    body.length ? body : [emptyRow('nobody to compare in this window')],
  );
}

/** A tier's top drivers; its first row names the tier with its count and value. */
function tierRows(tier: string, group: DriverBlock): HTMLTableRowElement[] {
  return group.drivers
    .slice(0, TOP_PER_TIER)
    .map((d, i) =>
      el('tr', {}, [
        el('td', { text: i === 0 ? `${tier} (${formatNumber(countOf(group.overall))}, ${formatNumber(valueOf(group.overall))})` : '' }),
        numberCell(i + 1),
        el('td', { text: d.attribute, 'data-testid': `tier-${tier}-${i + 1}-attribute` }),
        numberCell(d.impact, `tier-${tier}-${i + 1}-impact`),
        numberCell(d.share),
        numberCell(valueOf(d.with)),
        numberCell(valueOf(d.without)),
      ]),
    );
}

function tierTable(report: DriversReport | null): void {
  const target = byId('drivers-tiers', HTMLTableElement);
  if (!report?.groups) {
    target.replaceChildren();
    return;
  }
  const groups = report.groups;
  const rows = TIERS.flatMap((tier) => {
    const group = groups[tier];
    return group ? tierRows(tier, group) : [];
  });
  setRows(
    target,
    [`tier (${report.currency ?? 'no revenue'})`, 'rank', 'attribute', 'impact', 'share %', 'with', 'without'],
    rows.length ? rows : [emptyRow('no value tiers in this window')],
  );
}

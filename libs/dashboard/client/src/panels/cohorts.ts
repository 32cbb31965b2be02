import type { PanelContext } from '../context.js';
import { byId, el, emptyRow, numberCell, setRows } from '../dom.js';
import { iso } from '../period.js';
import type { CohortReport } from '../types.js';
import { heatCell } from './heat.js';

/** SPEC §2.2's cohorts of the window (of the segment's customers, when one is chosen): share of each first-purchase month buying again, by month after. */
export async function cohortsPanel(ctx: PanelContext): Promise<void> {
  const { period, segment } = ctx.view;
  const report = await ctx.api.get<CohortReport>('/v1/reports/cohorts', { from: iso(period.from), to: iso(period.to), segment });
  const width = Math.max(0, ...report.cohorts.map((c) => c.months.length));
  const max = Math.max(0, ...report.cohorts.flatMap((c) => c.months.map((m) => m.percent)));
  const head = ['cohort', 'customers', ...Array.from({ length: width }, (_, i) => `+${i + 1}`)];
  const rows = report.cohorts.map((c) =>
    el('tr', {}, [
      el('th', { text: c.cohort }),
      numberCell(c.customers, `cohort-${c.cohort}-size`),
      ...c.months.map((m) =>
        heatCell(m.percent, m.percent, max, `cohort-${c.cohort}-m${m.offset}`, `${m.month}: ${m.customers} customers`),
      ),
    ]),
  );
  setRows(byId('cohort-table', HTMLTableElement), head, rows.length ? rows : [emptyRow('no first purchases in this window')]);
  ctx.setCsv('cohorts', {
    columns: ['cohort', 'cohortCustomers', 'month', 'offset', 'customers', 'percent'],
    rows: report.cohorts.flatMap((c) => c.months.map((m) => [c.cohort, c.customers, m.month, m.offset, m.customers, m.percent])),
  });
}

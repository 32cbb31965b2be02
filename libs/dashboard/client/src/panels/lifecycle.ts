import { drawChart } from '../charts.js';
import type { PanelContext } from '../context.js';
import { byId, el, note, numberCell } from '../dom.js';
import { label } from '../format.js';
import { iso } from '../period.js';
import { STAGES, type LifecycleReport, type Stage } from '../types.js';

const STAGE_COLOURS = ['#9db4e8', '#6f93e0', '#4a76d8', '#2463eb', '#15803d', '#d97706', '#6b7280'];

/**
 * Customers per stage at the window's end: the lifecycle report, or for a segment the
 * customer list of that segment counted by stage (the report has no segment filter).
 * A stage's row or bar lists its customers.
 */
export async function lifecyclePanel(ctx: PanelContext): Promise<void> {
  const asOf = iso(ctx.view.period.to);
  const members = await ctx.members();
  const stages = members ? members.stages : (await ctx.api.get<LifecycleReport>('/v1/reports/lifecycle', { asOf })).stages;
  const counts = STAGES.map((stage) => stages[stage]);
  const total = counts.reduce((sum, n) => sum + n, 0);
  byId('lifecycle-asof').textContent = `at ${asOf}${ctx.view.segment ? ` · segment ${ctx.view.segment}` : ''}`;
  note(
    'lifecycle',
    members && !members.complete ? 'The segment has more customers than the page counts: these are at least the numbers.' : null,
  );

  const pick = (stage: Stage) => () => ctx.open({ stage });
  const rows = STAGES.map((stage, i) =>
    el('tr', { class: stage === ctx.view.stage ? 'pick chosen' : 'pick', 'data-testid': `stage-row-${stage}`, onclick: pick(stage) }, [
      el('td', { text: label(stage) }),
      numberCell(counts[i], `stage-${stage}`),
    ]),
  );
  rows.push(el('tr', {}, [el('td', { text: 'total' }), numberCell(total, 'lifecycle-total')]));
  byId('lifecycle-table', HTMLTableElement).replaceChildren(el('tbody', {}, rows));
  drawChart('lifecycle-chart', {
    type: 'bar',
    data: { labels: STAGES.map(label), datasets: [{ label: 'customers', data: counts, backgroundColor: STAGE_COLOURS }] },
    options: {
      indexAxis: 'y',
      plugins: { legend: { display: false } },
      onClick: (_event, elements) => {
        if (elements[0]) pick(STAGES[elements[0].index])();
      },
    },
  });
  ctx.setCsv('lifecycle', {
    columns: ['asOf', 'segment', 'stage', 'customers'],
    rows: STAGES.map((stage, i) => [asOf, ctx.view.segment, stage, counts[i]]),
  });
}

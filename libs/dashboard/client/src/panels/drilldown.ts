import type { PanelContext } from '../context.js';
import { byId, el, emptyRow, numberCell, setRows } from '../dom.js';
import { label } from '../format.js';
import { iso } from '../period.js';
import type { CustomerList, CustomerRow } from '../types.js';

const PAGE = 100;

/** The customers of the funnel's chosen stage at the window's end (and segment), a page at a time. */
export async function drilldownPanel(ctx: PanelContext): Promise<void> {
  const stage = ctx.view.stage;
  const table = byId('drilldown-table', HTMLTableElement);
  const more = byId('drilldown-more', HTMLButtonElement);
  more.hidden = true;
  if (!stage) {
    byId('drilldown-title').textContent = 'choose a stage in the funnel';
    table.replaceChildren();
    ctx.setCsv('drilldown', { columns: COLUMNS, rows: [] });
    return;
  }
  const asOf = iso(ctx.view.period.to);
  byId('drilldown-title').textContent = `${label(stage)} at ${asOf}${ctx.view.segment ? ` · segment ${ctx.view.segment}` : ''}`;
  const shown: CustomerRow[] = [];
  const load = async (cursor: string | null) => {
    const page = await ctx.api.get<CustomerList>('/v1/customers', { stage, segment: ctx.view.segment, asOf, limit: PAGE, cursor });
    shown.push(...page.customers);
    render(ctx, table, shown);
    more.hidden = page.nextCursor === null;
    more.onclick = page.nextCursor === null ? null : () => void load(page.nextCursor);
  };
  await load(null);
}

const COLUMNS = ['customerId', 'stage', 'segment', 'purchases', 'firstSeen', 'lastSeen'];

function render(ctx: PanelContext, table: HTMLTableElement, customers: CustomerRow[]): void {
  const rows = customers.map((c) =>
    el('tr', { 'data-testid': 'drilldown-customer' }, [
      el('td', {}, [el('a', { class: 'link', text: c.customerId, onclick: () => ctx.open({ customer: c.customerId }) })]),
      el('td', { text: c.segment ?? '–' }),
      numberCell(c.purchases),
      el('td', { text: c.firstSeen.slice(0, 10) }),
      el('td', { text: c.lastSeen.slice(0, 10) }),
    ]),
  );
  setRows(
    table,
    ['customer', 'segment', 'purchases', 'first seen', 'last seen'],
    rows.length ? rows : [emptyRow('no customers in this stage')],
  );
  byId('drilldown-title').dataset.count = String(customers.length);
  ctx.setCsv('drilldown', {
    columns: COLUMNS,
    rows: customers.map((c) => [c.customerId, c.stage, c.segment, c.purchases, c.firstSeen, c.lastSeen]),
  });
}

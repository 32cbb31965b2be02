import type { PanelContext } from '../context.js';
import { byId, el, setRows } from '../dom.js';
import { formatNumber, label } from '../format.js';
import { iso } from '../period.js';
import type { Answer, CustomerView, Timeline } from '../types.js';

const money = (revenue: Record<string, number>): string =>
  Object.entries(revenue)
    .map(([currency, minor]) => `${(minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })} ${currency}`)
    .join(', ') || '–';
const scalar = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');
const answer = (a: Answer | null): string => (a ? `${a.score} (${a.time.slice(0, 10)})` : '–');

/** A customer's view at the window's end and the first 200 events of its timeline. */
export async function journeyPanel(ctx: PanelContext): Promise<void> {
  const id = ctx.view.customer;
  byId('customer-input', HTMLInputElement).value = id ?? '';
  if (!id) {
    byId('customer-view').replaceChildren();
    ctx.setCsv('journey', { columns: ['field', 'value'], rows: [] });
    return;
  }
  const path = `/v1/customers/${encodeURIComponent(id)}`;
  const [view, timeline] = await Promise.all([
    ctx.api.get<CustomerView>(path, { asOf: iso(ctx.view.period.to) }),
    ctx.api.get<Timeline>(`${path}/timeline`, { limit: 200 }),
  ]);
  const facts: Array<[string, string | number | null, string]> = [
    ['customer', view.customerId, 'customer-id'],
    ['stage', view.stage, 'customer-stage'],
    ['segment', view.segment, 'customer-segment'],
    ['purchases', view.purchases.count, 'customer-purchases'],
    ['revenue', money(view.purchases.revenueMinor), 'customer-revenue'],
    ['interactions', view.interactions.count, 'customer-interactions'],
    ['open cases', view.openCases, 'customer-open-cases'],
    ['latest NPS', answer(view.nps), 'customer-nps'],
    ['latest CSAT', answer(view.csat), 'customer-csat'],
    ['latest CES', answer(view.ces), 'customer-ces'],
    ['referrals', view.referrals, 'customer-referrals'],
    ['won back', view.wonBack ? 'yes' : 'no', 'customer-won-back'],
    ['first seen', view.firstSeen, 'customer-first-seen'],
    ['last seen', view.lastSeen, 'customer-last-seen'],
  ];
  const summary = el('table', { class: 'numbers' }, [
    el(
      'tbody',
      {},
      facts.map(([name, value, testid]) =>
        el('tr', {}, [
          el('td', { text: name }),
          el('td', { text: typeof value === 'number' ? formatNumber(value) : (value ?? '–'), 'data-testid': testid }),
        ]),
      ),
    ),
  ]);
  const stages = el(
    'div',
    { class: 'stages' },
    view.stageHistory.map((s, i) =>
      el('span', {
        class: i === view.stageHistory.length - 1 ? 'stage current' : 'stage',
        text: `${label(s.stage)} · ${s.since.slice(0, 10)}`,
        'data-testid': `customer-history-${i}`,
      }),
    ),
  );
  const events = el('table', { class: 'data' });
  setRows(
    events,
    ['time', 'type', 'channel', 'detail'],
    timeline.events.map((e) => {
      const d = e.data ?? {};
      const detail = [d.topic, d.orderId, d.caseId, typeof d.survey === 'string' ? `${d.survey} ${scalar(d.score)}` : null, d.segment].find(
        (x) => typeof x === 'string' && x !== '',
      );
      return el('tr', {}, [
        el('td', { text: e.time.replace('T', ' ').slice(0, 16) }),
        el('td', { text: e.type.replace(/^cx\./, '').replace(/\.v1$/, '') }),
        el('td', { text: typeof d.channel === 'string' ? d.channel : '' }),
        el('td', { text: typeof detail === 'string' ? detail : '' }),
      ]);
    }),
  );
  byId('customer-view').replaceChildren(
    summary,
    el('h3', { text: 'Stage history' }),
    stages,
    el('h3', { text: `Timeline (first ${timeline.events.length} events)` }),
    el('div', { class: 'scroll short' }, [events]),
  );
  ctx.setCsv('journey', { columns: ['field', 'value'], rows: facts.map(([name, value]) => [name, value]) });
}

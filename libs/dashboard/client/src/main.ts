import { Api, KeyRefused } from './api.js';
import type { PanelContext } from './context.js';
import { toCsv, type CsvTable } from './csv.js';
import { byId, el, required } from './dom.js';
import { slug } from './format.js';
import { segmentMembers } from './members.js';
import { alertsPanel } from './panels/alerts.js';
import { cohortsPanel } from './panels/cohorts.js';
import { drilldownPanel } from './panels/drilldown.js';
import { driversPanel } from './panels/drivers.js';
import { handoffsPanel } from './panels/handoffs.js';
import { journeyPanel } from './panels/journey.js';
import { lifecyclePanel } from './panels/lifecycle.js';
import { loyaltyPanel } from './panels/loyalty.js';
import { day, iso } from './period.js';
import type { LoyaltyReport } from './types.js';
import { readView, searchWith, type View, type ViewChange } from './view.js';

/**
 * The analysts' dashboard: reads the view from the URL, checks the key with one call, then
 * loads every panel with the API. `body[data-state]` says where it is: `needs-key`,
 * `loading`, `ready`, `key-refused` or `error` (the API did not answer the first call).
 */

/** The key lives in this tab only and goes out only as a bearer token (see api.ts). */
const KEY = 'cx.apiKey';

type Panel = (ctx: PanelContext) => Promise<void>;
/** By the id of their section: a panel shows its own errors there. */
const PANELS: Record<string, Panel> = {
  lifecycle: lifecyclePanel,
  drilldown: drilldownPanel,
  loyalty: loyaltyPanel,
  drivers: driversPanel,
  cohorts: cohortsPanel,
  handoffs: handoffsPanel,
  alerts: alertsPanel,
  journey: journeyPanel,
};
/** What a change of the URL redraws without reloading the rest. */
const REDRAWN_BY: Partial<Record<keyof ViewChange, string>> = { stage: 'drilldown', customer: 'journey', outcome: 'drivers' };

const csvTables = new Map<string, CsvTable>();
let current: Api | null = null;

const setState = (state: string) => {
  document.body.dataset.state = state;
};
const status = (message: string) => {
  byId('status').textContent = message;
};
const keyState = (message: string) => {
  byId('key-state').textContent = message;
};

async function section(id: string, work: () => Promise<void>): Promise<void> {
  const error = required(byId(id).querySelector<HTMLElement>('.error'), `#${id} .error`);
  error.hidden = true;
  try {
    await work();
  } catch (e) {
    // A refused key has said so once, at the top; a cancelled load was replaced by a newer one.
    if (e instanceof KeyRefused || (e instanceof DOMException && e.name === 'AbortError')) return;
    error.hidden = false;
    error.textContent = e instanceof Error ? e.message : String(e);
  }
}

function showView(view: View): void {
  byId('preset', HTMLSelectElement).value = view.preset;
  document.body.classList.toggle('custom-window', view.preset === 'custom');
  byId('from', HTMLInputElement).value = day(view.period.from);
  byId('to', HTMLInputElement).value = day(view.period.to);
  byId('groupBy', HTMLSelectElement).value = view.groupBy;
  const segment = byId('segment', HTMLSelectElement);
  if (view.segment && ![...segment.options].some((o) => o.value === view.segment))
    segment.append(el('option', { value: view.segment, text: view.segment }));
  segment.value = view.segment ?? '';
  const dataset = document.body.dataset;
  [dataset.from, dataset.to, dataset.previousFrom, dataset.previousTo] = [
    view.period.from,
    view.period.to,
    view.previous.from,
    view.previous.to,
  ].map(iso);
  const minute = (ms: number) => iso(ms).slice(0, 16).replace('T', ' ');
  byId('window').textContent =
    `${minute(view.period.from)} → ${minute(view.period.to)} UTC, against ${minute(view.previous.from)} → ${minute(view.previous.to)}`;
}

function refused(error: KeyRefused): void {
  const banner = byId('key-error');
  banner.hidden = false;
  banner.textContent = error.message;
  keyState('key refused');
  status('stopped: no numbers without a key the API accepts');
  setState('key-refused');
}

function contextFor(api: Api, view: View): PanelContext {
  let members: ReturnType<PanelContext['members']> | null = null;
  const ctx: PanelContext = {
    api,
    view,
    members: () => (members ??= view.segment ? segmentMembers(api, view.segment, view.period) : Promise.resolve(null)),
    setCsv: (panel, table) => {
      csvTables.set(panel, table);
    },
    open: (change) => {
      history.replaceState(null, '', location.pathname + searchWith(location.search, change));
      const next = contextFor(api, { ...view, ...(change as Partial<View>) });
      const ids = Object.keys(change).flatMap((name) => REDRAWN_BY[name as keyof ViewChange] ?? []);
      setState('loading');
      void Promise.all(ids.map((id) => section(id, () => PANELS[id](next)))).then(() => {
        if (current === api && !api.cancelled) setState('ready');
      });
    },
  };
  return ctx;
}

/** The segments the loyalty report knows in the window (customers without one are `unknown`, which no list can filter by). */
async function segmentOptions(api: Api, view: View): Promise<void> {
  const report = await api.get<LoyaltyReport>('/v1/reports/loyalty', {
    from: iso(view.period.from),
    to: iso(view.period.to),
    groupBy: 'segment',
  });
  const names = new Set(Object.keys(report.groups ?? {}).filter((name) => name !== 'unknown'));
  if (view.segment) names.add(view.segment);
  const select = byId('segment', HTMLSelectElement);
  select.replaceChildren(
    el('option', { value: '', text: 'all segments' }),
    ...[...names].sort().map((name) => el('option', { value: name, text: name })),
  );
  select.value = view.segment ?? '';
}

async function refresh(): Promise<void> {
  const view = readView(location.search, Date.now());
  showView(view);
  current?.cancel();
  byId('key-error').hidden = true;
  const key = sessionStorage.getItem(KEY);
  if (!key) {
    keyState('no key yet');
    status('enter an API key with the analyst role to load the numbers');
    setState('needs-key');
    return;
  }
  const api = new Api(key, refused);
  current = api;
  setState('loading');
  keyState('key in use for this tab');
  status('loading…');
  try {
    // One call first: a refused key stops here, before a panel asks for anything.
    await api.get('/v1/customers', { limit: 1 });
  } catch (e) {
    if (e instanceof KeyRefused || api.cancelled) return;
    status(`the API did not answer: ${e instanceof Error ? e.message : String(e)}`);
    setState('error');
    return;
  }
  const ctx = contextFor(api, view);
  await Promise.all([
    segmentOptions(api, view).catch(() => undefined),
    ...Object.entries(PANELS).map(([id, panel]) => section(id, () => panel(ctx))),
  ]);
  if (current !== api || api.cancelled) return;
  status(`updated ${new Date().toLocaleTimeString()}`);
  setState('ready');
}

function navigate(change: ViewChange): void {
  history.replaceState(null, '', location.pathname + searchWith(location.search, change));
  void refresh();
}

function download(panel: string): void {
  const table = csvTables.get(panel);
  if (!table) return;
  const view = readViewKeepingWindow();
  const name = `cx-${panel}-${day(view.period.from)}-${day(view.period.to)}${view.segment ? `-${slug(view.segment)}` : ''}.csv`;
  const url = URL.createObjectURL(new Blob([toCsv(table)], { type: 'text/csv;charset=utf-8' }));
  const link = el('a', { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function wire(): void {
  byId('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = byId('key-input', HTMLInputElement);
    const key = input.value.trim();
    if (key) sessionStorage.setItem(KEY, key);
    input.value = '';
    void refresh();
  });
  byId('key-forget').addEventListener('click', () => {
    sessionStorage.removeItem(KEY);
    void refresh();
  });
  byId('preset').addEventListener('change', () =>
    document.body.classList.toggle('custom-window', byId('preset', HTMLSelectElement).value === 'custom'),
  );
  byId('filters').addEventListener('submit', (event) => {
    event.preventDefault();
    const value = (id: string): string => {
      const field = byId(id);
      return field instanceof HTMLInputElement || field instanceof HTMLSelectElement ? field.value : '';
    };
    navigate({
      preset: value('preset'),
      from: value('from'),
      to: value('to'),
      segment: value('segment'),
      groupBy: value('groupBy'),
      stage: null,
    });
  });
  byId('outcome').addEventListener('change', () => {
    const outcome = byId('outcome', HTMLSelectElement).value;
    if (current) contextFor(current, readViewKeepingWindow()).open({ outcome });
  });
  byId('customer-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const customer = byId('customer-input', HTMLInputElement).value.trim();
    if (current) contextFor(current, readViewKeepingWindow()).open({ customer });
  });
  for (const button of document.querySelectorAll<HTMLButtonElement>('button.csv')) {
    button.addEventListener('click', () => download(required(button.closest('section'), 'section around a CSV button').id));
  }
}

/** The view of the URL over the window the panels were loaded for (a preset's "now" has moved on since). */
function readViewKeepingWindow(): View {
  const view = readView(location.search, Date.now());
  const dataset = document.body.dataset;
  const instant = (name: string) => Date.parse(required(dataset[name], `data-${name}`));
  const period = { from: instant('from'), to: instant('to') };
  const previous = { from: instant('previousFrom'), to: instant('previousTo') };
  return { ...view, period, previous };
}

wire();
void refresh();

import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, Browser, Page } from 'playwright-core';
import { HttpSink, pump, simulate } from '@cx/simulator';
import { client, KEYS, RunningServer, startServer } from './support/cx-server';
import { stopIfStarted } from '@cx/event-store/testing';
import { present } from '@cx/views/testing';

const CHROMIUM = '/usr/bin/chromium';
const DAY = 86_400_000;
/** Where the test leaves its screenshot, for a person to look at. */
const SCREENSHOT = process.env.CX_DASHBOARD_SCREENSHOT ?? join(tmpdir(), 'cx-dashboard.png');
// CI installs Debian's Chromium (.ci/run); elsewhere a machine without it skips rather than fails.
const describeWithBrowser = existsSync(CHROMIUM) || process.env.CI ? describe : describe.skip;
const BROWSER_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const round1 = (n: number) => Math.round(n * 10) / 10;
/** "51 d 11 h", "1 h 30 min", "15 min" back to hours. */
const hoursIn = (text: string) =>
  [...text.matchAll(/(−?\d+) (d|h|min)/g)].reduce(
    (sum, [, n, unit]) => sum + Number(n.replace('−', '-')) * (unit === 'd' ? 24 : unit === 'h' ? 1 : 1 / 60),
    0,
  );

/** RFC 4180 as the page writes it: quoted fields may hold commas, quotes and line breaks. */
function parseCsv(text: string): Array<Record<string, string>> {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r') continue;
    else if (c === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  const [columns, ...rows] = records;
  return rows.map((row) => Object.fromEntries(columns.map((name, i) => [name, row[i]])));
}
/** A CSV field as the API's value: empty is null. */
const csvValue = (text: string | undefined) =>
  text === undefined || text === '' ? null : Number.isNaN(Number(text)) ? text : Number(text);

/**
 * Issues 9, 17.6 and 19: the dashboard, driven in Chromium against a real server with
 * simulated customers, shows the API's own answers for the window, the previous period,
 * each preset, a segment, a stage's customers and the key drivers, and exports them as CSV.
 */
describeWithBrowser('analysts dashboard in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let analyst: ReturnType<typeof client>;
  const pageErrors: string[] = [];
  const now = Date.now();

  beforeAll(async () => {
    server = await startServer();
    analyst = client(server.url, KEYS.analyst);
    const counts = await pump(
      simulate({ customers: 220, days: 360, seed: 'dashboard', start: now - 360 * DAY, now }),
      new HttpSink(server.url, KEYS.ingest),
    );
    expect(counts.rejected).toBe(0);
    // Read your writes: once these answer, every projection the page reads has the whole run.
    const head = (await client(server.url).get('/health')).body.info.eventStore.headPosition;
    const window = `from=${new Date(now - 400 * DAY).toISOString()}&to=${new Date(now + DAY).toISOString()}`;
    for (const path of [
      '/v1/reports/lifecycle?',
      `/v1/reports/loyalty?${window}&`,
      `/v1/reports/handoffs?${window}&`,
      '/v1/alerts?limit=1&',
      `/v1/reports/drivers?${window}&`,
      `/v1/reports/closed-loop?${window}&`,
    ]) {
      expect((await analyst.get(`${path}after=${head}`)).status).toBe(200);
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: BROWSER_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 2400 }, acceptDownloads: true });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && pageErrors.push(message.text()));
    page.on('response', (response) => response.status() >= 400 && pageErrors.push(`${response.status()} ${response.url()}`));
  });
  afterAll(async () => {
    await stopIfStarted(browser, (it) => it.close());
    await stopIfStarted(server, (it) => it.close());
  });

  const testid = (id: string) => page.getByTestId(id).first();
  const text = async (id: string) => (await testid(id).textContent()) ?? '';
  /** The API's exact value the page shows (its `data-value`); null when the page shows none. */
  const value = async (id: string) => {
    const raw = await testid(id).getAttribute('data-value');
    return raw === null ? null : Number(raw);
  };
  const state = () => page.evaluate('document.body.dataset.state');
  /** Runs what changes the view, then waits until the page has drawn every panel again. */
  const reload = async (action: () => Promise<unknown>) => {
    await page.evaluate("document.body.dataset.state = 'stale'");
    await action();
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
  };
  /** The window the page shows, as the API is asked about it. */
  const shownWindow = async () => {
    const [from, to, previousFrom, previousTo] = await page.evaluate<string[]>(
      '[document.body.dataset.from, document.body.dataset.to, document.body.dataset.previousFrom, document.body.dataset.previousTo]',
    );
    return { from, to, previousFrom, previousTo };
  };
  const loyaltyOf = async (from: string, to: string, segment?: string) => {
    const body = (await analyst.get(`/v1/reports/loyalty?from=${from}&to=${to}${segment ? '&groupBy=segment' : ''}`)).body;
    return segment ? body.groups[segment] : body.blocks;
  };
  const download = async (panel: string) => {
    const [file] = await Promise.all([page.waitForEvent('download'), testid(`csv-${panel}`).click()]);
    return { name: file.suggestedFilename(), rows: parseCsv(readFileSync(await file.path(), 'utf8')) };
  };
  /** Where a bar of a Chart.js bar chart is on the page (horizontal bars: from `base` to `x`). */
  const barCentre = (canvasId: string, index: number) =>
    page.evaluate<{ x: number; y: number }>(
      `(() => { const canvas = document.getElementById('${canvasId}'); const bar = Chart.getChart(canvas).getDatasetMeta(0).data[${index}];` +
        ' const box = canvas.getBoundingClientRect(); return { x: box.left + (bar.x + bar.base) / 2, y: box.top + bar.y }; })()',
    );
  /** What Chart.js's tooltip says under the label of what the mouse is on. */
  const tooltipLines = (canvasId: string) =>
    page.evaluate<string[]>(`Chart.getChart(document.getElementById('${canvasId}')).tooltip.body.flatMap((b) => b.after)`);
  /** A number as the page writes it: counts with thousands separators, a dash for none. */
  const shown = (n: number | null | undefined) =>
    n === null || n === undefined ? '–' : Number.isInteger(n) ? n.toLocaleString('en-US') : String(n);
  /** Every customer of a segment at a time, by stage, from the customer list. */
  const segmentCustomers = async (segment: string, asOf: string) => {
    const customers: Array<{ customerId: string; stage: string }> = [];
    for (let cursor: string | null = null, first = true; first || cursor; first = false) {
      const body: { customers: typeof customers; nextCursor: string | null } = (
        await analyst.get(`/v1/customers?segment=${segment}&asOf=${asOf}&limit=1000${cursor ? `&cursor=${cursor}` : ''}`)
      ).body;
      customers.push(...body.customers);
      cursor = body.nextCursor;
    }
    return customers;
  };

  it('serves the built page, its modules and Chart.js with @fastify/static, without a key, and asks for one', async () => {
    const html = await fetch(`${server.url}/dashboard?preset=30d`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await html.text()).toContain('<script src="/dashboard/main.js" type="module">');
    const main = await fetch(`${server.url}/dashboard/main.js`);
    expect(main.status).toBe(200);
    expect(main.headers.get('content-type')).toMatch(/javascript/);
    expect(await main.text()).toContain("from './panels/drivers.js'");
    const chart = await fetch(`${server.url}/dashboard/vendor/chart.umd.min.js`);
    expect(chart.status).toBe(200);
    expect(await chart.text()).toContain('Chart');
    // Only the one file of Chart.js's package is served.
    expect((await fetch(`${server.url}/dashboard/vendor/chart.cjs`)).status).toBe(404);
    await page.goto(`${server.url}/dashboard`);
    await page.waitForSelector('body[data-state="needs-key"]');
    expect(await text('key-state')).toBe('no key yet');
  });

  it('stops at the first 401 with a clear message, and at the first 403 for a key without the analyst role', async () => {
    for (const [key, status, message] of [
      ['not-a-key', 401, 'The API does not know this key'],
      [KEYS.ingest, 403, 'This key has no analyst role'],
    ] as const) {
      const other = await browser.newPage();
      const calls: number[] = [];
      other.on('response', (response) => new URL(response.url()).pathname.startsWith('/v1/') && calls.push(response.status()));
      await other.goto(`${server.url}/dashboard`);
      await other.waitForSelector('body[data-state="needs-key"]');
      await other.getByTestId('key-input').fill(key);
      await other.getByTestId('key-submit').click();
      await other.waitForSelector('body[data-state="key-refused"]');
      await other.waitForTimeout(1000); // room for a storm of requests, had there been one
      expect(calls).toEqual([status]);
      expect(await other.getByTestId('key-error').textContent()).toContain(message);
      expect(await other.getByTestId('key-error').isVisible()).toBe(true);
      await other.close();
    }
  });

  it('shows, once a key is given, the last 12 months ending now (not tomorrow), with the lifecycle counts of the API then', async () => {
    const before = Date.now();
    await page.getByTestId('key-input').fill(KEYS.analyst);
    await reload(() => page.getByTestId('key-submit').click());
    expect(await page.evaluate("sessionStorage.getItem('cx.apiKey')")).toBe(KEYS.analyst);
    const { from, to } = await shownWindow();
    expect(Date.parse(to)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(Date.parse(to)).toBeLessThanOrEqual(Date.now());
    const end = new Date(to);
    expect(from).toBe(
      new Date(
        Date.UTC(
          end.getUTCFullYear() - 1,
          end.getUTCMonth(),
          end.getUTCDate(),
          end.getUTCHours(),
          end.getUTCMinutes(),
          end.getUTCSeconds(),
        ),
      ).toISOString(),
    );
    const report = (await analyst.get(`/v1/reports/lifecycle?asOf=${to}`)).body;
    expect(report.total).toBeGreaterThan(100);
    for (const [stage, count] of Object.entries(report.stages)) expect(await value(`stage-${stage}`)).toBe(count);
    expect(await value('lifecycle-total')).toBe(report.total);
  });

  it('compares each loyalty KPI with the previous period of the same length', async () => {
    const { from, to, previousFrom, previousTo } = await shownWindow();
    expect(Date.parse(previousTo)).toBe(Date.parse(from));
    expect(Date.parse(previousTo) - Date.parse(previousFrom)).toBe(Date.parse(to) - Date.parse(from));
    const [current, previous] = [await loyaltyOf(from, to), await loyaltyOf(previousFrom, previousTo)];
    expect(current.nps.responses).toBeGreaterThan(0);
    const kpis: Array<[string, (b: any) => number | null]> = [
      ['nps-score', (b) => b.nps.score],
      ['nps-responses', (b) => b.nps.responses],
      ['csat-score', (b) => b.csat.score],
      ['ces-mean', (b) => b.ces.mean],
      ['orders', (b) => b.purchases.orders],
      ['repeat-rate', (b) => b.purchases.repeatRate],
      ['referrals', (b) => b.referrals.count],
      ['churn-rate', (b) => b.churn.rate],
      ['cases-opened', (b) => b.cases.opened],
      ['fcr', (b) => b.cases.firstContactResolution],
      ['resolution-time', (b) => b.cases.meanResolutionHours],
    ];
    for (const [id, of] of kpis) {
      expect([id, await value(id)]).toEqual([id, of(current)]);
      expect([id, await value(`${id}-previous`)]).toEqual([id, of(previous)]);
      const change = of(current) === null || of(previous) === null ? null : round1(present(of(current)) - present(of(previous)));
      expect([id, await value(`${id}-change`)]).toEqual([id, change]);
    }
    const month = new Date(now).toISOString().slice(0, 7);
    const monthly = await loyaltyOf(`${month}-01T00:00:00Z`, to);
    expect(await value(`month-${month}-nps-responses`)).toBe(monthly.nps.responses);
  });

  it('writes hours as days and hours, and minutes as hours and minutes', async () => {
    const { from, to } = await shownWindow();
    const handoffs = (await analyst.get(`/v1/reports/handoffs?from=${from}&to=${to}`)).body;
    expect(handoffs.totals.unownedHours).toBeGreaterThan(48);
    expect(await value('unowned-hours')).toBe(handoffs.totals.unownedHours);
    expect(await text('unowned-hours')).toMatch(/^\d+ d( \d+ h)?$/);
    expect(Math.abs(hoursIn(await text('unowned-hours')) - handoffs.totals.unownedHours)).toBeLessThanOrEqual(0.5);
    expect(await value('handoffs-median')).toBe(handoffs.totals.medianMinutesToAccept);
    expect(Math.abs(hoursIn(await text('handoffs-median')) * 60 - handoffs.totals.medianMinutesToAccept)).toBeLessThanOrEqual(30);
    const hours = (await loyaltyOf(from, to)).cases.meanResolutionHours;
    expect(await text('resolution-time')).toMatch(/^\d+ (d|h|min)/);
    expect(Math.abs(hoursIn(await text('resolution-time')) - hours)).toBeLessThanOrEqual(0.5);
  });

  it('offers presets: the last 7, 30 and 90 days, this quarter and this year, each ending now', async () => {
    const starts: Record<string, (to: Date) => number> = {
      '7d': (to) => to.getTime() - 7 * DAY,
      '30d': (to) => to.getTime() - 30 * DAY,
      '90d': (to) => to.getTime() - 90 * DAY,
      quarter: (to) => Date.UTC(to.getUTCFullYear(), to.getUTCMonth() - (to.getUTCMonth() % 3), 1),
      year: (to) => Date.UTC(to.getUTCFullYear(), 0, 1),
    };
    for (const [preset, start] of Object.entries(starts)) {
      const before = Date.now();
      await page.getByTestId('filter-preset').selectOption(preset);
      await reload(() => page.getByTestId('apply').click());
      const { from, to, previousFrom } = await shownWindow();
      expect(page.url()).toContain(`preset=${preset}`);
      expect(Date.parse(to)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(Date.parse(to)).toBeLessThanOrEqual(Date.now());
      expect([preset, Date.parse(from)]).toEqual([preset, start(new Date(to))]);
      const [current, previous] = [await loyaltyOf(from, to), await loyaltyOf(previousFrom, from)];
      expect([preset, await value('orders'), await value('orders-previous')]).toEqual([
        preset,
        current.purchases.orders,
        previous.purchases.orders,
      ]);
    }
    // Custom whole UTC days, `to` exclusive.
    const [fromDay, toDay] = [new Date(now - 100 * DAY).toISOString().slice(0, 10), new Date(now - 10 * DAY).toISOString().slice(0, 10)];
    await page.getByTestId('filter-preset').selectOption('custom');
    await page.getByTestId('filter-from').fill(fromDay);
    await page.getByTestId('filter-to').fill(toDay);
    await reload(() => page.getByTestId('apply').click());
    const custom = await shownWindow();
    expect([custom.from, custom.to]).toEqual([`${fromDay}T00:00:00.000Z`, `${toDay}T00:00:00.000Z`]);
    expect(page.url()).toContain(`from=${fromDay}&to=${toDay}`);
    expect(await value('orders')).toBe((await loyaltyOf(custom.from, custom.to)).purchases.orders);
  });

  it('filters every panel by the chosen segment', async () => {
    await page.getByTestId('filter-preset').selectOption('90d');
    await reload(() => page.getByTestId('apply').click());
    let { from, to } = await shownWindow();
    const groups = (await analyst.get(`/v1/reports/loyalty?from=${from}&to=${to}&groupBy=segment`)).body.groups;
    const segment = Object.keys(groups)
      .filter((s) => s !== 'unknown')
      .sort((a, b) => groups[b].nps.responses - groups[a].nps.responses)[0];
    expect(groups[segment].nps.responses).toBeGreaterThan(0);
    await page.getByTestId('filter-segment').selectOption(segment);
    await reload(() => page.getByTestId('apply').click());
    expect(page.url()).toContain(`segment=${segment}`);
    ({ from, to } = await shownWindow());
    const { previousFrom } = await shownWindow();
    // Lifecycle: the segment's customers by stage at the window's end.
    const customers = await segmentCustomers(segment, to);
    const all = (await analyst.get(`/v1/reports/lifecycle?asOf=${to}`)).body;
    expect(customers.length).toBeGreaterThan(0);
    expect(customers.length).toBeLessThan(all.total);
    for (const stage of Object.keys(all.stages))
      expect([stage, await value(`stage-${stage}`)]).toEqual([stage, customers.filter((c) => c.stage === stage).length]);
    // Loyalty, now and before.
    const [current, previous] = [await loyaltyOf(from, to, segment), await loyaltyOf(previousFrom, from, segment)];
    expect(await value('nps-score')).toBe(current.nps.score);
    expect(await value('nps-responses')).toBe(current.nps.responses);
    expect(await value('nps-score-previous')).toBe(previous?.nps?.score ?? null);
    expect(await value('orders')).toBe(current.purchases.orders);
    // Key drivers.
    const drivers = (await analyst.get(`/v1/reports/drivers?from=${from}&to=${to}&outcome=nps&groupBy=segment`)).body.groups[segment];
    const top = drivers.drivers[0];
    expect(await value(`driver-${top.attribute.replace(/[^A-Za-z0-9_.-]+/g, '_')}-impact`)).toBe(top.impact);
    expect(await page.getByTestId('drivers-overall').getAttribute('data-value')).toBe(String(drivers.overall.score));
    // Closed loop: the report by segment, and the alerts of the segment's customers.
    const closedLoop = (await analyst.get(`/v1/reports/closed-loop?from=${from}&to=${to}&groupBy=segment`)).body.groups[segment];
    expect(await value('alerts-raised')).toBe(closedLoop?.raised ?? null);
    const ids = new Set(customers.map((c) => c.customerId));
    const asOf = await text('alerts-asof');
    const open = (await analyst.get(`/v1/alerts?status=open&asOf=${encodeURIComponent(asOf)}&limit=1000`)).body.alerts;
    expect(await value('alerts-open')).toBe(open.filter((a: { customerId: string }) => ids.has(a.customerId)).length);
    // Handoffs of the segment's cases, now and before, and their ownerless cases.
    const handoffs = (await analyst.get(`/v1/reports/handoffs?from=${from}&to=${to}&segment=${segment}`)).body;
    const previousHandoffs = (await analyst.get(`/v1/reports/handoffs?from=${previousFrom}&to=${from}&segment=${segment}`)).body;
    const allHandoffs = (await analyst.get(`/v1/reports/handoffs?from=${from}&to=${to}`)).body;
    expect(handoffs.totals.handoffs).toBeGreaterThan(0);
    expect(handoffs.totals.handoffs).toBeLessThan(allHandoffs.totals.handoffs);
    expect([await value('handoffs-total'), await value('handoffs-total-previous')]).toEqual([
      handoffs.totals.handoffs,
      previousHandoffs.totals.handoffs,
    ]);
    expect(await value('unowned-hours')).toBe(handoffs.totals.unownedHours);
    for (const c of handoffs.matrix) expect(await value(`handoff-${c.fromTeam}-${c.toTeam}`)).toBe(c.count);
    expect(Number(await text('ownerless-count'))).toBe(handoffs.ownerless.length);
    expect(handoffs.ownerless.every((c: { customerId: string }) => ids.has(c.customerId))).toBe(true);
    // Cohorts of the segment's customers.
    const cohorts = (await analyst.get(`/v1/reports/cohorts?from=${from}&to=${to}&segment=${segment}`)).body.cohorts;
    const allCohorts = (await analyst.get(`/v1/reports/cohorts?from=${from}&to=${to}`)).body.cohorts;
    expect(cohorts.reduce((n: number, c: { customers: number }) => n + c.customers, 0)).toBeLessThan(
      allCohorts.reduce((n: number, c: { customers: number }) => n + c.customers, 0),
    );
    for (const c of cohorts) expect([c.cohort, await value(`cohort-${c.cohort}-size`)]).toEqual([c.cohort, c.customers]);
    expect(await page.locator('#cohort-table [data-testid$="-size"]').count()).toBe(cohorts.length);
  });

  it('drills down from a funnel stage to the list of its customers, and from there to a customer', async () => {
    const { to } = await shownWindow();
    const segment = new URL(page.url()).searchParams.get('segment');
    const stage = (await analyst.get(`/v1/customers?stage=loyal&segment=${segment}&asOf=${to}&limit=1`)).body.customers.length
      ? 'loyal'
      : 'active';
    await reload(() => testid(`stage-row-${stage}`).click());
    const list = (await analyst.get(`/v1/customers?stage=${stage}&segment=${segment}&asOf=${to}&limit=100`)).body.customers;
    expect(list.length).toBeGreaterThan(0);
    const shown = await page.locator('[data-testid="drilldown-customer"] td:first-child').allTextContents();
    expect(shown).toEqual(list.map((c: { customerId: string }) => c.customerId));
    expect(page.url()).toContain(`stage=${stage}`);
    const csv = await download('drilldown');
    expect(csv.rows.map((r) => r.customerId)).toEqual(shown);
    expect(csv.rows.every((r) => r.stage === stage && r.segment === segment)).toBe(true);
    await reload(() => page.locator('[data-testid="drilldown-customer"] a').first().click());
    const view = (await analyst.get(`/v1/customers/${encodeURIComponent(list[0].customerId)}?asOf=${to}`)).body;
    expect(await text('customer-id')).toBe(list[0].customerId);
    expect(await text('customer-stage')).toBe(stage);
    expect(view.stage).toBe(stage);
    expect(Number(await text('customer-purchases'))).toBe(view.purchases.count);
    // A bar of the funnel drills down as its row does: the segment's biggest stage.
    const stages = ['prospect', 'new', 'active', 'loyal', 'advocate', 'at_risk', 'churned'];
    const members = await segmentCustomers(present(segment), to);
    const biggest = stages.reduce((a, b) =>
      members.filter((c) => c.stage === b).length > members.filter((c) => c.stage === a).length ? b : a,
    );
    const bar = await barCentre('lifecycle-chart', stages.indexOf(biggest));
    await reload(() => page.mouse.click(bar.x, bar.y));
    expect(page.url()).toContain(`stage=${biggest}`);
    const listed = (await analyst.get(`/v1/customers?stage=${biggest}&segment=${segment}&asOf=${to}&limit=100`)).body.customers;
    expect(await page.locator('[data-testid="drilldown-customer"] td:first-child').allTextContents()).toEqual(
      listed.map((c: { customerId: string }) => c.customerId),
    );
  });

  it('shows the key drivers of NPS, CSAT and churn as the API ranks them, and by value tier', async () => {
    await page.getByTestId('filter-segment').selectOption('');
    await reload(() => page.getByTestId('apply').click());
    const { from, to } = await shownWindow();
    for (const outcome of ['nps', 'csat', 'churn']) {
      await reload(() => page.getByTestId('drivers-outcome').selectOption(outcome));
      const report = (await analyst.get(`/v1/reports/drivers?from=${from}&to=${to}&outcome=${outcome}`)).body;
      const names = await page.locator('#drivers-table [data-testid$="-name"]').allTextContents();
      expect(names).toEqual(report.drivers.map((d: { attribute: string }) => d.attribute));
      for (const d of report.drivers.slice(0, 5)) {
        const id = `driver-${d.attribute.replace(/[^A-Za-z0-9_.-]+/g, '_')}`;
        const side = (s: { score?: number | null; rate?: number | null }) => (outcome === 'churn' ? s.rate : s.score);
        expect([
          outcome,
          d.attribute,
          await value(`${id}-impact`),
          await value(`${id}-share`),
          await value(`${id}-with`),
          await value(`${id}-without`),
        ]).toEqual([outcome, d.attribute, d.impact, d.share, side(d.with) ?? null, side(d.without) ?? null]);
      }
      // The top driver's bar shows both sides and the share on hover.
      const top = report.drivers[0];
      const unit = outcome === 'churn' ? 'customers' : 'answers';
      const count = (s: { responses?: number; customers?: number }) => (outcome === 'churn' ? s.customers : s.responses);
      const score = (s: { score?: number | null; rate?: number | null }) => (outcome === 'churn' ? s.rate : s.score);
      const bar = await barCentre('drivers-chart', 0);
      await page.mouse.move(bar.x, bar.y);
      expect(await tooltipLines('drivers-chart')).toEqual([
        `with: ${shown(score(top.with))} (${shown(count(top.with))} ${unit})`,
        `without: ${shown(score(top.without))} (${shown(count(top.without))} ${unit})`,
        `share: ${shown(top.share)} %`,
      ]);
      const csv = await download('drivers');
      expect(csv.rows.map((r) => [r.attribute, csvValue(r.impact), csvValue(r.share)])).toEqual(
        report.drivers.map((d: { attribute: string; impact: number | null; share: number | null }) => [d.attribute, d.impact, d.share]),
      );
      expect(csv.rows.every((r) => r.outcome === outcome)).toBe(true);
      const tiers = (await analyst.get(`/v1/reports/drivers?from=${from}&to=${to}&outcome=${outcome}&groupBy=valueTier`)).body.groups;
      for (const tier of Object.keys(tiers)) {
        expect([tier, await text(`tier-${tier}-1-attribute`), await value(`tier-${tier}-1-impact`)]).toEqual([
          tier,
          tiers[tier].drivers[0].attribute,
          tiers[tier].drivers[0].impact,
        ]);
      }
    }
    expect(page.url()).toContain('outcome=churn');
  });

  it('exports every panel as CSV with the numbers of the API', async () => {
    const { from, to, previousFrom } = await shownWindow();
    const lifecycle = await download('lifecycle');
    const stages = (await analyst.get(`/v1/reports/lifecycle?asOf=${to}`)).body.stages;
    expect(lifecycle.name).toBe(`cx-lifecycle-${from.slice(0, 10)}-${to.slice(0, 10)}.csv`);
    expect(Object.fromEntries(lifecycle.rows.map((r) => [r.stage, Number(r.customers)]))).toEqual(stages);

    const loyalty = await download('loyalty');
    const [current, previous] = [await loyaltyOf(from, to), await loyaltyOf(previousFrom, from)];
    const row = (period: string) => present(loyalty.rows.find((r) => r.period === period));
    expect([csvValue(row('window').npsScore), csvValue(row('window').orders), csvValue(row('window').meanResolutionHours)]).toEqual([
      current.nps.score,
      current.purchases.orders,
      current.cases.meanResolutionHours,
    ]);
    expect([csvValue(row('previous').npsScore), csvValue(row('previous').orders)]).toEqual([previous.nps.score, previous.purchases.orders]);

    const cohorts = await download('cohorts');
    const cohortReport = (await analyst.get(`/v1/reports/cohorts?from=${from}&to=${to}`)).body.cohorts;
    expect(cohorts.rows.map((r) => [r.cohort, r.month, csvValue(r.percent)])).toEqual(
      cohortReport.flatMap((c: any) => c.months.map((m: any) => [c.cohort, m.month, m.percent])),
    );

    const handoffs = await download('handoffs');
    const handoffReport = (await analyst.get(`/v1/reports/handoffs?from=${from}&to=${to}`)).body;
    expect(handoffs.rows.filter((r) => r.table === 'matrix').map((r) => [r.fromTeam, r.toTeam, Number(r.count)])).toEqual(
      handoffReport.matrix.map((c: any) => [c.fromTeam, c.toTeam, c.count]),
    );
    expect(handoffs.rows.filter((r) => r.table === 'team').map((r) => [r.team, Number(r.handoffsIn)])).toEqual(
      handoffReport.teams.map((t: any) => [t.team, t.handoffsIn]),
    );
    const ownerless = await download('ownerless');
    expect(ownerless.rows.map((r) => r.caseId)).toEqual(handoffReport.ownerless.map((c: any) => c.caseId));

    const alerts = await download('alerts');
    const closedLoop = (await analyst.get(`/v1/reports/closed-loop?from=${from}&to=${to}`)).body.totals;
    const windowRow = present(alerts.rows.find((r) => r.period === 'window'));
    expect([csvValue(windowRow.raised), csvValue(windowRow.followedUpWithinSlaPercent)]).toEqual([
      closedLoop.raised,
      closedLoop.followedUpWithinSla.percent,
    ]);

    const journey = await download('journey');
    expect(present(journey.rows.find((r) => r.field === 'stage')).value).toBe(await text('customer-stage'));
    // Every panel has its button, and each gave a file with rows.
    for (const csv of [lifecycle, loyalty, cohorts, handoffs, ownerless, alerts, journey]) expect(csv.rows.length).toBeGreaterThan(0);
  });

  it('shows the closed loop of the API: alerts open and overdue now, follow-up within the SLA by month', async () => {
    const { from, to } = await shownWindow();
    const asOf = await text('alerts-asof');
    const count = async (status: string) => {
      const answer = (await analyst.get(`/v1/alerts?status=${status}&asOf=${encodeURIComponent(asOf)}&limit=1000`)).body;
      return answer.nextCursor ? null : answer.alerts.length;
    };
    expect(await value('alerts-open')).toBe(await count('open'));
    expect(await value('alerts-overdue')).toBe(await count('overdue'));
    const totals = (await analyst.get(`/v1/reports/closed-loop?from=${from}&to=${to}`)).body.totals;
    expect(totals.raised).toBeGreaterThan(5);
    expect(await value('alerts-raised')).toBe(totals.raised);
    expect(await value('alerts-within-sla')).toBe(totals.followedUpWithinSla.percent);
    const month = to.slice(0, 7);
    const monthly = (await analyst.get(`/v1/reports/closed-loop?from=${month}-01T00:00:00Z&to=${to}`)).body.totals;
    expect(await value(`alerts-${month}-raised`)).toBe(monthly.raised);
  });

  it('groups the loyalty numbers by channel when asked', async () => {
    await page.getByTestId('filter-groupBy').selectOption('channel');
    await reload(() => page.getByTestId('apply').click());
    const { from, to } = await shownWindow();
    const groups = (await analyst.get(`/v1/reports/loyalty?from=${from}&to=${to}&groupBy=channel`)).body.groups;
    expect(await value('group-email-nps-responses')).toBe(groups.email.nps.responses);
    expect(await value('group-email-nps')).toBe(groups.email.nps.score);
  });

  it('draws the charts without errors, and leaves a screenshot', async () => {
    expect(await state()).toBe('ready');
    // A string: this runs in the page, and the project's TypeScript has no DOM types.
    const drawn = await page.evaluate("[...document.querySelectorAll('canvas')].map((c) => c.width > 0 && c.height > 0)");
    expect(drawn).toEqual([true, true, true, true]);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});

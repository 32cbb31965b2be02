import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, Browser, Page } from 'playwright-core';
import { HttpSink, pump, simulate } from '@cx/simulator';
import { client, KEYS, RunningServer, startServer } from './support/cx-server';

const CHROMIUM = '/usr/bin/chromium';
const DAY = 86_400_000;
/** Where the test leaves its screenshot, for a person to look at. */
const SCREENSHOT = process.env.CX_DASHBOARD_SCREENSHOT ?? join(tmpdir(), 'cx-dashboard.png');
// CI installs Debian's Chromium (.ci/run); elsewhere a machine without it skips rather than fails.
const describeWithBrowser = existsSync(CHROMIUM) || process.env.CI ? describe : describe.skip;

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** The page's text of a number: thousands separators out, a dash for null. */
const numberIn = (text: string | null) => (text === null || text.trim() === '–' ? null : Number(text.replace(/,/g, '')));

/** Issue 9: the dashboard, driven in Chromium, shows the API's numbers. */
describeWithBrowser('analysts dashboard in Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let analyst: ReturnType<typeof client>;
  const pageErrors: string[] = [];
  const now = Date.now();
  const to = `${day(now + DAY)}T00:00:00Z`;
  const toDate = new Date(to);
  const from = `${day(Date.UTC(toDate.getUTCFullYear() - 1, toDate.getUTCMonth(), 1))}T00:00:00Z`;

  beforeAll(async () => {
    server = await startServer();
    analyst = client(server.url, KEYS.analyst);
    const counts = await pump(simulate({ customers: 220, days: 360, seed: 'dashboard', start: now - 360 * DAY, now }), new HttpSink(server.url, KEYS.ingest));
    expect(counts.rejected).toBe(0);
    // Read-your-writes: once these answer, every projection the page reads has the whole run.
    const head = (await client(server.url).get('/health')).body.info.eventStore.headPosition;
    for (const path of ['/v1/reports/lifecycle?', `/v1/reports/loyalty?from=${from}&to=${to}&`, `/v1/reports/handoffs?from=${from}&to=${to}&`, '/v1/alerts?limit=1&']) {
      expect((await analyst.get(`${path}after=${head}`)).status).toBe(200);
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1800 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => message.type() === 'error' && pageErrors.push(message.text()));
    page.on('response', (response) => response.status() >= 400 && pageErrors.push(`${response.status()} ${response.url()}`));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const text = (testid: string) => page.getByTestId(testid).first().textContent();
  const ready = () => page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });

  it('serves the page and the chart library without a key, and asks for one', async () => {
    const html = await client(server.url).get('/dashboard');
    expect(html.status).toBe(200);
    expect(html.headers.get('content-security-policy')).toContain("script-src 'self'");
    const chart = await fetch(`${server.url}/dashboard/vendor/chart.umd.min.js`);
    expect(chart.status).toBe(200);
    expect(await chart.text()).toContain('Chart');
    await page.goto(`${server.url}/dashboard?from=${from.slice(0, 10)}&to=${to.slice(0, 10)}`);
    await page.waitForSelector('body[data-state="needs-key"]');
    expect(await text('key-state')).toBe('no key yet');
  });

  it('shows the lifecycle counts of the API once a key is given', async () => {
    await page.getByTestId('key-input').fill(KEYS.analyst);
    await page.getByTestId('key-submit').click();
    await ready();
    expect(await page.evaluate("sessionStorage.getItem('cx.apiKey')")).toBe(KEYS.analyst);
    const report = (await analyst.get(`/v1/reports/lifecycle?asOf=${to}`)).body;
    for (const [stage, count] of Object.entries(report.stages)) expect(numberIn(await text(`stage-${stage}`))).toBe(count);
    expect(numberIn(await text('lifecycle-total'))).toBe(report.total);
    expect(report.total).toBeGreaterThan(100);
  });

  it('shows the loyalty numbers of the API for the window', async () => {
    const blocks = (await analyst.get(`/v1/reports/loyalty?from=${from}&to=${to}`)).body.blocks;
    expect(blocks.nps.responses).toBeGreaterThan(0);
    expect(numberIn(await text('nps-score'))).toBe(blocks.nps.score);
    expect(numberIn(await text('nps-responses'))).toBe(blocks.nps.responses);
    expect(numberIn(await text('csat-score'))).toBe(blocks.csat.score);
    expect(numberIn(await text('ces-mean'))).toBe(blocks.ces.mean);
    expect(numberIn(await text('orders'))).toBe(blocks.purchases.orders);
    expect(numberIn(await text('fcr'))).toBe(blocks.cases.firstContactResolution);
    const month = new Date(now).toISOString().slice(0, 7);
    const monthly = (await analyst.get(`/v1/reports/loyalty?from=${month}-01T00:00:00Z&to=${to}`)).body.blocks;
    expect(numberIn(await text(`month-${month}-nps-responses`))).toBe(monthly.nps.responses);
  });

  it('shows the handoff matrix, the ownerless cases and the cohorts of the API', async () => {
    const report = (await analyst.get(`/v1/reports/handoffs?from=${from}&to=${to}`)).body;
    const busiest = [...report.matrix].sort((a, b) => b.count - a.count)[0];
    expect(busiest.count).toBeGreaterThan(1);
    expect(numberIn(await text(`handoff-${busiest.fromTeam}-${busiest.toTeam}`))).toBe(busiest.count);
    expect(numberIn(await text('handoffs-total'))).toBe(report.totals.handoffs);
    expect(numberIn(await text('ownerless-count'))).toBe(report.ownerless.length);
    expect(report.ownerless.length).toBeGreaterThan(0);
    const cohorts = (await analyst.get(`/v1/reports/cohorts?from=${from}&to=${to}`)).body.cohorts;
    const first = cohorts.find((c: { months: unknown[] }) => c.months.length > 0);
    expect(numberIn(await text(`cohort-${first.cohort}-size`))).toBe(first.customers);
    expect(numberIn(await text(`cohort-${first.cohort}-m1`))).toBe(first.months[0].percent);
  });

  it('shows a customer journey with the stage the API gives', async () => {
    const loyal = (await analyst.get(`/v1/customers?stage=loyal&asOf=${to}&limit=1`)).body.customers[0];
    await page.getByTestId('customer-input').fill(loyal.customerId);
    await page.getByTestId('customer-submit').click();
    await page.waitForSelector(`[data-testid="customer-id"]:text("${loyal.customerId}")`);
    await ready();
    const view = (await analyst.get(`/v1/customers/${encodeURIComponent(loyal.customerId)}?asOf=${to}`)).body;
    expect(await text('customer-stage')).toBe(view.stage);
    expect(view.stage).toBe('loyal');
    expect(numberIn(await text('customer-purchases'))).toBe(view.purchases.count);
    expect(page.url()).toContain(`customer=${encodeURIComponent(loyal.customerId)}`);
  });

  it('groups the loyalty numbers by channel when asked', async () => {
    await page.getByTestId('filter-groupBy').selectOption('channel');
    await page.getByTestId('apply').click();
    await page.waitForSelector('[data-testid="loyalty-groups"]');
    await ready();
    const groups = (await analyst.get(`/v1/reports/loyalty?from=${from}&to=${to}&groupBy=channel`)).body.groups;
    expect(numberIn(await text('group-email-nps-responses'))).toBe(groups.email.nps.responses);
    expect(numberIn(await text('group-email-nps'))).toBe(groups.email.nps.score);
    expect(numberIn(await text('group-web-orders'))).toBe(groups.web.purchases.orders);
  });

  it('shows the closed loop of the API: alerts open and overdue now, follow-up within the SLA', async () => {
    const asOf = await text('alerts-asof');
    const count = async (status: string) => {
      const page = (await analyst.get(`/v1/alerts?status=${status}&asOf=${encodeURIComponent(asOf!)}&limit=1000`)).body;
      return page.nextCursor ? null : page.alerts.length;
    };
    expect(numberIn(await text('alerts-open'))).toBe(await count('open'));
    expect(numberIn(await text('alerts-overdue'))).toBe(await count('overdue'));
    const totals = (await analyst.get(`/v1/reports/closed-loop?from=${from}&to=${to}`)).body.totals;
    expect(totals.raised).toBeGreaterThan(20);
    expect(totals.followedUp).toBeGreaterThan(0);
    expect(numberIn(await text('alerts-raised'))).toBe(totals.raised);
    expect(numberIn(await text('alerts-within-sla'))).toBe(totals.followedUpWithinSla.percent);
    const month = new Date(now - 40 * DAY).toISOString().slice(0, 7);
    const monthly = (await analyst.get(`/v1/reports/closed-loop?from=${month}-01T00:00:00Z&to=${new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5)), 1)).toISOString()}`)).body.totals;
    expect(numberIn(await text(`alerts-${month}-raised`))).toBe(monthly.raised);
    expect(numberIn(await text(`alerts-${month}-within-sla`))).toBe(monthly.followedUpWithinSla.percent);
  });

  it('draws the charts without errors, and leaves a screenshot', async () => {
    // A string: this runs in the page, and the project's TypeScript has no DOM types.
    const drawn = await page.evaluate("[...document.querySelectorAll('canvas')].map((c) => c.width > 0 && c.height > 0)");
    expect(drawn).toEqual([true, true, true]);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(pageErrors).toEqual([]);
  });
});

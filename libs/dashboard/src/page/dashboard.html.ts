/**
 * The dashboard page: plain HTML, no build step. Kept as a TypeScript string so that it
 * travels inside dist/ with the rest of the server (the image copies only dist/).
 * Every number a test or a person may check carries a `data-testid`.
 */
export const DASHBOARD_HTML = String.raw`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>CX Ledger · analysts' dashboard</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/dashboard/app.css">
  <script src="/dashboard/vendor/chart.umd.min.js" defer></script>
  <script src="/dashboard/app.js" defer></script>
</head>
<body>
  <header class="top">
    <h1>CX Ledger <span>analysts' dashboard</span></h1>
    <form id="key-form" class="key-form" autocomplete="off">
      <label>API key (analyst) <input id="key-input" type="password" placeholder="paste a key" data-testid="key-input"></label>
      <button type="submit" data-testid="key-submit">Use key</button>
      <button type="button" id="key-forget" class="quiet">Forget key</button>
      <span id="key-state" class="muted" data-testid="key-state"></span>
    </form>
  </header>

  <form id="filters" class="filters" autocomplete="off">
    <label>From <input type="date" id="from" name="from" required data-testid="filter-from"></label>
    <label>To (exclusive) <input type="date" id="to" name="to" required data-testid="filter-to"></label>
    <label>Group by
      <select id="groupBy" name="groupBy" data-testid="filter-groupBy">
        <option value="none">none</option><option value="channel">channel</option><option value="team">team</option><option value="segment">segment</option>
      </select>
    </label>
    <button type="submit" data-testid="apply">Apply</button>
    <span id="status" class="muted" role="status" data-testid="status"></span>
  </form>

  <main class="grid">
    <section class="card" id="lifecycle">
      <h2>Lifecycle funnel <small id="lifecycle-asof" data-testid="lifecycle-asof"></small></h2>
      <div class="split">
        <div class="chart"><canvas id="lifecycle-chart" aria-label="customers per lifecycle stage"></canvas></div>
        <table class="numbers" id="lifecycle-table"><tbody></tbody></table>
      </div>
      <p class="error" hidden></p>
    </section>

    <section class="card wide" id="loyalty">
      <h2>Loyalty over time <small>NPS, CSAT, CES by month</small></h2>
      <div class="kpis" id="loyalty-kpis"></div>
      <div class="chart tall"><canvas id="loyalty-chart" aria-label="NPS, CSAT and CES per month"></canvas></div>
      <details><summary>Per month</summary><table class="data" id="loyalty-months"></table></details>
      <div id="loyalty-groups"></div>
      <p class="error" hidden></p>
    </section>

    <section class="card wide" id="cohorts">
      <h2>Cohorts <small>share of each first-purchase month buying again, by month after</small></h2>
      <div class="scroll"><table class="heat" id="cohort-table"></table></div>
      <p class="error" hidden></p>
    </section>

    <section class="card wide" id="handoffs">
      <h2>Handoffs between teams <small>accepted in the window; rows: from, columns: accepted by</small></h2>
      <div class="kpis" id="handoff-kpis"></div>
      <div class="scroll"><table class="heat" id="handoff-matrix"></table></div>
      <details><summary>Per team</summary><table class="data" id="handoff-teams"></table></details>
      <p class="error" hidden></p>
    </section>

    <section class="card wide" id="alerts">
      <h2>Closed loop <small>alerts now (<span id="alerts-asof" data-testid="alerts-asof"></span>) and follow-up within the SLA, by month of raising</small></h2>
      <div class="kpis" id="alert-kpis"></div>
      <div class="chart"><canvas id="alerts-chart" aria-label="share of alerts followed up within the SLA per month"></canvas></div>
      <details><summary>Per month</summary><table class="data" id="alert-months"></table></details>
      <details><summary>Overdue now (newest first)</summary><div class="scroll short"><table class="data" id="alert-overdue"></table></div></details>
      <p class="error" hidden></p>
    </section>

    <section class="card" id="ownerless">
      <h2>Ownerless cases <small id="ownerless-count-label"></small></h2>
      <div class="scroll short"><table class="data" id="ownerless-table"></table></div>
      <div id="case-detail" class="detail" hidden></div>
      <p class="error" hidden></p>
    </section>

    <section class="card" id="journey">
      <h2>Customer journey</h2>
      <form id="customer-form" class="inline" autocomplete="off">
        <input id="customer-input" placeholder="customer id" data-testid="customer-input">
        <button type="submit" data-testid="customer-submit">Show</button>
      </form>
      <div id="customer-view"></div>
      <p class="error" hidden></p>
    </section>
  </main>
  <footer class="muted">Numbers come from the CX Ledger API with your key; the key stays in this tab (sessionStorage).</footer>
</body>
</html>
`;

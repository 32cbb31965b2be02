/** The dashboard's styles (a string, for the same reason as the page). */
export const DASHBOARD_CSS = String.raw`
:root { --ink: #1d2733; --muted: #667385; --line: #dfe4ea; --card: #fff; --bg: #f3f5f8; --accent: #2463eb; --bad: #c2410c; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
h1 { margin: 0; font-size: 18px; } h1 span { color: var(--muted); font-weight: 400; }
h2 { margin: 0 0 10px; font-size: 15px; } h2 small { color: var(--muted); font-weight: 400; margin-left: 6px; }
.top { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; justify-content: space-between; padding: 12px 20px; background: var(--card); border-bottom: 1px solid var(--line); }
.key-form, .filters, .inline { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
.filters { padding: 10px 20px; background: var(--card); border-bottom: 1px solid var(--line); }
input, select, button { font: inherit; padding: 5px 8px; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
button.quiet { background: #fff; color: var(--ink); border-color: var(--line); }
.muted { color: var(--muted); }
.grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; padding: 16px 20px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; min-width: 0; }
.card.wide { grid-column: span 2; }
.split { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 14px; align-items: start; }
.chart { position: relative; height: 240px; } .chart.tall { height: 280px; }
.kpis { display: flex; flex-wrap: wrap; gap: 10px; margin-bottom: 10px; }
.kpi { border: 1px solid var(--line); border-radius: 8px; padding: 6px 10px; min-width: 108px; }
.kpi b { display: block; font-size: 20px; } .kpi span { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
table.numbers td:first-child { color: var(--muted); }
table.heat td { text-align: center; font-variant-numeric: tabular-nums; min-width: 48px; }
table.heat th { font-weight: 500; color: var(--muted); }
.scroll { overflow: auto; } .scroll.short { max-height: 260px; }
details { margin-top: 8px; } summary { cursor: pointer; color: var(--muted); }
.error { color: var(--bad); }
a.link { color: var(--accent); cursor: pointer; text-decoration: underline; }
.stages { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0; }
.stage { border-radius: 12px; padding: 2px 10px; background: #e8eefc; font-size: 12px; }
.stage.current { background: var(--accent); color: #fff; }
.detail { margin-top: 10px; padding-top: 8px; border-top: 1px dashed var(--line); }
footer { padding: 0 20px 20px; }
@media (max-width: 900px) { .grid { grid-template-columns: 1fr; } .card.wide { grid-column: span 1; } .split { grid-template-columns: 1fr; } }
`;

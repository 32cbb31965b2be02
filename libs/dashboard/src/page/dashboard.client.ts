/**
 * The dashboard's browser script: plain JavaScript run as is (no build step), kept as a
 * string like the page. It holds no template literals so that it can live in String.raw.
 * State lives in the URL (?from&to&groupBy&customer) so a view can be shared as a link;
 * the API key lives in sessionStorage and goes out only as `Authorization: Bearer`.
 */
export const DASHBOARD_JS = String.raw`(function () {
  'use strict';
  var KEY = 'cx.apiKey';
  var STAGES = ['prospect', 'new', 'active', 'loyal', 'advocate', 'at_risk', 'churned'];
  var STAGE_COLOURS = ['#9db4e8', '#6f93e0', '#4a76d8', '#2463eb', '#15803d', '#d97706', '#6b7280'];
  var MAX_MONTHS = 60;
  var charts = {};
  var byId = function (id) { return document.getElementById(id); };

  // ---- small helpers -------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value === undefined || value === null) return;
      if (name === 'text') node.textContent = String(value);
      else if (name === 'onclick') node.addEventListener('click', value);
      else node.setAttribute(name, String(value));
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }
  /** Numbers as the API gives them; counts with thousands separators; null as a dash. */
  function fmt(value) {
    if (value === null || value === undefined) return '–';
    if (typeof value === 'number' && Number.isInteger(value)) return value.toLocaleString('en-US');
    return String(value);
  }
  function slug(text) { return String(text).replace(/[^A-Za-z0-9_.-]+/g, '_'); }
  function cell(value, testid, extra) {
    var attrs = Object.assign({ class: 'n', text: fmt(value), 'data-testid': testid }, extra || {});
    return el('td', attrs);
  }
  function query(params) {
    var clean = {};
    Object.keys(params).forEach(function (k) { if (params[k] !== undefined && params[k] !== null && params[k] !== '') clean[k] = params[k]; });
    return new URLSearchParams(clean).toString();
  }
  function setRows(table, head, rows) {
    table.replaceChildren(el('thead', {}, [el('tr', {}, head.map(function (h) { return el('th', { text: h, class: h === '' ? '' : 'n' }); }))]), el('tbody', {}, rows));
  }
  function drawChart(id, config) {
    if (charts[id]) charts[id].destroy();
    if (typeof window.Chart !== 'function') return; // the numbers still show without the chart library
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
    charts[id] = new window.Chart(byId(id), config);
  }

  // ---- API -----------------------------------------------------------------------
  async function api(path) {
    var key = sessionStorage.getItem(KEY);
    if (!key) throw Object.assign(new Error('enter an API key with the analyst role'), { status: 401 });
    var response = await fetch(path, { headers: { authorization: 'Bearer ' + key, accept: 'application/json' } });
    var body = await response.json().catch(function () { return null; });
    if (!response.ok) throw Object.assign(new Error(body && body.message ? body.message : 'HTTP ' + response.status), { status: response.status });
    return body;
  }

  // ---- filters: the URL is the state ---------------------------------------------
  function day(ms) { return new Date(ms).toISOString().slice(0, 10); }
  function filters() {
    var params = new URLSearchParams(location.search);
    var now = new Date();
    var tomorrow = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
    var to = params.get('to') || day(tomorrow);
    var toDate = new Date(to + 'T00:00:00Z');
    var from = params.get('from') || day(Date.UTC(toDate.getUTCFullYear() - 1, toDate.getUTCMonth(), 1));
    return { from: from, to: to, groupBy: params.get('groupBy') || 'none', customer: params.get('customer') || '' };
  }
  function showFilters(f) {
    byId('from').value = f.from;
    byId('to').value = f.to;
    byId('groupBy').value = f.groupBy;
    byId('customer-input').value = f.customer;
  }
  function navigate(change) {
    var f = Object.assign(filters(), change);
    history.replaceState(null, '', '?' + query({ from: f.from, to: f.to, groupBy: f.groupBy === 'none' ? '' : f.groupBy, customer: f.customer }));
    return refresh();
  }
  function instant(dayText) { return dayText + 'T00:00:00Z'; }
  /** Calendar months of [from, to), the first and last cut to the window. */
  function monthWindows(from, to) {
    var windows = [];
    var cursor = Date.parse(from);
    var end = Date.parse(to);
    while (cursor < end && windows.length < MAX_MONTHS) {
      var d = new Date(cursor);
      var next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
      windows.push({ label: d.toISOString().slice(0, 7), from: d.toISOString(), to: new Date(Math.min(next, end)).toISOString() });
      cursor = next;
    }
    return windows;
  }

  // ---- sections ------------------------------------------------------------------
  async function section(id, work) {
    var error = byId(id).querySelector('.error');
    error.hidden = true;
    try {
      await work();
    } catch (e) {
      error.hidden = false;
      error.textContent = e.status === 404 ? 'Not available: ' + e.message : e.message;
      if (e.status === 401 || e.status === 403) keyState('key refused: ' + e.message);
    }
  }

  async function lifecycle(asOf) {
    var report = await api('/v1/reports/lifecycle?' + query({ asOf: asOf }));
    byId('lifecycle-asof').textContent = 'as of ' + report.asOf;
    var counts = STAGES.map(function (stage) { return report.stages[stage] || 0; });
    var rows = STAGES.map(function (stage, i) { return el('tr', {}, [el('td', { text: stage.replace('_', ' ') }), cell(counts[i], 'stage-' + stage)]); });
    rows.push(el('tr', {}, [el('td', { text: 'total' }), cell(report.total, 'lifecycle-total')]));
    byId('lifecycle-table').replaceChildren(el('tbody', {}, rows));
    drawChart('lifecycle-chart', {
      type: 'bar',
      data: { labels: STAGES.map(function (s) { return s.replace('_', ' '); }), datasets: [{ label: 'customers', data: counts, backgroundColor: STAGE_COLOURS }] },
      options: { indexAxis: 'y', plugins: { legend: { display: false } } },
    });
  }

  function kpi(label, value, testid, suffix) {
    return el('div', { class: 'kpi' }, [el('b', { text: value === null || value === undefined ? '–' : fmt(value) + (suffix || ''), 'data-testid': testid }), el('span', { text: label })]);
  }

  function loyaltyKpis(blocks) {
    byId('loyalty-kpis').replaceChildren(
      kpi('NPS (' + fmt(blocks.nps.responses) + ' answers)', blocks.nps.score, 'nps-score'),
      kpi('CSAT % satisfied', blocks.csat.score, 'csat-score'),
      kpi('CES mean (1–7)', blocks.ces.mean, 'ces-mean'),
      kpi('orders', blocks.purchases.orders, 'orders'),
      kpi('repeat rate %', blocks.purchases.repeatRate, 'repeat-rate'),
      kpi('referrals', blocks.referrals.count, 'referrals'),
      kpi('churn rate %', blocks.churn.rate, 'churn-rate'),
      kpi('cases opened', blocks.cases.opened, 'cases-opened'),
      kpi('first-contact resolution %', blocks.cases.firstContactResolution, 'fcr'),
    );
    byId('loyalty-kpis').appendChild(el('span', { hidden: '', 'data-testid': 'nps-responses', text: fmt(blocks.nps.responses) }));
  }

  function loyaltyTrend(months, reports) {
    var pick = function (f) { return reports.map(function (r) { return f(r.blocks); }); };
    var nps = pick(function (b) { return b.nps.score; });
    var csat = pick(function (b) { return b.csat.score; });
    var ces = pick(function (b) { return b.ces.mean; });
    drawChart('loyalty-chart', {
      type: 'line',
      data: {
        labels: months.map(function (m) { return m.label; }),
        datasets: [
          { label: 'NPS', data: nps, borderColor: '#2463eb', backgroundColor: '#2463eb', yAxisID: 'score', spanGaps: true },
          { label: 'CSAT % satisfied', data: csat, borderColor: '#15803d', backgroundColor: '#15803d', yAxisID: 'score', spanGaps: true },
          { label: 'CES mean', data: ces, borderColor: '#d97706', backgroundColor: '#d97706', yAxisID: 'ces', spanGaps: true, borderDash: [5, 4] },
        ],
      },
      options: {
        interaction: { mode: 'index', intersect: false },
        scales: { score: { position: 'left', min: -100, max: 100, title: { display: true, text: 'NPS / CSAT %' } }, ces: { position: 'right', min: 1, max: 7, grid: { drawOnChartArea: false }, title: { display: true, text: 'CES' } } },
      },
    });
    var rows = months.map(function (m, i) {
      var b = reports[i].blocks;
      return el('tr', {}, [el('td', { text: m.label }), cell(b.nps.score, 'month-' + m.label + '-nps'), cell(b.nps.responses, 'month-' + m.label + '-nps-responses'),
        cell(b.csat.score, 'month-' + m.label + '-csat'), cell(b.ces.mean, 'month-' + m.label + '-ces'), cell(b.purchases.orders, 'month-' + m.label + '-orders')]);
    });
    setRows(byId('loyalty-months'), ['', 'NPS', 'answers', 'CSAT %', 'CES', 'orders'], rows);
  }

  function loyaltyGroups(report) {
    var root = byId('loyalty-groups');
    if (!report) { root.replaceChildren(); return; }
    var value = function (block, field) { return block ? block[field] : null; };
    var rows = Object.keys(report.groups).map(function (key) {
      var g = report.groups[key];
      var id = 'group-' + slug(key);
      return el('tr', {}, [el('td', { text: key }), cell(value(g.nps, 'score'), id + '-nps'), cell(value(g.nps, 'responses'), id + '-nps-responses'),
        cell(value(g.csat, 'score'), id + '-csat'), cell(value(g.ces, 'mean'), id + '-ces'), cell(value(g.purchases, 'orders'), id + '-orders'),
        cell(value(g.cases, 'opened'), id + '-cases-opened'), cell(value(g.cases, 'firstContactResolution'), id + '-fcr')]);
    });
    var table = el('table', { class: 'data', 'data-testid': 'loyalty-groups' });
    setRows(table, [report.groupBy, 'NPS', 'answers', 'CSAT %', 'CES', 'orders', 'cases opened', 'FCR %'], rows);
    root.replaceChildren(el('h3', { text: 'By ' + report.groupBy + ' (whole window)' }), el('div', { class: 'scroll' }, [table]));
  }

  async function loyalty(from, to, groupBy) {
    var months = monthWindows(from, to);
    var answers = await Promise.all([
      api('/v1/reports/loyalty?' + query({ from: from, to: to })),
      groupBy === 'none' ? Promise.resolve(null) : api('/v1/reports/loyalty?' + query({ from: from, to: to, groupBy: groupBy })),
    ].concat(months.map(function (m) { return api('/v1/reports/loyalty?' + query({ from: m.from, to: m.to })); })));
    loyaltyKpis(answers[0].blocks);
    loyaltyGroups(answers[1]);
    loyaltyTrend(months, answers.slice(2));
  }

  /** Light to dark blue with the share: the heat map's colour. */
  function heat(percent, max) {
    if (percent === null || percent === undefined || max <= 0) return '';
    var strength = Math.min(1, percent / max);
    return 'hsl(217, 80%, ' + Math.round(96 - strength * 52) + '%)';
  }
  function heatCell(value, colourBy, max, testid, title) {
    var td = el('td', { text: value === null || value === undefined ? '' : fmt(value), 'data-testid': testid, title: title });
    td.style.background = heat(colourBy, max);
    if (colourBy / max > 0.6) td.style.color = '#fff';
    return td;
  }

  async function cohorts(from, to) {
    var report = await api('/v1/reports/cohorts?' + query({ from: from, to: to }));
    var width = report.cohorts.reduce(function (w, c) { return Math.max(w, c.months.length); }, 0);
    var max = report.cohorts.reduce(function (m, c) { return c.months.reduce(function (mm, x) { return Math.max(mm, x.percent || 0); }, m); }, 0);
    var head = ['cohort', 'customers'];
    for (var i = 1; i <= width; i++) head.push('+' + i);
    var rows = report.cohorts.map(function (c) {
      var cells = [el('th', { text: c.cohort }), cell(c.customers, 'cohort-' + c.cohort + '-size')];
      c.months.forEach(function (m) { cells.push(heatCell(m.percent, m.percent, max, 'cohort-' + c.cohort + '-m' + m.offset, m.month + ': ' + m.customers + ' customers')); });
      return el('tr', {}, cells);
    });
    if (rows.length === 0) rows.push(el('tr', {}, [el('td', { text: 'no first purchases in this window', class: 'muted' })]));
    setRows(byId('cohort-table'), head, rows);
  }

  function handoffMatrix(report) {
    var cells = {};
    var froms = [], tos = [];
    report.matrix.forEach(function (c) {
      cells[c.fromTeam + '\u0000' + c.toTeam] = c;
      if (froms.indexOf(c.fromTeam) < 0) froms.push(c.fromTeam);
      if (tos.indexOf(c.toTeam) < 0) tos.push(c.toTeam);
    });
    froms.sort(); tos.sort();
    var max = report.matrix.reduce(function (m, c) { return Math.max(m, c.count); }, 0);
    var rows = froms.map(function (from) {
      return el('tr', {}, [el('th', { text: from })].concat(tos.map(function (to) {
        var c = cells[from + '\u0000' + to];
        var title = c ? c.count + ' handoffs, median ' + fmt(c.medianMinutesToAccept) + ' min to accept' : '';
        return heatCell(c ? c.count : null, c ? c.count : 0, max, 'handoff-' + slug(from) + '-' + slug(to), title);
      })));
    });
    if (rows.length === 0) rows.push(el('tr', {}, [el('td', { text: 'no handoffs accepted in this window', class: 'muted' })]));
    setRows(byId('handoff-matrix'), ['from \\ to'].concat(tos), rows);
  }

  function handoffTeams(report) {
    var rows = report.teams.map(function (t) {
      var id = 'team-' + slug(t.team);
      return el('tr', {}, [el('td', { text: t.team }), cell(t.handoffsOut, id + '-out'), cell(t.handoffsIn, id + '-in'), cell(t.medianMinutesToAccept, id + '-median'),
        cell(t.stalledNow, id + '-stalled'), cell(t.openOwned, id + '-open'), cell(t.pingPongs, id + '-pingpongs'), cell(t.resolved, id + '-resolved')]);
    });
    setRows(byId('handoff-teams'), ['team', 'out', 'in', 'median min', 'stalled now', 'open owned', 'ping-pongs', 'resolved'], rows);
  }

  function ownerless(report, asOf) {
    var list = report.ownerless;
    byId('ownerless-count-label').replaceChildren(el('span', { text: fmt(list.length), 'data-testid': 'ownerless-count' }), document.createTextNode(' open without owner at the window end'));
    var rows = list.slice(0, 200).map(function (c) {
      return el('tr', { 'data-testid': 'ownerless-' + slug(c.caseId) }, [
        el('td', {}, [el('a', { class: 'link', text: c.caseId, onclick: function () { showCase(c.caseId, asOf); } })]),
        el('td', {}, [el('a', { class: 'link', text: c.customerId, onclick: function () { navigate({ customer: c.customerId }); } })]),
        el('td', { text: c.unownedSince.replace('T', ' ').slice(0, 16) }), el('td', { text: c.pendingTeam || '–' }),
      ]);
    });
    if (list.length > rows.length) rows.push(el('tr', {}, [el('td', { class: 'muted', text: 'and ' + (list.length - rows.length) + ' more' })]));
    setRows(byId('ownerless-table'), ['case', 'customer', 'unowned since', 'pending for'], rows);
  }

  async function handoffs(from, to) {
    var report = await api('/v1/reports/handoffs?' + query({ from: from, to: to }));
    byId('handoff-kpis').replaceChildren(
      kpi('handoffs accepted', report.totals.handoffs, 'handoffs-total'),
      kpi('median minutes to accept', report.totals.medianMinutesToAccept, 'handoffs-median'),
      kpi('unowned hours in window', report.totals.unownedHours, 'unowned-hours'),
    );
    handoffMatrix(report);
    handoffTeams(report);
    ownerless(report, to);
  }

  async function showCase(caseId, asOf) {
    var root = byId('case-detail');
    root.hidden = false;
    try {
      var view = await api('/v1/cases/' + encodeURIComponent(caseId) + '?' + query({ asOf: asOf }));
      var rows = view.handoffs.map(function (h) {
        return el('tr', {}, [el('td', { text: h.fromTeam + ' → ' + (h.acceptedBy || h.toTeam) }), el('td', { text: h.requestedAt || '–' }), el('td', { text: h.outcome }),
          cell(h.minutesToAccept), el('td', { text: (h.flags || []).join(', ') })]);
      });
      var table = el('table', { class: 'data' });
      setRows(table, ['handoff', 'requested', 'outcome', 'minutes', 'flags'], rows);
      root.replaceChildren(el('h3', { text: 'Case ' + view.caseId }), el('p', {}, [
        el('span', { text: view.status, 'data-testid': 'case-status' }), document.createTextNode(' · owner ' + (view.owner ? view.owner.team : 'none') + ' · pending for ' + (view.pendingTeam || '–') + ' · unowned ' + fmt(view.unownedMinutes) + ' min · reopened ' + view.reopenCount + '×'),
      ]), el('div', { class: 'scroll' }, [table]));
    } catch (e) {
      root.replaceChildren(el('p', { class: 'error', text: e.message }));
    }
  }

  function money(revenue) {
    var parts = Object.keys(revenue || {}).map(function (c) { return (revenue[c] / 100).toLocaleString('en-US', { minimumFractionDigits: 2 }) + ' ' + c; });
    return parts.length ? parts.join(', ') : '–';
  }
  // ---- closed loop (SPEC §2.4) -----------------------------------------------------
  /** A page of at most 1,000 alerts counts them exactly, or as "1,000+". */
  function pageCount(page) { return page.nextCursor ? fmt(page.alerts.length) + '+' : page.alerts.length; }
  async function alerts(from, to) {
    var asOf = new Date().toISOString();
    var months = monthWindows(from, to);
    var answers = await Promise.all([
      api('/v1/alerts?' + query({ status: 'open', asOf: asOf, limit: 1000 })),
      api('/v1/alerts?' + query({ status: 'overdue', asOf: asOf, limit: 1000 })),
      api('/v1/reports/closed-loop?' + query({ from: from, to: to })),
    ].concat(months.map(function (m) { return api('/v1/reports/closed-loop?' + query({ from: m.from, to: m.to })); })));
    var open = answers[0], overdue = answers[1], totals = answers[2].totals, reports = answers.slice(3);
    byId('alerts-asof').textContent = asOf;
    byId('alert-kpis').replaceChildren(
      kpi('open now', pageCount(open), 'alerts-open'),
      kpi('overdue now', pageCount(overdue), 'alerts-overdue'),
      kpi('raised in the window', totals.raised, 'alerts-raised'),
      kpi('followed up within the SLA %', totals.followedUpWithinSla.percent, 'alerts-within-sla'),
      kpi('median minutes to follow up', totals.medianFollowUpMinutes, 'alerts-median-minutes'));
    drawChart('alerts-chart', {
      type: 'line',
      data: { labels: months.map(function (m) { return m.label; }), datasets: [{ label: '% followed up within the SLA', data: reports.map(function (r) { return r.totals.followedUpWithinSla.percent; }), borderColor: '#15803d', spanGaps: true }] },
      options: { scales: { y: { min: 0, max: 100 } } },
    });
    setRows(byId('alert-months'), ['month', 'raised', 'followed up', 'within SLA', '%', 'overdue at month end'], months.map(function (m, i) {
      var t = reports[i].totals;
      return el('tr', {}, [el('td', { text: m.label }), cell(t.raised, 'alerts-' + m.label + '-raised'), cell(t.followedUp), cell(t.followedUpWithinSla.count),
        cell(t.followedUpWithinSla.percent, 'alerts-' + m.label + '-within-sla'), cell(t.overdueNow)]);
    }));
    setRows(byId('alert-overdue'), ['raised', 'signal', 'customer', 'case', 'team'], overdue.alerts.slice(0, 100).map(function (a) {
      return el('tr', {}, [el('td', { text: a.raisedAt.replace('T', ' ').slice(0, 16) }), el('td', { text: a.signal.replace('_', ' ') }),
        el('td', {}, [el('a', { class: 'link', text: a.customerId, onclick: function () { navigate({ customer: a.customerId }); } })]),
        el('td', { text: a.caseId || '' }), el('td', { text: a.team || '' })]);
    }));
  }

  function answer(a) { return a ? a.score + ' (' + a.time.slice(0, 10) + ')' : '–'; }

  async function journey(id, asOf) {
    var path = '/v1/customers/' + encodeURIComponent(id);
    var answers = await Promise.all([api(path + '?' + query({ asOf: asOf })), api(path + '/timeline?' + query({ limit: 200 }))]);
    var view = answers[0], timeline = answers[1];
    var facts = [['customer', view.customerId, 'customer-id'], ['stage', view.stage, 'customer-stage'], ['segment', view.segment, 'customer-segment'],
      ['purchases', view.purchases.count, 'customer-purchases'], ['revenue', money(view.purchases.revenueMinor), 'customer-revenue'],
      ['interactions', view.interactions.count, 'customer-interactions'], ['open cases', view.openCases, 'customer-open-cases'],
      ['latest NPS', answer(view.nps), 'customer-nps'], ['latest CSAT', answer(view.csat), 'customer-csat'], ['latest CES', answer(view.ces), 'customer-ces'],
      ['referrals', view.referrals, 'customer-referrals'], ['won back', view.wonBack ? 'yes' : 'no', 'customer-won-back'],
      ['first seen', view.firstSeen, 'customer-first-seen'], ['last seen', view.lastSeen, 'customer-last-seen']];
    var summary = el('table', { class: 'numbers' }, [el('tbody', {}, facts.map(function (f) {
      return el('tr', {}, [el('td', { text: f[0] }), el('td', { text: typeof f[1] === 'number' ? fmt(f[1]) : (f[1] === null ? '–' : f[1]), 'data-testid': f[2] })]);
    }))]);
    var stages = el('div', { class: 'stages' }, view.stageHistory.map(function (s, i) {
      var last = i === view.stageHistory.length - 1;
      return el('span', { class: last ? 'stage current' : 'stage', text: s.stage.replace('_', ' ') + ' · ' + s.since.slice(0, 10), 'data-testid': 'customer-history-' + i });
    }));
    var events = el('table', { class: 'data' });
    setRows(events, ['time', 'type', 'channel', 'detail'], timeline.events.map(function (e) {
      var d = e.data || {};
      var detail = d.topic || d.orderId || d.caseId || (d.survey ? d.survey + ' ' + d.score : '') || d.segment || '';
      return el('tr', {}, [el('td', { text: e.time.replace('T', ' ').slice(0, 16) }), el('td', { text: e.type.replace(/^cx\./, '').replace(/\.v1$/, '') }), el('td', { text: d.channel || '' }), el('td', { text: detail })]);
    }));
    byId('customer-view').replaceChildren(summary, el('h3', { text: 'Stage history' }), stages, el('h3', { text: 'Timeline (first ' + timeline.events.length + ' events)' }), el('div', { class: 'scroll short' }, [events]));
  }

  // ---- wiring --------------------------------------------------------------------
  function status(text) { byId('status').textContent = text; }
  function keyState(text) { byId('key-state').textContent = text; }

  async function refresh() {
    var f = filters();
    showFilters(f);
    document.body.dataset.state = 'loading';
    if (!sessionStorage.getItem(KEY)) {
      keyState('no key yet');
      status('enter an API key with the analyst role to load the numbers');
      document.body.dataset.state = 'needs-key';
      return;
    }
    keyState('key in use for this tab');
    status('loading…');
    var from = instant(f.from), to = instant(f.to);
    await Promise.all([
      section('lifecycle', function () { return lifecycle(to); }),
      section('loyalty', function () { return loyalty(from, to, f.groupBy); }),
      section('cohorts', function () { return cohorts(from, to); }),
      section('handoffs', function () { return handoffs(from, to); }),
      section('alerts', function () { return alerts(from, to); }),
      f.customer ? section('journey', function () { return journey(f.customer, to); }) : Promise.resolve(),
    ]);
    status('window ' + f.from + ' to ' + f.to + ' · updated ' + new Date().toLocaleTimeString());
    document.body.dataset.state = 'ready';
  }

  byId('key-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var key = byId('key-input').value.trim();
    if (key) sessionStorage.setItem(KEY, key);
    byId('key-input').value = '';
    refresh();
  });
  byId('key-forget').addEventListener('click', function () { sessionStorage.removeItem(KEY); refresh(); });
  byId('filters').addEventListener('submit', function (event) {
    event.preventDefault();
    navigate({ from: byId('from').value, to: byId('to').value, groupBy: byId('groupBy').value });
  });
  byId('customer-form').addEventListener('submit', function (event) {
    event.preventDefault();
    navigate({ customer: byId('customer-input').value.trim() });
  });
  refresh();
})();
`;

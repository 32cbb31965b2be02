import type { PanelContext } from '../context.js';
import { byId, el, emptyRow, numberCell, setRows, text } from '../dom.js';
import { formatHours, formatMinutes, formatNumber, slug } from '../format.js';
import { kpiTile } from '../kpi.js';
import { iso } from '../period.js';
import type { CaseView, HandoffReport, MatrixCell, OwnerlessCase, TeamRow } from '../types.js';
import { heatCell } from './heat.js';

/** SPEC §2.3's handoff report for the window and the previous period (of the segment's cases, when one is chosen), and its ownerless cases. */
export async function handoffsPanel(ctx: PanelContext): Promise<void> {
  const { view, api } = ctx;
  const ask = (from: number, to: number) =>
    api.get<HandoffReport>('/v1/reports/handoffs', { from: iso(from), to: iso(to), segment: view.segment });
  const [report, previous] = await Promise.all([ask(view.period.from, view.period.to), ask(view.previous.from, view.previous.to)]);
  byId('handoff-kpis').replaceChildren(
    kpiTile({ label: 'handoffs accepted', testid: 'handoffs-total', current: report.totals.handoffs, previous: previous.totals.handoffs }),
    kpiTile({
      label: 'median time to accept',
      testid: 'handoffs-median',
      current: report.totals.medianMinutesToAccept,
      previous: previous.totals.medianMinutesToAccept,
      format: formatMinutes,
      better: 'down',
    }),
    kpiTile({
      label: 'unowned case time in the window',
      testid: 'unowned-hours',
      current: report.totals.unownedHours,
      previous: previous.totals.unownedHours,
      format: formatHours,
      better: 'down',
    }),
  );
  matrix(report.matrix);
  teams(report.teams);
  ownerless(ctx, report.ownerless, iso(view.period.to));
  ctx.setCsv('handoffs', {
    columns: [
      'table',
      'team',
      'fromTeam',
      'toTeam',
      'count',
      'handoffsOut',
      'handoffsIn',
      'medianMinutesToAccept',
      'stalledNow',
      'openOwned',
      'pingPongs',
      'resolved',
    ],
    rows: [
      ...report.teams.map((t) => [
        'team',
        t.team,
        null,
        null,
        null,
        t.handoffsOut,
        t.handoffsIn,
        t.medianMinutesToAccept,
        t.stalledNow,
        t.openOwned,
        t.pingPongs,
        t.resolved,
      ]),
      ...report.matrix.map((c) => [
        'matrix',
        null,
        c.fromTeam,
        c.toTeam,
        c.count,
        null,
        null,
        c.medianMinutesToAccept,
        null,
        null,
        null,
        null,
      ]),
    ],
  });
  ctx.setCsv('ownerless', {
    columns: ['caseId', 'customerId', 'unownedSince', 'pendingTeam'],
    rows: report.ownerless.map((c) => [c.caseId, c.customerId, c.unownedSince, c.pendingTeam]),
  });
}

function matrix(cells: MatrixCell[]): void {
  const byPair = new Map(cells.map((c) => [`${c.fromTeam}\u0000${c.toTeam}`, c]));
  const froms = [...new Set(cells.map((c) => c.fromTeam))].sort();
  const tos = [...new Set(cells.map((c) => c.toTeam))].sort();
  const max = Math.max(0, ...cells.map((c) => c.count));
  const rows = froms.map((from) =>
    el('tr', {}, [
      el('th', { text: from }),
      ...tos.map((to) => {
        const c = byPair.get(`${from}\u0000${to}`);
        const title = c ? `${c.count} handoffs, median ${formatMinutes(c.medianMinutesToAccept)} to accept` : undefined;
        return heatCell(c?.count ?? null, c?.count ?? 0, max, `handoff-${slug(from)}-${slug(to)}`, title);
      }),
    ]),
  );
  setRows(
    byId('handoff-matrix', HTMLTableElement),
    ['from \\ to', ...tos],
    rows.length ? rows : [emptyRow('no handoffs accepted in this window')],
  );
}

function teams(list: TeamRow[]): void {
  const rows = list.map((t) => {
    const id = `team-${slug(t.team)}`;
    return el('tr', {}, [
      el('td', { text: t.team }),
      numberCell(t.handoffsOut, `${id}-out`),
      numberCell(t.handoffsIn, `${id}-in`),
      numberCell(t.medianMinutesToAccept, `${id}-median`, formatMinutes(t.medianMinutesToAccept)),
      numberCell(t.stalledNow, `${id}-stalled`),
      numberCell(t.openOwned, `${id}-open`),
      numberCell(t.pingPongs, `${id}-pingpongs`),
      numberCell(t.resolved, `${id}-resolved`),
    ]);
  });
  setRows(
    byId('handoff-teams', HTMLTableElement),
    ['team', 'out', 'in', 'median to accept', 'stalled now', 'open owned', 'ping-pongs', 'resolved'],
    rows,
  );
}

function ownerless(ctx: PanelContext, list: OwnerlessCase[], asOf: string): void {
  byId('ownerless-count-label').replaceChildren(
    el('span', { text: formatNumber(list.length), 'data-testid': 'ownerless-count' }),
    text(' open without owner at the window end'),
  );
  const rows = list
    .slice(0, 200)
    .map((c) =>
      el('tr', { 'data-testid': `ownerless-${slug(c.caseId)}` }, [
        el('td', {}, [el('a', { class: 'link', text: c.caseId, onclick: () => void showCase(ctx, c.caseId, asOf) })]),
        el('td', {}, [el('a', { class: 'link', text: c.customerId, onclick: () => ctx.open({ customer: c.customerId }) })]),
        el('td', { text: c.unownedSince.replace('T', ' ').slice(0, 16) }),
        el('td', { text: c.pendingTeam ?? '–' }),
      ]),
    );
  if (list.length > rows.length) rows.push(emptyRow(`and ${list.length - rows.length} more (all in the CSV)`));
  setRows(byId('ownerless-table', HTMLTableElement), ['case', 'customer', 'unowned since', 'pending for'], rows);
}

async function showCase(ctx: PanelContext, caseId: string, asOf: string): Promise<void> {
  const root = byId('case-detail');
  root.hidden = false;
  try {
    const view = await ctx.api.get<CaseView>(`/v1/cases/${encodeURIComponent(caseId)}`, { asOf });
    const rows = view.handoffs.map((h) =>
      el('tr', {}, [
        el('td', { text: `${h.fromTeam} → ${h.acceptedBy ?? h.toTeam}` }),
        el('td', { text: h.requestedAt ?? '–' }),
        el('td', { text: h.outcome }),
        numberCell(h.minutesToAccept, undefined, formatMinutes(h.minutesToAccept)),
        el('td', { text: (h.flags ?? []).join(', ') }),
      ]),
    );
    const table = el('table', { class: 'data' });
    setRows(table, ['handoff', 'requested', 'outcome', 'time to accept', 'flags'], rows);
    root.replaceChildren(
      el('h3', { text: `Case ${view.caseId}` }),
      el('p', {}, [
        el('span', { text: view.status, 'data-testid': 'case-status' }),
        text(
          ` · owner ${view.owner?.team ?? 'none'} · pending for ${view.pendingTeam ?? '–'} · unowned ${formatMinutes(view.unownedMinutes)} · reopened ${view.reopenCount}×`,
        ),
      ]),
      el('div', { class: 'scroll' }, [table]),
    );
  } catch (error) {
    root.replaceChildren(el('p', { class: 'error', text: error instanceof Error ? error.message : String(error) }));
  }
}

import { el } from './dom.js';
import { change, formatNumber } from './format.js';

/** A KPI tile: the window's value, the previous period's, and the change between them. */
export interface Kpi {
  label: string;
  testid: string;
  current: number | null | undefined;
  /** Absent: the tile has no comparison (a count "now", say). */
  previous?: number | null;
  format?: (value: number | null | undefined) => string;
  /** For the colour of the change: NPS up is good, churn up is bad. */
  better?: 'up' | 'down';
  /** Text after the value, e.g. "+" for a page that holds more. */
  suffix?: string;
}

export function kpiTile(kpi: Kpi): HTMLElement {
  const format = kpi.format ?? formatNumber;
  const value = el('b', {
    text: format(kpi.current) + (kpi.suffix ?? ''),
    'data-testid': kpi.testid,
    'data-value': kpi.current ?? undefined,
    title: kpi.current ?? undefined,
  });
  const parts: Array<Node> = [value, el('span', { text: kpi.label })];
  if ('previous' in kpi) {
    const delta = change(kpi.current, kpi.previous);
    parts.push(
      el('small', {
        text: `previous period ${format(kpi.previous)}`,
        'data-testid': `${kpi.testid}-previous`,
        'data-value': kpi.previous ?? undefined,
      }),
    );
    const direction = delta === null || delta === 0 ? '' : delta > 0 ? 'up' : 'down';
    const good = direction === '' ? '' : direction === (kpi.better ?? 'up') ? 'up' : 'down';
    const shown = delta === null ? 'no comparison' : delta === 0 ? '= no change' : `${delta > 0 ? '▲ +' : '▼ −'}${format(Math.abs(delta))}`;
    parts.push(
      el('small', { class: good || undefined, text: shown, 'data-testid': `${kpi.testid}-change`, 'data-value': delta ?? undefined }),
    );
  }
  return el('div', { class: 'kpi' }, parts);
}
